import Link from "next/link";
import clsx from "clsx";
import { Card, Metric, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import { api } from "@/trpc/server";
import { USAGE_REPORT_SORTS, type TUsageReportSort } from "@/server/usage/get-usage-report";
import { ZPeriod, periodOf, recentPeriods } from "@/server/usage/period";
import { formatCompact, formatCount, formatUsageMetric, formatMoney, formatPeriod } from "@/components/display-format";
import { ChoicePicker } from "@/components/choice-picker";
import { EmptyState } from "@/components/empty-state";
import { LimitProgress } from "@/components/limit-progress";
import { NearLimitList } from "@/components/near-limit-list";
import { PageHeader } from "@/components/page-header";
import { Pagination, hrefWith } from "@/components/pagination";
import { PeriodPicker } from "@/components/period-picker";
import { ClientStatusBadge, PlanBadge } from "@/components/status-badges";
import { UsageBarList } from "@/components/usage-bar-list";
import { UsageChange } from "@/components/usage-change";
import { MonthlyUsageChart } from "@/components/usage-charts";
import { readChoice, readPage, readParam, type TSearchParams } from "@/components/url-params";
import { clockNow } from "@/server/clock";

export const metadata = { title: "Usage reports" };

const TREND_MONTHS = ["6", "12"] as const;
const COMPARED_METRICS = ["messages", "conversations", "tokens", "toolCalls", "costUsd"];

export default async function UsagePage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const params = await searchParams;
  const now = clockNow();
  const periods = recentPeriods(12, now).reverse();
  const requested = readParam(params, "period", 7);
  const period = requested && ZPeriod.safeParse(requested).success ? requested : periodOf(now);
  const sort: TUsageReportSort = readChoice(params, "sort", USAGE_REPORT_SORTS) ?? "percent";
  const months = Number(readChoice(params, "months", TREND_MONTHS) ?? "12");
  const page = readPage(params);
  const plans = await api.usage.byPlan({ period });
  const requestedPlan = readParam(params, "plan", 100);
  const plan = plans.plans.find((p) => p.key === requestedPlan);
  const planKey = plan?.key;

  const [report, summary, withUsage, nearLimit, compared, byModel, byTool, abandoned] = await Promise.all([
    api.usage.report({ period, planKey, sort, page }),
    api.usage.summary({ period, planKey, months }),
    // Clients with any counter in the period (the all-clients CSV lists exactly these).
    planKey ? null : api.usage.byClient({ period, pageSize: 5 }),
    api.usage.nearLimit({ period, planKey }),
    api.usage.comparePeriods({ period, planKey }),
    api.usage.byModel({ period, planKey }),
    api.usage.byTool({ period, planKey }),
    api.usage.abandonedAttempts({ period }),
  ]);
  const changeOf = (metric: string) => compared.metrics.find((m) => m.metric === metric)!;
  const listParams = {
    period: requested ? period : undefined,
    plan: planKey,
    sort: sort === "percent" ? undefined : sort,
    months: months === 12 ? undefined : String(months),
  };
  const sortHref = (key: TUsageReportSort) => hrefWith("/usage", { ...listParams, sort: key === "percent" ? undefined : key });
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
  const scope = plan ? `clients on ${plan.name}` : "all clients";
  const hasTrend = summary.monthly.some((m) => m.messages !== "0" || m.costUsd !== "0");

  return (
    <div>
      <PageHeader
        title="Usage reports"
        description={`Usage of ${scope} in ${formatPeriod(period)} (UTC calendar month), from settled usage counters.`}
        actions={
          <>
            <ChoicePicker
              name="plan"
              label="Plan"
              value={planKey ?? ""}
              options={[{ value: "", label: "All plans" }, ...plans.plans.map((p) => ({ value: p.key, label: p.name }))]}
            />
            <PeriodPicker periods={periods.includes(period) ? periods : [period, ...periods]} value={period} />
            {/* A plain link: the route streams the CSV with the session cookie, no client code needed. */}
            <a
              href={`/api/usage/export?period=${period}`}
              download
              data-testid="usage-export"
              className="mt-5 rounded-md border border-gray-300 bg-white px-3 py-2 text-sm font-medium text-gray-700 hover:bg-gray-50"
            >
              Export CSV
            </a>
          </>
        }
      />

      <div className="mb-6 grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4" data-testid="usage-kpis">
        <Card>
          <Text>Clients with usage</Text>
          <Metric data-testid="usage-clients-total">{formatCount(withUsage ? withUsage.total : summary.clientsWithUsage)}</Metric>
          <Text className="mt-1">{formatCount(report.total)} clients {plan ? `on ${plan.name}` : "in all"}</Text>
        </Card>
        <Card>
          <Text>Messages</Text>
          <Metric data-testid="usage-messages-total">{formatCount(summary.current.messages)}</Metric>
          <Text className="mt-1">
            <UsageChange {...changeOf("messages")} /> vs {formatPeriod(compared.previousPeriod)}
          </Text>
        </Card>
        <Card>
          <Text>Tokens</Text>
          <Metric>{formatCompact(summary.current.tokens)}</Metric>
          <Text className="mt-1">
            <UsageChange {...changeOf("tokens")} /> vs {formatPeriod(compared.previousPeriod)}
          </Text>
        </Card>
        <Card>
          <Text>Provider cost (USD)</Text>
          <Metric>{formatMoney(summary.current.costUsd, "USD", 2)}</Metric>
          <Text className="mt-1">
            <UsageChange {...changeOf("costUsd")} money /> vs {formatPeriod(compared.previousPeriod)}
          </Text>
        </Card>
      </div>

      <div className="mb-6 grid grid-cols-1 gap-4 xl:grid-cols-3">
        <Card className="xl:col-span-2" data-testid="usage-trend">
          <div className="flex items-center justify-between gap-4">
            <Title>
              Messages and cost, last {months} months
            </Title>
            <div className="flex gap-1 text-sm" role="group" aria-label="Trend length">
              {TREND_MONTHS.map((m) => (
                <Link
                  key={m}
                  href={hrefWith("/usage", { ...listParams, months: m === "12" ? undefined : m, page: undefined })}
                  aria-current={String(months) === m ? "true" : undefined}
                  className={clsx("rounded-md px-2.5 py-1", String(months) === m ? "bg-blue-50 font-medium text-blue-700" : "text-gray-600 hover:bg-gray-50")}
                >
                  {m} months
                </Link>
              ))}
            </div>
          </div>
          {hasTrend ? (
            <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
              <MonthlyUsageChart data={summary.monthly} series="messages" className="mt-6 h-72" />
              <MonthlyUsageChart data={summary.monthly} series="costUsd" kind="area" className="mt-6 h-72" />
            </div>
          ) : (
            <div className="mt-4">
              <EmptyState title={`No usage in the last ${months} months`}>Usage appears here once clients send chat messages.</EmptyState>
            </div>
          )}
        </Card>
        <Card data-testid="period-comparison">
          <Title>{formatPeriod(period)} vs {formatPeriod(compared.previousPeriod)}</Title>
          <Table className="mt-2">
            <TableHead>
              <TableRow>
                <TableHeaderCell className="pl-0">Counter</TableHeaderCell>
                <TableHeaderCell className="text-right">This</TableHeaderCell>
                <TableHeaderCell className="pr-0 text-right">Change</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {COMPARED_METRICS.map((metric) => {
                const row = changeOf(metric);
                const money = metric === "costUsd";
                return (
                  <TableRow key={metric} data-metric={metric}>
                    <TableCell className="pl-0">{formatUsageMetric(metric)}</TableCell>
                    <TableCell className="text-right tabular-nums">{money ? formatMoney(row.current, "USD", 2) : formatCompact(row.current)}</TableCell>
                    <TableCell className="pr-0 text-right">
                      <UsageChange {...row} money={money} />
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Card>
      </div>

      <Card className="mb-6" data-testid="near-limit">
        <div className="flex items-baseline justify-between gap-4">
          <Title>Near or over a limit</Title>
          <Text>Past the plan&apos;s first alert threshold on some monthly limit</Text>
        </div>
        {nearLimit.items.length === 0 ? (
          <p className="mt-3 text-sm text-gray-500">No client of {scope} is near a limit in {formatPeriod(period)}.</p>
        ) : (
          <NearLimitList items={nearLimit.items} rowTestId="near-limit-row" />
        )}
        {nearLimit.total > nearLimit.items.length ? (
          <p className="mt-3 text-sm">
            <Link href={hrefWith("/usage", { ...listParams, sort: undefined, page: undefined })} className="font-medium text-blue-600 hover:underline">
              {formatCount(nearLimit.total)} in all: see them first in the list below
            </Link>
          </p>
        ) : null}
      </Card>

      <h2 className="mb-3 text-lg font-semibold text-gray-900">Clients</h2>
      {report.total === 0 ? (
        <EmptyState title={plan ? `No client is on ${plan.name}` : "No clients yet"}>Pick another plan above.</EmptyState>
      ) : report.items.length === 0 ? (
        <EmptyState
          title={`Page ${report.page} is past the end of the list`}
          action={
            <Link href={hrefWith("/usage", { ...listParams, page: String(report.pageCount) })} className="font-medium text-blue-600 hover:underline">
              Go to the last page
            </Link>
          }
        />
      ) : (
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
      )}
      {report.total > 0 ? (
        <Pagination
          basePath="/usage"
          params={listParams}
          page={report.page}
          pageCount={report.pageCount}
          total={report.total}
          pageSize={report.pageSize}
          noun="clients"
        />
      ) : null}

      <div className="mt-6 grid grid-cols-1 gap-4 xl:grid-cols-3">
        <Card className="xl:col-span-2 p-0" data-testid="cost-by-model">
          <div className="px-6 pt-5">
            <Title>Provider cost by model</Title>
            <Text>What each provider and model answered for {scope} in {formatPeriod(period)}, before plan pricing.</Text>
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
            {byTool.tools.length === 0 ? (
              <Text className="mt-3">No tool was called in this period.</Text>
            ) : (
              <UsageBarList data={byTool.tools.map((t) => ({ name: t.tool, value: t.calls }))} format="count" />
            )}
          </Card>
        </div>
      </div>

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
            {plans.plans.map((p) => (
              <TableRow key={p.key} data-testid="plan-usage-row" data-plan={p.key}>
                <TableCell>
                  <Link href={hrefWith("/usage", { ...listParams, plan: p.key, page: undefined })} className="hover:underline">
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

      <Card className="mt-6" data-testid="unmetered-calls">
        <div className="flex items-start justify-between gap-6">
          <div className="max-w-2xl">
            <Text>Unmetered provider calls</Text>
            <p className="mt-1 text-sm text-gray-600">
              Chat requests whose app process died before they were metered (their reservation was given back once the lease ran
              out). The provider may have done the work; nobody was billed for it.
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
    </div>
  );
}
