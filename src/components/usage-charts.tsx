"use client";
// 12-month usage charts (Tremor/recharts draw in the browser). Values arrive as
// decimal strings; they become numbers here only to size bars, never for money sums.
import { AreaChart, BarChart } from "@tremor/react";
import { formatCompact, formatCount, formatMoney, formatPeriod } from "@/components/display-format";

type TMonthlyUsage = { period: string; messages: string; tokens: string; toolCalls: string; costUsd: string };

const SERIES = {
  messages: { label: "Messages", color: "blue", format: (value: number) => formatCount(value) },
  tokens: { label: "Tokens", color: "indigo", format: (value: number) => formatCompact(value) },
  toolCalls: { label: "Tool calls", color: "violet", format: (value: number) => formatCount(value) },
  costUsd: { label: "Cost (USD)", color: "emerald", format: (value: number) => formatMoney(String(value), "USD") },
} as const;

export type TUsageSeries = keyof typeof SERIES;

export function MonthlyUsageChart({
  data,
  series,
  kind = "bar",
  className = "mt-4 h-64",
}: {
  data: TMonthlyUsage[];
  series: TUsageSeries;
  kind?: "bar" | "area";
  className?: string;
}) {
  const { label, color, format } = SERIES[series];
  const rows = data.map((row) => ({ month: formatPeriod(row.period), [label]: Number(row[series]) }));
  const props = {
    data: rows,
    index: "month",
    categories: [label],
    colors: [color],
    valueFormatter: format,
    yAxisWidth: 64,
    showLegend: false,
    className,
  };
  return (
    <div data-testid={`usage-chart-${series}`}>
      {kind === "area" ? <AreaChart {...props} showAnimation={false} /> : <BarChart {...props} showAnimation={false} />}
    </div>
  );
}
