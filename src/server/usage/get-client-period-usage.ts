// One client's usage in a period against its plan: every monthly counter with the
// previous period's value, and for each limited one its limit, percent, what remains,
// its level and the day it will be reached at the current rate. Settled usage only
// (UsageCounter.value); what requests in flight reserve is not usage yet.
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { periodChange } from "./compare-usage-periods";
import { DEFAULT_ALERT_THRESHOLDS, forecastLimitDate, limitLevel, percentOfLimit, remainingOfLimit } from "./limit-usage";
import { MONTHLY_USAGE_METRICS, monthlyLimitsOf, unlimitedMetricsOf } from "./monthly-limits";
import { ZPeriod, periodOf, previousPeriodOf } from "./period";

export const ZGetClientPeriodUsageInput = z.object({
  clientId: z.uuid("must be a client id"),
  /** Default: the current period. */
  period: ZPeriod.optional(),
});
export type TGetClientPeriodUsageInput = z.input<typeof ZGetClientPeriodUsageInput>;

export const ZLimitForecast = z.discriminatedUnion("status", [
  z.object({ status: z.literal("reached"), date: z.null() }),
  z.object({ status: z.literal("will_reach"), date: z.string() }),
  z.object({ status: z.literal("not_this_period"), date: z.null() }),
]);

export const ZClientMetricUsage = z.object({
  metric: z.string(),
  /** Decimal strings; costUsd in USD with 10 decimals. */
  used: z.string(),
  previous: z.string(),
  change: z.string(),
  changePercent: z.string().nullable(),
  /** The plan's limit on this counter: null when it sets none or it is unlimited. */
  limit: z
    .object({
      limitKey: z.string(),
      limit: z.string(),
      percent: z.string(),
      remaining: z.string(),
      level: z.enum(["ok", "warning", "over"]),
      /** Only for the current period (a rate needs the period to be running). */
      forecast: ZLimitForecast.nullable(),
    })
    .nullable(),
  unlimited: z.boolean(),
});
export type TClientMetricUsage = z.infer<typeof ZClientMetricUsage>;

export const ZClientPeriodUsage = z.object({
  clientId: z.string(),
  period: z.string(),
  previousPeriod: z.string(),
  isCurrentPeriod: z.boolean(),
  plan: z.object({ key: z.string(), name: z.string(), alertThresholds: z.array(z.number().int()), upgradeUrl: z.string().nullable() }),
  metrics: z.array(ZClientMetricUsage),
  /** Some limit is at or past the plan's first alert threshold. */
  nearLimit: z.boolean(),
});
export type TClientPeriodUsage = z.infer<typeof ZClientPeriodUsage>;

export async function getClientPeriodUsage(db: TDbClient, rawInput: TGetClientPeriodUsageInput & { now: Date }): Promise<TClientPeriodUsage> {
  const input = ZGetClientPeriodUsageInput.parse(rawInput);
  const now = rawInput.now;
  const current = periodOf(now);
  const period = input.period ?? current;
  const previousPeriod = previousPeriodOf(period);
  const client = await db.client.findUnique({
    where: { id: input.clientId },
    select: {
      id: true,
      plan: { select: { key: true, name: true, limits: true, alertThresholds: true, upgradeUrl: true } },
      usageCounters: {
        where: { period: { in: [period, previousPeriod] }, metric: { in: [...MONTHLY_USAGE_METRICS] } },
        select: { period: true, metric: true, value: true },
      },
    },
  });
  if (!client) throw new AppError("NOT_FOUND", "No client with this id.", { clientId: input.clientId });

  const value = new Map(client.usageCounters.map((c) => [`${c.period}/${c.metric}`, c.value.toFixed()]));
  const limits = new Map(monthlyLimitsOf(client.plan.limits).map((l) => [l.metric, l]));
  const unlimited = unlimitedMetricsOf(client.plan.limits);
  const thresholds = client.plan.alertThresholds.length > 0 ? client.plan.alertThresholds : [...DEFAULT_ALERT_THRESHOLDS];
  const metrics = MONTHLY_USAGE_METRICS.map((metric): TClientMetricUsage => {
    const used = value.get(`${period}/${metric}`) ?? "0";
    const change = periodChange(metric, used, value.get(`${previousPeriod}/${metric}`) ?? "0");
    const limit = limits.get(metric);
    const percent = limit ? percentOfLimit(used, limit.limit) : null;
    return {
      metric,
      used,
      previous: change.previous,
      change: change.change,
      changePercent: change.changePercent,
      limit:
        limit && percent !== null
          ? {
              limitKey: limit.limitKey,
              limit: limit.limit,
              percent,
              remaining: remainingOfLimit(used, limit.limit),
              level: limitLevel(percent, thresholds),
              forecast: period === current ? forecastLimitDate({ used, limit: limit.limit, period, now }) : null,
            }
          : null,
      unlimited: !limit && unlimited.has(metric),
    };
  });
  return {
    clientId: client.id,
    period,
    previousPeriod,
    isCurrentPeriod: period === current,
    plan: { key: client.plan.key, name: client.plan.name, alertThresholds: thresholds, upgradeUrl: client.plan.upgradeUrl ?? null },
    metrics,
    nearLimit: metrics.some((m) => m.limit !== null && m.limit.level !== "ok"),
  };
}
