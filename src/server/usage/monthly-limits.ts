// The monthly limits a plan sets on usage counters, read from the plan's limits as stored
// (validated on write by the plans domain; usage does not import plans), by the naming
// rule of limit-metrics: `<counter>PerMonth` and `costLimitUSD`.
import Decimal from "decimal.js";
import { z } from "zod";
import { CHAT_METERED_COUNTERS, counterForLimit, isChatCounter } from "./limit-metrics";

/** The monthly counters the chat path meters (requests is per minute). */
export const MONTHLY_USAGE_METRICS = CHAT_METERED_COUNTERS.filter((c) => c !== "requests");
export type TMonthlyUsageMetric = (typeof MONTHLY_USAGE_METRICS)[number];
export const ZMonthlyUsageMetric = z.enum(MONTHLY_USAGE_METRICS as [TMonthlyUsageMetric, ...TMonthlyUsageMetric[]]);

const ZStoredLimits = z.record(z.string(), z.number().nullable());

export type TMonthlyLimit = { limitKey: string; metric: TMonthlyUsageMetric; limit: string };

/** One entry per finite monthly limit on a chat-metered counter; unlimited (null) ones are left out. */
export function monthlyLimitsOf(storedLimits: unknown): TMonthlyLimit[] {
  const limits = ZStoredLimits.parse(storedLimits ?? {});
  const found: TMonthlyLimit[] = [];
  for (const [limitKey, limit] of Object.entries(limits)) {
    if (limit === null) continue;
    const { counter, window } = counterForLimit(limitKey);
    if (window !== "month" || !isChatCounter(counter) || counter === "requests") continue;
    // toFixed(): decimal.js's toString() switches to exponent notation for large values.
    found.push({ limitKey, metric: counter, limit: new Decimal(limit).toFixed() });
  }
  return found;
}

/** Unlimited limits on monthly counters, by metric: shown as "Unlimited" rather than "no limit". */
export function unlimitedMetricsOf(storedLimits: unknown): Set<string> {
  const limits = ZStoredLimits.parse(storedLimits ?? {});
  return new Set(
    Object.entries(limits)
      .filter(([, limit]) => limit === null)
      .map(([key]) => counterForLimit(key))
      .filter((c) => c.window === "month")
      .map((c) => c.counter),
  );
}
