import Link from "next/link";
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import type { TClientDetail } from "@/server/clients/get-client";
import type { TClientMetricUsage } from "@/server/usage/get-client-period-usage";
import { api } from "@/trpc/server";
import { formatCount, formatDate, formatUsageMetric, formatMoney, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { LimitProgress } from "@/components/limit-progress";
import { UsageBarList } from "@/components/usage-bar-list";
import { UsageChange } from "@/components/usage-change";
import { MonthlyUsageChart } from "@/components/usage-charts";

const show = (metric: string, value: string) => (metric === "costUsd" ? formatMoney(value) : formatCount(value));

function forecastText(limit: NonNullable<TClientMetricUsage["limit"]>): string | null {
  if (!limit.forecast) return null;
  switch (limit.forecast.status) {
    case "reached":
      return "Limit reached: further requests are refused until the next period";
    case "will_reach":
      return `At this rate, reached on ${formatDate(new Date(`${limit.forecast.date}T00:00:00Z`))}`;
    case "not_this_period":
      return "At this rate, not reached this period";
  }
}

function LimitCard({ metric }: { metric: TClientMetricUsage & { limit: NonNullable<TClientMetricUsage["limit"]> } }) {
  const { limit } = metric;
  const name = formatUsageMetric(metric.metric);
  return (
    <div data-testid="limit-bar" data-metric={metric.metric} data-level={limit.level} data-percent={limit.percent}>
      <div className="flex items-baseline justify-between gap-3 text-sm">
        <span className="font-medium text-gray-900">{name}</span>
        <span className="tabular-nums text-gray-600">
          <span className="font-semibold text-gray-900">{show(metric.metric, metric.used)}</span> of {show(metric.metric, limit.limit)} ·{" "}
          <span data-testid="limit-percent">{limit.percent}%</span>
        </span>
      </div>
      <LimitProgress percent={Number(limit.percent)} level={limit.level} label={`${name}: ${limit.percent}% of the limit`} />
      <div className="mt-1 flex flex-wrap justify-between gap-x-4 text-xs text-gray-500">
        <span>{show(metric.metric, limit.remaining)} left</span>
        {forecastText(limit) ? <span data-testid="limit-forecast">{forecastText(limit)}</span> : null}
      </div>
    </div>
  );
}

export async function UsageTab({ client }: { client: TClientDetail }) {
  const [usage, tools] = await Promise.all([api.usage.clientPeriod({ clientId: client.id }), api.usage.byTool({ clientId: client.id })]);
  const months = client.monthlyUsage;
  const lastSix = months.slice(-6);
  const hasUsage = months.some((m) => m.messages !== "0" || m.tokens !== "0" || m.costUsd !== "0");
  const newestFirst = [...months].reverse();
  const exportHref = (granularity: "month" | "event") =>
    `/api/clients/${client.id}/usage/export?from=${months[0]?.period ?? client.period}&to=${client.period}&granularity=${granularity}`;
  const limited = usage.metrics.filter((m): m is TClientMetricUsage & { limit: NonNullable<TClientMetricUsage["limit"]> } => m.limit !== null);
  const firstThreshold = Math.min(...usage.plan.alertThresholds);
  return (
    <div className="space-y-6" data-testid="client-usage">
      <div className="flex flex-wrap items-center justify-end gap-2 text-sm" data-testid="client-usage-export">
        <span className="text-gray-500">Export the 12 months as CSV:</span>
        <a href={exportHref("month")} download className="rounded-md border border-gray-300 bg-white px-3 py-1.5 font-medium text-gray-700 hover:bg-gray-50">
          Monthly totals
        </a>
        <a href={exportHref("event")} download className="rounded-md border border-gray-300 bg-white px-3 py-1.5 font-medium text-gray-700 hover:bg-gray-50">
          Every call
        </a>
      </div>

      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <Card data-testid="period-limits">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div>
              <Title>This period: {formatPeriod(usage.period)}</Title>
              <Text>
                Limits of the {usage.plan.name} plan; amber from {firstThreshold}% (its first alert), red at 100%.
              </Text>
            </div>
            {usage.nearLimit ? (
              <Link
                href={`/clients/${client.id}?tab=plan`}
                data-testid="upgrade-button"
                className="shrink-0 rounded-md bg-blue-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-700"
              >
                Upgrade plan
              </Link>
            ) : null}
          </div>
          {limited.length === 0 ? (
            <p className="mt-4 text-sm text-gray-500">The {usage.plan.name} plan sets no monthly limit on usage.</p>
          ) : (
            <div className="mt-4 space-y-4">
              {limited.map((metric) => (
                <LimitCard key={metric.metric} metric={metric} />
              ))}
            </div>
          )}
        </Card>

        <Card data-testid="usage-history">
          <Title>Messages, last 6 months</Title>
          {hasUsage ? (
            <MonthlyUsageChart data={lastSix} series="messages" className="mt-4 h-56" />
          ) : (
            <div className="mt-4">
              <EmptyState title="No usage in the last 12 months">
                Usage is counted when the client&apos;s widget or API keys send chat messages.
              </EmptyState>
            </div>
          )}
        </Card>
      </div>

      <div className="grid grid-cols-1 gap-4 xl:grid-cols-3">
        <Card className="p-0 xl:col-span-2">
          <div className="px-6 pt-5">
            <Title>By counter, vs {formatPeriod(usage.previousPeriod)}</Title>
          </div>
          <Table className="mt-2" data-testid="metric-breakdown">
            <TableHead>
              <TableRow>
                <TableHeaderCell>Counter</TableHeaderCell>
                <TableHeaderCell className="text-right">{formatPeriod(usage.period)}</TableHeaderCell>
                <TableHeaderCell className="text-right">{formatPeriod(usage.previousPeriod)}</TableHeaderCell>
                <TableHeaderCell className="text-right">Change</TableHeaderCell>
                <TableHeaderCell className="text-right">Limit</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {usage.metrics.map((m) => (
                <TableRow key={m.metric} data-testid="metric-row" data-metric={m.metric}>
                  <TableCell>{formatUsageMetric(m.metric)}</TableCell>
                  <TableCell className="text-right tabular-nums" data-testid="metric-used">
                    {show(m.metric, m.used)}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{show(m.metric, m.previous)}</TableCell>
                  <TableCell className="text-right">
                    <UsageChange change={m.change} changePercent={m.changePercent} money={m.metric === "costUsd"} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums text-gray-600">
                    {m.limit ? show(m.metric, m.limit.limit) : m.unlimited ? "Unlimited" : "—"}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
        <Card data-testid="tool-breakdown">
          <Title>Tool calls by tool</Title>
          {tools.tools.length === 0 ? (
            <Text className="mt-3">No tool was called in {formatPeriod(tools.period)}.</Text>
          ) : (
            <UsageBarList data={tools.tools.map((t) => ({ name: t.tool, value: t.calls }))} format="count" />
          )}
        </Card>
      </div>

      <Card className="p-0">
        <div className="px-6 pt-5">
          <Title>Last 12 months</Title>
        </div>
        <Table data-testid="monthly-usage" className="mt-2">
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
              <TableRow key={month.period} data-testid="month-row" data-period={month.period}>
                <TableCell>
                  {formatPeriod(month.period)}
                  {month.period === client.period ? <span className="ml-2 text-xs text-blue-600">current</span> : null}
                </TableCell>
                <TableCell className="text-right tabular-nums" data-testid="month-messages">
                  {formatCount(month.messages)}
                </TableCell>
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
