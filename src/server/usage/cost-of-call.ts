// What an LLM call costs us, from the ModelPrice in effect when it happened.
// Kept unrounded (fractions of a cent); rounding happens once, on invoice lines.
import Decimal from "decimal.js";
import type { TDbClient } from "@/server/db/client";

export type TModelPrice = {
  /** USD per 1M tokens, decimal strings. */
  inputPer1M: string;
  outputPer1M: string;
  cachedInputPer1M: string | null;
};

const PER_TOKEN = new Decimal(1_000_000);

/** Cached input tokens are billed at the cached price when the model has one, else as input. */
export function costOfCall(
  price: TModelPrice | null,
  usage: { inputTokens: number; cachedInputTokens: number; outputTokens: number },
): Decimal {
  if (!price) return new Decimal(0);
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const cachedPrice = new Decimal(price.cachedInputPer1M ?? price.inputPer1M);
  return new Decimal(usage.inputTokens - cached)
    .times(price.inputPer1M)
    .plus(new Decimal(cached).times(cachedPrice))
    .plus(new Decimal(usage.outputTokens).times(price.outputPer1M))
    .dividedBy(PER_TOKEN);
}

/** The price row with the latest effectiveFrom at or before `at`; null when none (e.g. local Ollama). */
export async function findModelPrice(
  db: TDbClient,
  provider: string,
  model: string,
  at: Date,
): Promise<TModelPrice | null> {
  const row = await db.modelPrice.findFirst({
    where: { provider, model, effectiveFrom: { lte: at } },
    orderBy: { effectiveFrom: "desc" },
    select: { inputPer1M: true, outputPer1M: true, cachedInputPer1M: true },
  });
  if (!row) return null;
  return {
    inputPer1M: row.inputPer1M.toString(),
    outputPer1M: row.outputPer1M.toString(),
    cachedInputPer1M: row.cachedInputPer1M?.toString() ?? null,
  };
}
