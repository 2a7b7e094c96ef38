// The clients of the report, one row each: the period's counters and the limit closest to
// being reached. Column headers are links that sort the list on the server.
import Link from "next/link";
import clsx from "clsx";
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@tremor/react";
import type { TUsageReportSort } from "@/server/usage/get-usage-report";
import { formatCompact, formatCount, formatMoney, formatUsageMetric } from "@/components/display-format";
import { LimitProgress } from "@/components/limit-progress";
import { ClientStatusBadge, PlanBadge } from "@/components/status-badges";
import type { TUsageReport } from "./usage-types";

export function UsageReportTable({ report, sort, sortHref }: { report: TUsageReport; sort: TUsageReportSort; sortHref: (key: TUsageReportSort) => string }) {
  const sortHeader = (column: TUsageReportSort, label: string, className?: string) => (
    <TableHeaderCell className={clsx("whitespace-nowrap", className)}>
      <Link
        href={sortHref(column)}
        aria-current={sort === column ? "true" : undefined}
        className={clsx("hover:text-gray-900", sort === column && "text-blue-700 underline underline-offset-4")}
      >
        {label}
      </Link>
    </TableHeaderCell>
  );
  return (
    <Card className="p-0">
      <Table data-testid="usage-table">
        <TableHead>
          <TableRow>
            {sortHeader("name", "Client")}
            <TableHeaderCell>Plan</TableHeaderCell>
            {sortHeader("messages", "Messages", "text-right")}
            {sortHeader("tokens", "Tokens", "text-right")}
            <TableHeaderCell className="text-right">Tool calls</TableHeaderCell>
            {sortHeader("costUsd", "Cost (USD)", "text-right")}
            {sortHeader("percent", "Closest limit")}
          </TableRow>
        </TableHead>
        <TableBody>
          {report.items.map((row) => (
            <TableRow key={row.clientId} data-testid="usage-row" data-plan={row.planKey} data-percent={row.topLimit?.percent ?? ""}>
              <TableCell className="max-w-[14rem]">
                <Link href={`/clients/${row.clientId}?tab=usage`} className="block truncate font-medium text-gray-900 hover:text-blue-700">
                  {row.name}
                </Link>
                <div className="flex items-center gap-2 text-xs text-gray-500">
                  <span className="truncate">{row.slug}</span>
                  {row.status !== "active" ? <ClientStatusBadge status={row.status} /> : null}
                </div>
              </TableCell>
              <TableCell>
                <PlanBadge planKey={row.planKey} name={row.planName} />
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatCount(row.messages)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatCompact(row.tokens)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatCount(row.toolCalls)}</TableCell>
              <TableCell className="text-right tabular-nums" data-testid="usage-row-cost">
                {formatMoney(row.costUsd)}
              </TableCell>
              <TableCell className="w-44">
                {row.topLimit ? (
                  <div data-testid="usage-row-limit" data-level={row.topLimit.level}>
                    <div className="flex justify-between gap-2 text-xs text-gray-600">
                      <span className="truncate">{formatUsageMetric(row.topLimit.metric)}</span>
                      <span className="tabular-nums">{row.topLimit.percent}%</span>
                    </div>
                    <LimitProgress
                      percent={Number(row.topLimit.percent)}
                      level={row.topLimit.level}
                      label={`${formatUsageMetric(row.topLimit.metric)}: ${row.topLimit.percent}% of the limit`}
                      className="mt-1"
                    />
                  </div>
                ) : (
                  <span className="text-xs text-gray-500">No monthly limit</span>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
