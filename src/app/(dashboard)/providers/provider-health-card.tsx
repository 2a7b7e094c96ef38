// How each provider's model behaved across all clients over the last 30 days: calls, errors
// (failed chat attempts), error and fallback rates, latency and cost.
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import type { TProviderHealth } from "@/server/model-prices/provider-health";
import { formatCount, formatDate, formatMoney } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";

const percent = (share: number | null) => (share === null ? "—" : `${(share * 100).toFixed(1)} %`);
const ms = (value: number | null) => (value === null ? "—" : `${formatCount(Math.round(value))} ms`);

export function ProviderHealthCard({ health }: { health: TProviderHealth }) {
  return (
    <Card className="mt-6 p-0" data-testid="provider-health">
      <div className="p-5 pb-3">
        <Title>Provider health</Title>
        <Text>
          All clients, {formatDate(health.from)} to {formatDate(health.to)}. Errors are chat requests that failed on every model of the chain, counted
          against the chain&apos;s first model; error rate = errors / (errors + calls). Latency p50 and p95 in milliseconds.
        </Text>
      </div>
      {health.rows.length === 0 ? (
        <div className="px-5 pb-5">
          <EmptyState title="No calls in the last 30 days">Once clients chat, each provider&apos;s model gets a row here.</EmptyState>
        </div>
      ) : (
        <Table>
          <TableHead>
            <TableRow>
              <TableHeaderCell>Provider</TableHeaderCell>
              <TableHeaderCell>Model</TableHeaderCell>
              <TableHeaderCell className="text-right">Calls</TableHeaderCell>
              <TableHeaderCell className="text-right">Errors</TableHeaderCell>
              <TableHeaderCell className="text-right">Error rate</TableHeaderCell>
              <TableHeaderCell className="text-right">Fallback rate</TableHeaderCell>
              <TableHeaderCell className="text-right">
                <abbr title="Latency, median" className="no-underline">p50</abbr>
              </TableHeaderCell>
              <TableHeaderCell className="text-right">
                <abbr title="Latency, 95th percentile" className="no-underline">p95</abbr>
              </TableHeaderCell>
              <TableHeaderCell className="text-right">Cost</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {health.rows.map((row) => (
              <TableRow key={`${row.provider}/${row.model}`} data-testid="provider-health-row">
                <TableCell className="font-medium text-gray-900">{row.provider}</TableCell>
                <TableCell className="font-mono text-xs">{row.model}</TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(row.calls)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatCount(row.errors)}</TableCell>
                <TableCell className={`text-right tabular-nums ${row.errorRate >= 0.05 ? "font-medium text-red-700" : ""}`}>{percent(row.errorRate)}</TableCell>
                <TableCell className="text-right tabular-nums">{percent(row.fallbackRate)}</TableCell>
                <TableCell className="text-right tabular-nums">{ms(row.latencyP50Ms)}</TableCell>
                <TableCell className="text-right tabular-nums">{ms(row.latencyP95Ms)}</TableCell>
                <TableCell className="text-right tabular-nums">{formatMoney(row.costUsd)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
