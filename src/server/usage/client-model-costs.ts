// What one client's calls cost per month, provider and model: the client's Provider tab
// shows which models its money went to. Months are UTC calendar months ('YYYY-MM'), the
// `months` ending with the one containing `now` (to `now`). Cost is the sum of the calls'
// recorded cost (USD decimal string, 10 decimals kept); tokens are counts.
import Decimal from "decimal.js";
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { periodRange, recentPeriods } from "./period";

export const ZListClientModelCostsInput = z.object({
  clientId: z.uuid("must be a client id"),
  months: z.number().int("must be a whole number of months").min(1, "must be at least 1").max(24, "must be at most 24").default(6),
});
export type TListClientModelCostsInput = z.input<typeof ZListClientModelCostsInput>;

export const ZClientModelCostRow = z.object({
  month: z.string(),
  provider: z.string(),
  model: z.string(),
  /** Usage events: one per answered chat message. */
  messages: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  costUsd: z.string(),
});
export type TClientModelCostRow = z.infer<typeof ZClientModelCostRow>;

export const ZClientModelCosts = z.object({
  clientId: z.string(),
  /** Oldest first: the months covered, with or without rows. */
  months: z.array(z.string()),
  /** Newest month first; within a month, dearest first. */
  rows: z.array(ZClientModelCostRow),
});
export type TClientModelCosts = z.infer<typeof ZClientModelCosts>;

type TSqlRow = { month: string; provider: string; model: string; messages: number; inputTokens: string; outputTokens: string; costUsd: string };

function tokenCount(sum: string): number {
  const count = Number(sum);
  if (!Number.isSafeInteger(count)) throw new Error(`token sum ${sum} is beyond exact integer range`);
  return count;
}

export async function listClientModelCosts(db: TDbClient, rawInput: TListClientModelCostsInput, now: Date): Promise<TClientModelCosts> {
  const { clientId, months: count } = parseInput(ZListClientModelCostsInput, rawInput);
  const client = await db.client.findUnique({ where: { id: clientId }, select: { id: true } });
  if (!client) throw new AppError("NOT_FOUND", "No client with this id.", { clientId });
  const months = recentPeriods(count, now);
  const start = periodRange(months[0]!).start;
  const rows = await db.$queryRaw<TSqlRow[]>`
    SELECT to_char(e."occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM') AS month, e.provider, e.model,
           -- A conversation summary is a call, not a message: its tokens and cost count, not its row.
           (count(*) FILTER (WHERE e.route IS DISTINCT FROM 'summary'))::int AS messages,
           SUM(e."inputTokens")::text AS "inputTokens",
           SUM(e."outputTokens")::text AS "outputTokens",
           SUM(e."costUsd")::text AS "costUsd"
      FROM "UsageEvent" e
     WHERE e."clientId" = ${clientId}::uuid AND e."occurredAt" >= ${start} AND e."occurredAt" <= ${now}
     GROUP BY 1, e.provider, e.model
     ORDER BY 1 DESC, SUM(e."costUsd") DESC, e.provider, e.model`;
  return {
    clientId,
    months,
    rows: rows.map((row) => ({
      month: row.month,
      provider: row.provider,
      model: row.model,
      messages: row.messages,
      inputTokens: tokenCount(row.inputTokens),
      outputTokens: tokenCount(row.outputTokens),
      costUsd: new Decimal(row.costUsd).toFixed(),
    })),
  };
}

export const ZDegradedMessages = z.object({
  /** The month of `now`, 'YYYY-MM'. */
  period: z.string(),
  /** This month's messages answered with route 'degraded' (past the plan's degradeAtCostPercent). */
  count: z.number().int(),
  lastAt: z.date().nullable(),
});
export type TDegradedMessages = z.infer<typeof ZDegradedMessages>;

/** How many of this month's messages the chat path degraded to the cheaper model, and the last one. */
export async function getDegradedMessages(db: TDbClient, rawInput: { clientId: string }, now: Date): Promise<TDegradedMessages> {
  const { clientId } = parseInput(z.object({ clientId: z.uuid("must be a client id") }), rawInput);
  const period = recentPeriods(1, now)[0]!;
  const { start, end } = periodRange(period);
  const rows = await db.$queryRaw<Array<{ count: number; lastAt: Date | null }>>`
    SELECT count(*)::int AS count, max(e."occurredAt") AS "lastAt"
      FROM "UsageEvent" e
     WHERE e."clientId" = ${clientId}::uuid AND e.route = 'degraded' AND e."occurredAt" >= ${start} AND e."occurredAt" < ${end}`;
  return { period, count: rows[0]?.count ?? 0, lastAt: rows[0]?.lastAt ?? null };
}
