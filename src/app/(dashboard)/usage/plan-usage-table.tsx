// The period's usage summed per plan; each plan links to the report filtered to it.
import Link from "next/link";
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Title } from "@tremor/react";
import { formatCompact, formatCount, formatMoney, formatPeriod } from "@/components/display-format";
import { PlanBadge } from "@/components/status-badges";
import type { TPlanUsage } from "./usage-types";

export function PlanUsageTable({ period, plans, planHref }: { period: string; plans: TPlanUsage; planHref: (planKey: string) => string }) {
  return (
    <Card className="mt-6 p-0" data-testid="usage-by-plan">
      <div className="px-6 pt-5">
        <Title>Usage by plan in {formatPeriod(period)}</Title>
      </div>
      <Table className="mt-2">
        <TableHead>
          <TableRow>
            <TableHeaderCell>Plan</TableHeaderCell>
            <TableHeaderCell className="text-right">Clients</TableHeaderCell>
            <TableHeaderCell className="text-right">Messages</TableHeaderCell>
            <TableHeaderCell className="text-right">Tokens</TableHeaderCell>
            <TableHeaderCell className="text-right">Cost (USD)</TableHeaderCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {plans.map((p) => (
            <TableRow key={p.key} data-testid="plan-usage-row" data-plan={p.key}>
              <TableCell>
                <Link href={planHref(p.key)} className="hover:underline">
                  <PlanBadge planKey={p.key} name={p.name} />
                </Link>
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatCount(p.clientCount)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatCount(p.usage.messages)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatCompact(p.usage.tokens)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatMoney(p.usage.costUsd, "USD", 2)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
