// How the dashboard lists a plan's limits: the platform's known limits first, in
// their usual order, and the UsageCounter metric each monthly limit is measured by
// (the same rule enforcement uses, from limit-metrics).
import { PLAN_LIMIT_METRICS } from "@/shared/plan-config";
import { counterForLimit, isChatCounter } from "@/server/usage/limit-metrics";

/** Known limits in the platform's order, then any others by name. */
export function orderLimitMetrics(metrics: string[]): string[] {
  const rank = (metric: string) => {
    const index = (PLAN_LIMIT_METRICS as readonly string[]).indexOf(metric);
    return index === -1 ? PLAN_LIMIT_METRICS.length : index;
  };
  return [...metrics].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * The monthly counter the chat path meters for a limit, or null: per-minute limits
 * (requestsPerMinute) and limits counted by other features (integrationsEnabled)
 * have no monthly usage to show against them.
 */
export function limitCounterMetric(metric: string): string | null {
  const { counter, window } = counterForLimit(metric);
  return window === "month" && isChatCounter(counter) ? counter : null;
}
