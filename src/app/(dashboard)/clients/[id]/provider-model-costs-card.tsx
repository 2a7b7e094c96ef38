// What the client's calls cost per month, provider and model, over the last 6 months.
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import type { TClientModelCosts } from "@/server/usage/client-model-costs";
import { formatCount, formatMoney, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";

export function ProviderModelCostsCard({ costs }: { costs: TClientModelCosts }) {
  const first = costs.months[0];
  const last = costs.months[costs.months.length - 1];
  return (
    <Card className="p-0" data-testid="model-costs">
      <div className="p-5 pb-3">
        <Title>Cost by model per month</Title>
        <Text>
          {first && last ? `${formatPeriod(first)} to ${formatPeriod(last)}` : "The last 6 months"}: every call at the price it was made at. Messages are answered calls.
        </Text>
      </div>
      {costs.rows.length === 0 ? (
        <div className="px-5 pb-5">
          <EmptyState title="No calls in the last 6 months">Rows appear once the client&apos;s widget is used.</EmptyState>
        </div>
      ) : (
        <Table>
          <TableHead>
            <TableRow>
              <TableHeaderCell>Month</TableHeaderCell>
              <TableHeaderCell>Provider</TableHeaderCell>
              <TableHeaderCell>Model</TableHeaderCell>
              <TableHeaderCell className="text-right">Messages</TableHeaderCell>
              <TableHeaderCell className="text-right">Input tokens</TableHeaderCell>
              <TableHeaderCell className="text-right">Output tokens</TableHeaderCell>
              <TableHeaderCell className="text-right">Cost</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {costs.rows.map((row, index) => (
              <TableRow key={`${row.month}/${row.provider}/${row.model}`} data-testid="model-cost-row">
                <TableCell className="whitespace-nowrap">{index > 0 && costs.rows[index - 1]!.month === row.month ? "" : formatPeriod(row.month)}</TableCell>
                <TableCell className="font-medium text-gray-900">{row.provider}</TableCell>
                <TableCell className="font-mono text-xs">{row.model}</TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(row.messages)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(row.inputTokens)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(row.outputTokens)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(row.costUsd)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
