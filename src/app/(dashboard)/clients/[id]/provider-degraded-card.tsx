// Messages answered by the cheaper model because the client neared its cost limit (the
// plan's degradeAtCostPercent): the chat path records them with route 'degraded'.
import { Badge } from "@tremor/react";
import type { TDegradedMessages } from "@/server/usage/client-model-costs";
import { formatCount, formatDateTime, formatPeriod } from "@/components/display-format";

export function ProviderDegradedBanner({ degraded, degradeAtCostPercent }: { degraded: TDegradedMessages; degradeAtCostPercent: number | null }) {
  if (degraded.count === 0) {
    return (
      <p className="text-sm text-gray-500" data-testid="degraded-none">
        No degraded messages in {formatPeriod(degraded.period)}
        {degradeAtCostPercent === null ? " (the plan never degrades)." : ` (the plan degrades past ${degradeAtCostPercent} % of the cost limit).`}
      </p>
    );
  }
  return (
    <div role="status" className="flex flex-wrap items-center gap-3 rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900" data-testid="degraded-warning">
      <Badge color="amber" size="xs">
        Degraded
      </Badge>
      <span>
        <strong className="tabular-nums">{formatCount(degraded.count)}</strong> message{degraded.count === 1 ? "" : "s"} in {formatPeriod(degraded.period)} answered by the cheaper model
        because the client is past {degradeAtCostPercent === null ? "the plan's degradation share" : `${degradeAtCostPercent} %`} of its cost limit; the last one{" "}
        {degraded.lastAt ? formatDateTime(degraded.lastAt) : "—"}.
      </span>
    </div>
  );
}
