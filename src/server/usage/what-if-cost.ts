// Provider analytics: what one client's month would have cost on another model. The
// client's real token counts in the period (UsageEvent) are priced with each candidate
// model's price in force at `now` (the latest ModelPrice row with effectiveFrom <= now),
// through costOfCall, the calculator that priced the calls. USD decimal strings with the
// events' 10 decimals kept: provider cost, before plan pricing; nothing is rounded.
//
// Not the model-prices domain's catalogue: that domain sits below usage in the import
// order, so the price in force is read here with the same rule (newest effective row).
import Decimal from "decimal.js";
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { costOfCall, type TModelPrice } from "./cost-of-call";
import { ZPeriod, periodOf, previousPeriodOf } from "./period";
import { usageScope } from "./usage-scope";

const ZModelRef = z.object({
  provider: z.string().trim().min(1, "name the provider").max(100),
  model: z.string().trim().min(1, "name the model").max(100),
});

export const ZWhatIfCostsInput = z.object({
  clientId: z.uuid("must be a client id"),
  /** Default: the month before the one containing `now`. */
  period: ZPeriod.optional(),
  /** Default: every model with a price in force at `now`. */
  models: z.array(ZModelRef).min(1, "name at least one model, or leave models out for all").max(100).optional(),
});
export type TWhatIfCostsInput = z.input<typeof ZWhatIfCostsInput>;

const ZTokenTotals = z.object({
  calls: z.number().int(),
  /** Decimal strings (sums of many calls). Input tokens include the cached ones. */
  inputTokens: z.string(),
  /** Cached input tokens as the calculator bills them: per call, at most that call's input tokens. */
  cachedInputTokens: z.string(),
  outputTokens: z.string(),
  /** What the calls cost at the prices they were made at (sum of UsageEvent.costUsd). */
  costUsd: z.string(),
});

export const ZWhatIfCosts = z.object({
  clientId: z.string(),
  period: z.string(),
  /** The price table used: the prices in force at this instant. */
  pricedAt: z.date(),
  totals: ZTokenTotals,
  /** The period's real usage per provider and model, dearest first. */
  usage: z.array(ZTokenTotals.extend({ provider: z.string(), model: z.string() })),
  /** Every candidate priced on the period's token totals, cheapest first; empty when the period has no usage. */
  candidates: z.array(
    z.object({
      provider: z.string(),
      model: z.string(),
      /** The price row in force at `pricedAt`: USD per 1M tokens. */
      price: z.object({ inputPer1M: z.string(), outputPer1M: z.string(), cachedInputPer1M: z.string().nullable(), effectiveFrom: z.date() }),
      costUsd: z.string(),
      /** costUsd minus the actual cost: negative is a saving. */
      differenceUsd: z.string(),
    }),
  ),
  /** Requested models with no price in force at `pricedAt` (not priced: a missing price would read as free). */
  unpriced: z.array(ZModelRef),
});
export type TWhatIfCosts = z.infer<typeof ZWhatIfCosts>;

type TUsageRow = { provider: string; model: string; calls: number; inputTokens: string; cachedInputTokens: string; outputTokens: string; costUsd: string };
type TPriceInForce = TModelPrice & { provider: string; model: string; effectiveFrom: Date };

const modelKey = (ref: { provider: string; model: string }) => `${ref.provider}/${ref.model}`;

/** costOfCall takes numbers: a sum of Int columns stays exact below 2^53, far above any month's tokens. */
function tokenCount(sum: string): number {
  const count = Number(sum);
  if (!Number.isSafeInteger(count)) throw new Error(`token sum ${sum} is beyond exact integer range`);
  return count;
}

