// What each provider and model answered in a period and what it cost us, from
// UsageEvent: everyone's, one plan's clients' or one client's. Cost is USD with the
// events' 10 decimals (provider cost, before plan pricing).
import Decimal from "decimal.js";
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { ZUsageScopeInput, usageScope } from "./usage-scope";

export const ZListUsageByModelInput = ZUsageScopeInput;
export type TListUsageByModelInput = z.input<typeof ZListUsageByModelInput>;

const ZModelUsageTotals = z.object({
  /** LLM calls, failed ones included. */
  calls: z.number().int(),
  /** Calls that answered (status success or partial): what the messages counter counts. */
  messages: z.number().int(),
  inputTokens: z.string(),
  outputTokens: z.string(),
  tokens: z.string(),
  costUsd: z.string(),
});

export const ZUsageByModel = z.object({
  period: z.string(),
  /** Dearest first. */
  models: z.array(ZModelUsageTotals.extend({ provider: z.string(), model: z.string() })),
  providers: z.array(ZModelUsageTotals.extend({ provider: z.string() })),
});
export type TUsageByModel = z.infer<typeof ZUsageByModel>;

type TRow = { provider: string; model: string; calls: number; messages: number; inputTokens: string; outputTokens: string; costUsd: string };

export async function listUsageByModel(db: TDbClient, rawInput: TListUsageByModelInput & { now: Date }): Promise<TUsageByModel> {
  const { period, start, end, filter } = usageScope(rawInput, rawInput.now);
  const rows = await db.$queryRaw<TRow[]>`
    SELECT e.provider, e.model, count(*)::int AS calls, (count(*) FILTER (WHERE e.status <> 'error'))::int AS messages,
           SUM(e."inputTokens")::text AS "inputTokens", SUM(e."outputTokens")::text AS "outputTokens", SUM(e."costUsd")::text AS "costUsd"
      FROM "UsageEvent" e
     WHERE e."occurredAt" >= ${start} AND e."occurredAt" < ${end} ${filter}
     GROUP BY e.provider, e.model`;

  const totals = (row: Pick<TRow, "calls" | "messages" | "inputTokens" | "outputTokens" | "costUsd">) => ({
    calls: row.calls,
    messages: row.messages,
    inputTokens: new Decimal(row.inputTokens).toFixed(),
    outputTokens: new Decimal(row.outputTokens).toFixed(),
    tokens: new Decimal(row.inputTokens).plus(row.outputTokens).toFixed(),
    costUsd: new Decimal(row.costUsd).toFixed(),
  });
  const byCost = <T extends { costUsd: string; calls: number }>(a: T, b: T) =>
    new Decimal(b.costUsd).comparedTo(a.costUsd) || b.calls - a.calls;

  const providers = new Map<string, TRow>();
  for (const row of rows) {
    const sum = providers.get(row.provider);
    providers.set(
      row.provider,
      sum
        ? {
            ...sum,
            calls: sum.calls + row.calls,
            messages: sum.messages + row.messages,
            inputTokens: new Decimal(sum.inputTokens).plus(row.inputTokens).toFixed(),
            outputTokens: new Decimal(sum.outputTokens).plus(row.outputTokens).toFixed(),
            costUsd: new Decimal(sum.costUsd).plus(row.costUsd).toFixed(),
          }
        : row,
    );
  }
  return {
    period,
    models: rows.map((row) => ({ provider: row.provider, model: row.model, ...totals(row) })).sort((a, b) => byCost(a, b) || a.model.localeCompare(b.model)),
    providers: [...providers.values()].map((row) => ({ provider: row.provider, ...totals(row) })).sort((a, b) => byCost(a, b) || a.provider.localeCompare(b.provider)),
  };
}
