// One client's settled usage of one counter, month by month: a primary-key range read
// of UsageCounter (client, period, metric), zero-filled where nothing was counted.
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { ZPeriod, periodOf, periodRange, recentPeriods } from "./period";

export const ZGetUsageHistoryInput = z.object({
  clientId: z.uuid("must be a client id"),
  metric: z.string().min(1).max(100).default("messages"),
  months: z.number().int().min(1).max(36).default(12),
  /** The last month shown; default: the current one. */
  period: ZPeriod.optional(),
});
export type TGetUsageHistoryInput = z.input<typeof ZGetUsageHistoryInput>;

export const ZUsageHistory = z.object({
  clientId: z.string(),
  metric: z.string(),
  /** Oldest first, one per month; values are decimal strings. */
  months: z.array(z.object({ period: z.string(), value: z.string() })),
});
export type TUsageHistory = z.infer<typeof ZUsageHistory>;

export async function getUsageHistory(db: TDbClient, rawInput: TGetUsageHistoryInput & { now: Date }): Promise<TUsageHistory> {
  const input = ZGetUsageHistoryInput.parse(rawInput);
  const last = input.period ?? periodOf(rawInput.now);
  const periods = recentPeriods(input.months, periodRange(last).start);
  const rows = await db.usageCounter.findMany({
    where: { clientId: input.clientId, metric: input.metric, period: { gte: periods[0]!, lte: last } },
    select: { period: true, value: true },
  });
  const byPeriod = new Map(rows.map((row) => [row.period, row.value.toFixed()]));
  return {
    clientId: input.clientId,
    metric: input.metric,
    months: periods.map((period) => ({ period, value: byPeriod.get(period) ?? "0" })),
  };
}