/** For each model (all, or the ones named), its newest price row with effectiveFrom <= now. */
async function findPricesInForce(db: TDbClient, now: Date, models: ReadonlyArray<{ provider: string; model: string }> | undefined) {
  const rows = await db.modelPrice.findMany({
    where: { effectiveFrom: { lte: now }, ...(models ? { OR: models.map(({ provider, model }) => ({ provider, model })) } : {}) },
    orderBy: [{ provider: "asc" }, { model: "asc" }, { effectiveFrom: "desc" }],
    select: { provider: true, model: true, inputPer1M: true, outputPer1M: true, cachedInputPer1M: true, effectiveFrom: true },
  });
  const prices = new Map<string, TPriceInForce>();
  for (const row of rows) {
    if (prices.has(modelKey(row))) continue; // newest first: the first row of a model is in force
    prices.set(modelKey(row), {
      provider: row.provider,
      model: row.model,
      inputPer1M: row.inputPer1M.toFixed(),
      outputPer1M: row.outputPer1M.toFixed(),
      cachedInputPer1M: row.cachedInputPer1M?.toFixed() ?? null,
      effectiveFrom: row.effectiveFrom,
    });
  }
  return prices;
}

export async function whatIfCosts(db: TDbClient, rawInput: TWhatIfCostsInput & { now: Date }): Promise<TWhatIfCosts> {
  const input = ZWhatIfCostsInput.parse(rawInput);
  const now = rawInput.now;
  const period = input.period ?? previousPeriodOf(periodOf(now));
  const client = await db.client.findUnique({ where: { id: input.clientId }, select: { id: true } });
  if (!client) throw new AppError("NOT_FOUND", "No client with this id.", { clientId: input.clientId });

  const { start, end, filter } = usageScope({ period, clientId: client.id }, now);
  // LEAST per event: costOfCall bills at most a call's input tokens as cached, so the sums
  // priced once give exactly the sum of the calls priced one by one (the cost is linear).
  const rows = await db.$queryRaw<TUsageRow[]>`
    SELECT e.provider, e.model, count(*)::int AS calls,
           SUM(e."inputTokens")::text AS "inputTokens",
           SUM(LEAST(e."cachedInputTokens", e."inputTokens"))::text AS "cachedInputTokens",
           SUM(e."outputTokens")::text AS "outputTokens",
           SUM(e."costUsd")::text AS "costUsd"
      FROM "UsageEvent" e
     WHERE e."occurredAt" >= ${start} AND e."occurredAt" < ${end} ${filter}
     GROUP BY e.provider, e.model`;

  const usage = rows
    .map((row) => ({
      provider: row.provider,
      model: row.model,
      calls: row.calls,
      inputTokens: new Decimal(row.inputTokens).toFixed(),
      cachedInputTokens: new Decimal(row.cachedInputTokens).toFixed(),
      outputTokens: new Decimal(row.outputTokens).toFixed(),
      costUsd: new Decimal(row.costUsd).toFixed(),
    }))
    .sort((a, b) => new Decimal(b.costUsd).comparedTo(a.costUsd) || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
  const sum = (field: "inputTokens" | "cachedInputTokens" | "outputTokens" | "costUsd") =>
    usage.reduce((total, row) => total.plus(row[field]), new Decimal(0)).toFixed();
  const totals = {
    calls: usage.reduce((total, row) => total + row.calls, 0),
    inputTokens: sum("inputTokens"),
    cachedInputTokens: sum("cachedInputTokens"),
    outputTokens: sum("outputTokens"),
    costUsd: sum("costUsd"),
  };

  const requested = input.models ? [...new Map(input.models.map((ref) => [modelKey(ref), ref])).values()] : undefined;
  const prices = await findPricesInForce(db, now, requested);
  const unpriced = (requested ?? []).filter((ref) => !prices.has(modelKey(ref)));
  const tokens = { inputTokens: tokenCount(totals.inputTokens), cachedInputTokens: tokenCount(totals.cachedInputTokens), outputTokens: tokenCount(totals.outputTokens) };
  const candidates =
    usage.length === 0
      ? []
      : [...prices.values()]
          .map(({ provider, model, effectiveFrom, ...price }) => {
            const cost = costOfCall(price, tokens);
            return { provider, model, price: { ...price, effectiveFrom }, costUsd: cost.toFixed(), differenceUsd: cost.minus(totals.costUsd).toFixed() };
          })
          .sort((a, b) => new Decimal(a.costUsd).comparedTo(b.costUsd) || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));

  return { clientId: client.id, period, pricedAt: now, totals, usage, candidates, unpriced };
}
