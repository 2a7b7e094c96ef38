// All-clients usage per period, for the dashboard overview. Reads UsageCounter
// only, grouped in SQL: one row per (period, metric) comes back, whatever the
// number of clients. UsageEvent is never scanned here (it holds millions of rows).
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { ZPeriod, periodOf, periodRange, recentPeriods } from "@/server/usage/period";

/** Counters the overview shows; cost is USD with 10 decimals, as stored. */
const SUMMARY_METRICS = ["messages", "conversations", "tokens", "toolCalls", "costUsd"] as const;

export const ZGetUsageSummaryInput = z
  .object({
    /** Last period of the 12 shown; default: the current one. */
    period: ZPeriod.optional(),
  })
  .default({});
export type TGetUsageSummaryInput = z.input<typeof ZGetUsageSummaryInput>;

/** Decimal strings (never floats): counts may be fractional sums, cost has 10 decimals. */
export const ZUsageTotals = z.object({
  messages: z.string(),
  conversations: z.string(),
  tokens: z.string(),
  toolCalls: z.string(),
  costUsd: z.string(),
});
export type TUsageTotals = z.infer<typeof ZUsageTotals>;

export const ZUsageSummary = z.object({
  period: z.string(),
  /** Totals of `period` across all clients. */
  current: ZUsageTotals,
  /** Clients with at least one message counted in `period`. */
  clientsWithUsage: z.number().int(),
  /** 12 periods ending with `period`, oldest first, zeros where nothing was used. */
  monthly: z.array(ZUsageTotals.extend({ period: z.string() })),
});
export type TUsageSummary = z.infer<typeof ZUsageSummary>;

export async function getUsageSummary(db: TDbClient, { now, period }: { now: Date; period?: string }): Promise<TUsageSummary> {
  const lastPeriod = period ?? periodOf(now);
  const periods = recentPeriods(12, periodRange(lastPeriod).start);
  const [sums, clientsWithUsage] = await Promise.all([
    db.usageCounter.groupBy({
      by: ["period", "metric"],
      where: { period: { in: periods }, metric: { in: [...SUMMARY_METRICS] } },
      _sum: { value: true },
    }),
    // UsageCounter holds one row per (client, period, metric): counting rows counts clients.
    db.usageCounter.count({ where: { period: lastPeriod, metric: "messages", value: { gt: 0 } } }),
  ]);

  // toFixed(): decimal.js's toString() switches to exponent notation for tiny values.
  const byKey = new Map(sums.map((row) => [`${row.period}/${row.metric}`, row._sum.value?.toFixed() ?? "0"]));
  const totalsOf = (p: string): TUsageTotals => ({
    messages: byKey.get(`${p}/messages`) ?? "0",
    conversations: byKey.get(`${p}/conversations`) ?? "0",
    tokens: byKey.get(`${p}/tokens`) ?? "0",
    toolCalls: byKey.get(`${p}/toolCalls`) ?? "0",
    costUsd: byKey.get(`${p}/costUsd`) ?? "0",
  });
  return {
    period: lastPeriod,
    current: totalsOf(lastPeriod),
    clientsWithUsage,
    monthly: periods.map((p) => ({ period: p, ...totalsOf(p) })),
  };
}
