// Chat requests whose process died before they were metered: how many, what they may have
// cost us, and for which clients.
import Link from "next/link";
import { Card, Metric, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text } from "@tremor/react";
import { formatCount, formatMoney, formatPeriod } from "@/components/display-format";
import type { TAbandonedAttempts } from "./usage-types";

export function UnmeteredCallsCard({ period, abandoned }: { period: string; abandoned: TAbandonedAttempts }) {
  return (
    <Card className="mt-6" data-testid="unmetered-calls">
      <div className="flex items-start justify-between gap-6">
        <div className="max-w-2xl">
          <Text>Unmetered provider calls</Text>
          <p className="mt-1 text-sm text-gray-600">
            Chat requests whose app process died before they were metered (their reservation was given back once the lease ran out).
            The provider may have done the work; nobody was billed for it.
          </p>
        </div>
        <div className="shrink-0 text-right">
          <Metric data-testid="unmetered-count">{formatCount(String(abandoned.abandoned))}</Metric>
          <p className="text-tremor-default text-tremor-content" data-testid="unmetered-cost">
            at most {formatMoney(abandoned.estimatedCostUsd, "USD", 4)} estimated
          </p>
        </div>
      </div>
      {abandoned.clients.length === 0 ? (
        <p className="mt-3 text-sm text-gray-500">None in {formatPeriod(period)}: every answered call was metered.</p>
      ) : (
        <Table className="mt-3">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Client</TableHeaderCell>
              <TableHeaderCell className="text-right">Calls</TableHeaderCell>
              <TableHeaderCell className="text-right">Estimated cost (USD)</TableHeaderCell>
              <TableHeaderCell className="text-right">Last</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {abandoned.clients.map((row) => (
              <TableRow key={row.clientId} data-testid="unmetered-row">
                <TableCell>
                  <Link href={`/clients/${row.clientId}?tab=usage`} className="font-medium text-gray-900 hover:text-blue-700">
                    {row.name}
                  </Link>
                </TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(String(row.abandoned))}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(row.estimatedCostUsd, "USD", 4)}</TableCell>
                <TableCell className="text-right tabular-nums">{row.lastAt.toISOString().slice(0, 16).replace("T", " ")} UTC</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
