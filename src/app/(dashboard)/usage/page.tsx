import Link from "next/link";
import clsx from "clsx";
import { Card, Metric, Text, Title } from "@tremor/react";
import { api } from "@/trpc/server";
import { USAGE_REPORT_SORTS, type TUsageReportSort } from "@/server/usage/get-usage-report";
import { ZPeriod, periodOf, recentPeriods } from "@/server/usage/period";
import { formatCompact, formatCount, formatMoney, formatPeriod } from "@/components/display-format";
import { ChoicePicker } from "@/components/choice-picker";
import { EmptyState } from "@/components/empty-state";
import { NearLimitList } from "@/components/near-limit-list";
import { PageHeader } from "@/components/page-header";
import { Pagination, hrefWith } from "@/components/pagination";
import { PeriodPicker } from "@/components/period-picker";
import { UsageChange } from "@/components/usage-change";
import { MonthlyUsageChart } from "@/components/usage-charts";
import { CostBreakdown } from "./cost-breakdown";
import { PeriodComparisonCard } from "./period-comparison-card";
import { PlanUsageTable } from "./plan-usage-table";
import { UnmeteredCallsCard } from "./unmetered-calls-card";
import { UsageReportTable } from "./usage-report-table";
import { readChoice, readPage, readParam, type TSearchParams } from "@/components/url-params";
import { clockNow } from "@/server/clock";

export const metadata = { title: "Usage reports" };

const TREND_MONTHS = ["6", "12"] as const;

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
          <Text className="mt-1">
            {formatCount(report.total)} {report.total === 1 ? "client" : "clients"} {plan ? `on ${plan.name}` : "in all"}
          </Text>
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
        <PeriodComparisonCard period={period} compared={compared} />
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
        <UsageReportTable report={report} sort={sort} sortHref={sortHref} />
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

      <CostBreakdown scope={scope} period={period} byModel={byModel} tools={byTool.tools} />

      <PlanUsageTable period={period} plans={plans.plans} planHref={(key) => hrefWith("/usage", { ...listParams, plan: key, page: undefined })} />

      <UnmeteredCallsCard period={period} abandoned={abandoned} />
    </div>
  );
}
