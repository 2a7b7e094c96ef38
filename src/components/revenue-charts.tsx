"use client";
// Revenue charts for the billing page (Tremor/recharts draw in the browser). Amounts
// arrive as decimal strings: they become numbers here only to size bars and slices;
// every amount a person reads (tooltips, legends) is formatted from the string itself.
import { BarChart, DonutChart, type CustomTooltipProps } from "@tremor/react";
import { formatAmount, formatCount, formatPeriod } from "@/components/display-format";

type TMonthlyRevenue = { period: string; invoiced: string; collected: string; refunded: string; outstanding: string };
type TPlanRevenue = { planKey: string; planName: string; invoiced: string; invoiceCount: number };
type TCountAndAmount = { count: number; amount: string };

const compactFormats = new Map<string, Intl.NumberFormat>();
/** Axis ticks: "$12K", "€1.2M". */
function formatCompactMoney(value: number, currency: string): string {
  let format = compactFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 });
    compactFormats.set(currency, format);
  }
  return format.format(value);
}

const MONTH_SERIES = [
  { key: "invoiced", label: "Invoiced", color: "blue", swatch: "bg-blue-500" },
  { key: "collected", label: "Collected", color: "emerald", swatch: "bg-emerald-500" },
] as const;

type TMonthRow = { month: string; exact: TMonthlyRevenue } & Record<string, number | string | TMonthlyRevenue>;

function MonthTooltip({ active, payload, currency }: CustomTooltipProps & { currency: string }) {
  const row = payload?.[0]?.payload as TMonthRow | undefined;
  if (!active || !row) return null;
  const lines = [
    ...MONTH_SERIES.map((series) => ({ label: series.label, swatch: series.swatch, value: row.exact[series.key] })),
    { label: "Refunded", swatch: "bg-violet-400", value: row.exact.refunded },
    { label: "Outstanding", swatch: "bg-amber-400", value: row.exact.outstanding },
  ];
  return (
    <div className="rounded-md border border-gray-200 bg-white px-3 py-2 text-sm shadow-tremor-dropdown">
      <p className="mb-1 font-medium text-gray-900">{formatPeriod(row.exact.period)}</p>
      <dl className="grid grid-cols-[auto_auto] gap-x-4 gap-y-0.5">
        {lines.map((line) => (
          <div key={line.label} className="contents">
            <dt className="flex items-center gap-2 text-gray-500">
              <span className={`inline-block h-2 w-2 rounded-full ${line.swatch}`} />
              {line.label}
            </dt>
            <dd className="text-right tabular-nums text-gray-900">{formatAmount(line.value, currency)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** Invoiced vs collected per month (a month's invoices by period; payments by the day they arrived). */
export function RevenueByMonthChart({ data, currency, className = "mt-4 h-64" }: { data: TMonthlyRevenue[]; currency: string; className?: string }) {
  const rows: TMonthRow[] = data.map((month) => ({
    month: formatPeriod(month.period),
    exact: month,
    ...Object.fromEntries(MONTH_SERIES.map((series) => [series.label, Number(month[series.key])])),
  }));
  return (
    <div data-testid="revenue-by-month-chart">
      <BarChart
        data={rows}
        index="month"
        categories={MONTH_SERIES.map((series) => series.label)}
        colors={MONTH_SERIES.map((series) => series.color)}
        valueFormatter={(value) => formatCompactMoney(value, currency)}
        customTooltip={(props) => <MonthTooltip {...props} currency={currency} />}
        yAxisWidth={56}
        showAnimation={false}
        className={className}
      />
    </div>
  );
}

/** Invoiced per plan in the window, largest first: name and amount, a bar scaled to the largest. */
export function RevenueByPlanList({ data, currency }: { data: TPlanRevenue[]; currency: string }) {
  // Widths only: the amounts shown are the strings themselves.
  const largest = Math.max(0, ...data.map((plan) => Number(plan.invoiced)));
  return (
    <ul data-testid="revenue-by-plan" className="mt-4 space-y-3">
      {data.map((plan) => {
        const share = largest > 0 ? Math.max(0, Number(plan.invoiced)) / largest : 0;
        return (
          <li key={plan.planKey} data-plan={plan.planKey}>
            <div className="flex items-baseline justify-between gap-3 text-sm">
              <span className="min-w-0 truncate font-medium text-gray-900">{plan.planName}</span>
              <span className="tabular-nums text-gray-900">{formatAmount(plan.invoiced, currency)}</span>
            </div>
            <div className="mt-1 flex items-center gap-3">
              <div className="h-2 flex-1 overflow-hidden rounded-full bg-gray-100">
                <div className="h-full rounded-full bg-blue-500" style={{ width: `${(share * 100).toFixed(1)}%` }} />
              </div>
              <span className="w-20 text-right text-xs tabular-nums text-gray-500">
                {formatCount(plan.invoiceCount)} {plan.invoiceCount === 1 ? "invoice" : "invoices"}
              </span>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** Paid against still pending (pending and overdue), by amount, with the counts beside it. */
export function PaidPendingChart({ paid, pending, currency }: { paid: TCountAndAmount; pending: TCountAndAmount; currency: string }) {
  const slices = [
    { name: "Paid", amount: Number(paid.amount), exact: paid, swatch: "bg-emerald-500", color: "emerald" },
    { name: "Pending", amount: Number(pending.amount), exact: pending, swatch: "bg-amber-500", color: "amber" },
  ];
  return (
    <div data-testid="paid-pending-chart" className="mt-4 flex flex-col items-center gap-4">
      <DonutChart
        data={slices}
        index="name"
        category="amount"
        colors={slices.map((slice) => slice.color)}
        valueFormatter={(value) => formatCompactMoney(value, currency)}
        showAnimation={false}
        className="h-40 w-40"
      />
      <dl className="w-full space-y-1.5 text-sm">
        {slices.map((slice) => (
          <div key={slice.name} className="flex items-center justify-between gap-3">
            <dt className="flex items-center gap-2 text-gray-600">
              <span className={`inline-block h-2.5 w-2.5 rounded-full ${slice.swatch}`} />
              {slice.name}
              <span className="text-gray-400">
                {formatCount(slice.exact.count)} {slice.exact.count === 1 ? "invoice" : "invoices"}
              </span>
            </dt>
            <dd className="tabular-nums font-medium text-gray-900">{formatAmount(slice.exact.amount, currency)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
