// Where the provider cost went: by model (a table), by provider and tool calls by tool (bars).
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import { formatCompact, formatCount, formatMoney, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { UsageBarList } from "@/components/usage-bar-list";
import type { TUsageByModel } from "./usage-types";

type TProps = {
  scope: string;
  period: string;
  byModel: TUsageByModel;
  tools: { tool: string; calls: string }[];
};

export function CostBreakdown({ scope, period, byModel, tools }: TProps) {
  return (
    <div className="mt-6 grid grid-cols-1 gap-4 xl:grid-cols-3">
      <Card className="xl:col-span-2 p-0" data-testid="cost-by-model">
        <div className="px-6 pt-5">
          <Title>Provider cost by model</Title>
          <Text>
            What each provider and model answered for {scope} in {formatPeriod(period)}, before plan pricing.
          </Text>
        </div>
        {byModel.models.length === 0 ? (
          <div className="p-6">
            <EmptyState title="No provider calls in this period" />
          </div>
        ) : (
          <Table className="mt-2">
            <TableHead>
              <TableRow>
                <TableHeaderCell>Provider</TableHeaderCell>
                <TableHeaderCell>Model</TableHeaderCell>
                <TableHeaderCell className="text-right">Calls</TableHeaderCell>
                <TableHeaderCell className="text-right">Tokens</TableHeaderCell>
                <TableHeaderCell className="text-right">Cost (USD)</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {byModel.models.map((row) => (
                <TableRow key={`${row.provider}/${row.model}`} data-testid="model-row">
                  <TableCell>{row.provider}</TableCell>
                  <TableCell className="max-w-[16rem] truncate">{row.model}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(row.calls)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatCompact(row.tokens)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(row.costUsd)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
      <div className="space-y-4">
        <Card data-testid="cost-by-provider">
          <Title>Cost by provider</Title>
          {byModel.providers.length === 0 ? (
            <Text className="mt-3">None in this period.</Text>
          ) : (
            <UsageBarList data={byModel.providers.map((p) => ({ name: p.provider, value: p.costUsd }))} format="usd" />
          )}
        </Card>
        <Card data-testid="usage-by-tool">
          <Title>Tool calls by tool</Title>
          {tools.length === 0 ? (
            <Text className="mt-3">No tool was called in this period.</Text>
          ) : (
            <UsageBarList data={tools.map((t) => ({ name: t.tool, value: t.calls }))} format="count" />
          )}
        </Card>
      </div>
    </div>
  );
}
