// All-clients usage per period, for the dashboard overview. Reads UsageCounter
// only, grouped in SQL: one row per (period, metric) comes back, whatever the
// number of clients. UsageEvent is never scanned here (it holds millions of rows).
import Decimal from "decimal.js";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import type { TDbClient } from "@/server/db/client";
import { ZPeriod, periodOf, periodRange, recentPeriods } from "@/server/usage/period";

/** Counters the overview shows; cost is USD with 10 decimals, as stored. */
const SUMMARY_METRICS = ["messages", "conversations", "tokens", "toolCalls", "costUsd"] as const;

export const ZGetUsageSummaryInput = z
  .object({
    /** Last period of those shown; default: the current one. */
    period: ZPeriod.optional(),
    /** Only the clients on this plan. */
    planKey: z.string().min(1).max(100).optional(),
    /** How many periods the trend shows. */
    months: z.number().int().min(1).max(36).optional(),
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
  /** `months` periods (default 12) ending with `period`, oldest first, zeros where nothing was used. */
  monthly: z.array(ZUsageTotals.extend({ period: z.string() })),
});
export type TUsageSummary = z.infer<typeof ZUsageSummary>;

export async function getUsageSummary(
  db: TDbClient,
  { now, period, planKey, months = 12 }: { now: Date; period?: string; planKey?: string; months?: number },
): Promise<TUsageSummary> {
  const lastPeriod = period ?? periodOf(now);
  const periods = recentPeriods(months, periodRange(lastPeriod).start);
  const planFilter = planKey ? Prisma.sql`AND "clientId" IN (SELECT id FROM "Client" WHERE "planKey" = ${planKey})` : Prisma.empty;
  const [sums, clientCount] = await Promise.all([
    db.$queryRaw<{ period: string; metric: string; total: string }[]>`
      SELECT period, metric, SUM(value)::text AS total FROM "UsageCounter"
       WHERE period IN (${Prisma.join(periods)}) AND metric IN (${Prisma.join([...SUMMARY_METRICS])}) ${planFilter}
       GROUP BY period, metric`,
    // UsageCounter holds one row per (client, period, metric): counting rows counts clients.
    db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM "UsageCounter" WHERE period = ${lastPeriod} AND metric = 'messages' AND value > 0 ${planFilter}`,
  ]);
  const clientsWithUsage = clientCount[0]?.n ?? 0;

  // ::text keeps NUMERIC exact; toFixed() drops its trailing zeros without exponent notation.
  const byKey = new Map(sums.map((row) => [`${row.period}/${row.metric}`, new Decimal(row.total).toFixed()]));
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
