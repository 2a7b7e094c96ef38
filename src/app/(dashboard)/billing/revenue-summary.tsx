// The billing page's headline: KPI cards and revenue charts for one currency (amounts
// in different currencies are never added up; the page offers a switcher instead).
import Link from "next/link";
import { Card, Metric, Text, Title } from "@tremor/react";
import { formatAmount, formatCount, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { PaidPendingChart, RevenueByMonthChart, RevenueByPlanList } from "@/components/revenue-charts";
import { hrefWith } from "@/components/pagination";
import type { TCurrencyRevenue } from "./billing-types";

const plural = (count: number, one: string, many = `${one}s`) => `${formatCount(count)} ${count === 1 ? one : many}`;

export function RevenueKpis({ revenue, window }: { revenue: TCurrencyRevenue; window: string }) {
  const money = (value: string) => formatAmount(value, revenue.currency);
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
      <Card data-testid="kpi-mrr">
        <Text>MRR</Text>
        <Metric className="tabular-nums">{money(revenue.mrr)}</Metric>
        <Text className="mt-1">Base fees of {plural(revenue.mrrClients, "active client")}</Text>
      </Card>
      <Card data-testid="kpi-outstanding">
        <Text>Outstanding</Text>
        <Metric className="tabular-nums">{money(revenue.outstanding)}</Metric>
        <Text className="mt-1">
          <a href="#outstanding" className="hover:text-blue-700 hover:underline">
            {plural(revenue.outstandingCount, "open invoice")}
          </a>
          , all periods
        </Text>
      </Card>
      <Card data-testid="kpi-overdue">
        <Text>Overdue</Text>
        <Metric className={`tabular-nums ${revenue.overdueCount > 0 ? "text-red-700" : ""}`}>{money(revenue.overdue)}</Metric>
        <Text className="mt-1">
          <Link href={hrefWith("/billing", { status: "overdue" })} scroll={false} className="hover:text-blue-700 hover:underline">
            {plural(revenue.overdueCount, "invoice")} past due
          </Link>
        </Text>
      </Card>
      <Card data-testid="kpi-paid-pending">
        <Text title={window}>Paid vs pending, 12 mo.</Text>
        <div className="mt-1 flex items-baseline justify-between gap-2">
          <span className="text-sm text-gray-500">Paid</span>
          <span className="text-lg font-semibold tabular-nums text-emerald-700">{money(revenue.paid.amount)}</span>
        </div>
        <Text className="text-right text-xs">{plural(revenue.paid.count, "invoice")}</Text>
        <div className="mt-1 flex items-baseline justify-between gap-2">
          <span className="text-sm text-gray-500">Pending</span>
          <span className="text-lg font-semibold tabular-nums text-amber-700">{money(revenue.pending.amount)}</span>
        </div>
        <Text className="text-right text-xs">{plural(revenue.pending.count, "invoice")}</Text>
      </Card>
    </div>
  );
}

export function RevenueCharts({ revenue, window }: { revenue: TCurrencyRevenue; window: string }) {
  const hasInvoices = revenue.byMonth.some((month) => /[1-9]/.test(month.invoiced) || /[1-9]/.test(month.collected));
  return (
    <div className="mt-6 grid grid-cols-1 gap-4 xl:grid-cols-3">
      <Card className="xl:col-span-2">
        <Title>Revenue by month ({revenue.currency})</Title>
        <Text>Invoiced and collected (net of refunds) per billing period, {window}.</Text>
        {hasInvoices ? (
          <RevenueByMonthChart data={revenue.byMonth} currency={revenue.currency} />
        ) : (
          <div className="mt-4">
            <EmptyState title={`No ${revenue.currency} invoices in ${window}`}>Revenue appears here after the first billing run.</EmptyState>
          </div>
        )}
      </Card>
      <Card>
        <Title>Paid vs pending</Title>
        <Text>Invoices of {window}, by amount.</Text>
        {revenue.paid.count + revenue.pending.count > 0 ? (
          <PaidPendingChart paid={revenue.paid} pending={revenue.pending} currency={revenue.currency} />
        ) : (
          <div className="mt-4">
            <EmptyState title="Nothing paid or pending" />
          </div>
        )}
      </Card>
    </div>
  );
}

export function RevenueByPlan({ revenue, window }: { revenue: TCurrencyRevenue; window: string }) {
  return (
    <Card>
      <Title>Revenue by plan</Title>
      <Text>Invoiced per plan, {window}.</Text>
      {revenue.byPlan.length === 0 ? (
        <div className="mt-4">
          <EmptyState title="No invoices in this window" />
        </div>
      ) : (
        <RevenueByPlanList data={revenue.byPlan} currency={revenue.currency} />
      )}
    </Card>
  );
}

/** "Mar 2025 – Feb 2026". */
export function describeWindow(from: string, to: string): string {
  return from === to ? formatPeriod(from) : `${formatPeriod(from)} – ${formatPeriod(to)}`;
}
