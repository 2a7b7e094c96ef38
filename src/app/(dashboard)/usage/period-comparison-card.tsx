// This month against the one before, counter by counter. A definition list rather than a
// table: in a third of a 1280 px page a three-column table clipped its change column.
import { Card, Title } from "@tremor/react";
import { formatCompact, formatMoney, formatPeriod, formatUsageMetric } from "@/components/display-format";
import { UsageChange } from "@/components/usage-change";
import type { TPeriodComparison } from "./usage-types";

const COMPARED_METRICS = ["messages", "conversations", "tokens", "toolCalls", "costUsd"];

export function PeriodComparisonCard({ period, compared }: { period: string; compared: TPeriodComparison }) {
  return (
    <Card data-testid="period-comparison">
      <Title>
        {formatPeriod(period)} vs {formatPeriod(compared.previousPeriod)}
      </Title>
      <dl className="mt-3 divide-y divide-gray-100 text-sm">
        {COMPARED_METRICS.map((metric) => {
          const row = compared.metrics.find((m) => m.metric === metric);
          if (!row) return null;
          const money = metric === "costUsd";
          return (
            <div key={metric} data-metric={metric} className="flex items-baseline justify-between gap-3 py-2">
              <dt className="min-w-0 truncate text-gray-600">{formatUsageMetric(metric)}</dt>
              <dd className="flex shrink-0 items-baseline gap-3 tabular-nums">
                <span className="font-medium text-gray-900">{money ? formatMoney(row.current, "USD", 2) : formatCompact(row.current)}</span>
                <UsageChange {...row} money={money} />
              </dd>
            </div>
          );
        })}
      </dl>
    </Card>
  );
}
