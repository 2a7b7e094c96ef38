import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Title } from "@tremor/react";
import type { TClientDetail } from "@/server/clients/get-client";
import { formatCount, formatMoney, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { MonthlyUsageChart } from "@/components/usage-charts";

export function UsageTab({ client }: { client: TClientDetail }) {
  const months = client.monthlyUsage;
  const hasUsage = months.some((m) => m.messages !== "0" || m.tokens !== "0" || m.costUsd !== "0");
  const newestFirst = [...months].reverse();
  return (
    <div className="space-y-6" data-testid="client-usage">
      <Card>
        <Title>Messages, last 12 months</Title>
        {hasUsage ? (
          <MonthlyUsageChart data={months} series="messages" />
        ) : (
          <div className="mt-4">
            <EmptyState title="No usage in the last 12 months">
              Usage is counted when the client&apos;s widget or API keys send chat messages.
            </EmptyState>
          </div>
        )}
      </Card>
      <Card className="p-0">
        <Table data-testid="monthly-usage">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Period</TableHeaderCell>
              <TableHeaderCell className="text-right">Messages</TableHeaderCell>
              <TableHeaderCell className="text-right">Tokens</TableHeaderCell>
              <TableHeaderCell className="text-right">Tool calls</TableHeaderCell>
              <TableHeaderCell className="text-right">Cost (USD)</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {newestFirst.map((month) => (
              <TableRow key={month.period}>
                <TableCell>
                  {formatPeriod(month.period)}
                  {month.period === client.period ? <span className="ml-2 text-xs text-blue-600">current</span> : null}
                </TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(month.messages)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(month.tokens)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(month.toolCalls)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(month.costUsd)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <p className="border-t border-gray-100 px-6 py-3 text-xs text-gray-500">
          Counted per calendar month (UTC) from usage counters; costs are provider costs before plan pricing.
        </p>
      </Card>
    </div>
  );
}
