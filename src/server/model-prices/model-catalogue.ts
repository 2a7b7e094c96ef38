// The models an admin can choose for a client: each (provider, model) with the price in
// effect at `now` (the latest row whose effectiveFrom <= now). A model priced only from a
// later date is not in the catalogue yet. Ollama runs on our own machines: its models are
// free, so an Ollama model needs no price to be chosen; Anthropic's and OpenAI's do, or
// their calls would be recorded at zero cost. A retired model stays listed, flagged: it keeps
// its prices but cannot be chosen.
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import type { TLlmProviderName } from "@/server/llm/provider";
import { listRetiredModels } from "./retire-model";

export const PAID_LLM_PROVIDERS: readonly TLlmProviderName[] = ["anthropic", "openai"];

export function isPaidProvider(provider: string): boolean {
  return (PAID_LLM_PROVIDERS as readonly string[]).includes(provider);
}

export const ZModelCatalogueEntry = z.object({
  provider: z.string(),
  model: z.string(),
  /** USD per 1M tokens, decimal strings (NUMERIC(20,10)). */
  inputPer1M: z.string(),
  outputPer1M: z.string(),
  cachedInputPer1M: z.string().nullable(),
  effectiveFrom: z.date(),
  /** Retired models are shown but cannot be chosen for a client. */
  retired: z.boolean(),
});
export type TModelCatalogueEntry = z.infer<typeof ZModelCatalogueEntry>;

export async function listModelCatalogue(db: TDbClient, now: Date): Promise<TModelCatalogueEntry[]> {
  const [rows, retired] = await Promise.all([
    db.modelPrice.findMany({
      where: { effectiveFrom: { lte: now } },
      orderBy: [{ provider: "asc" }, { model: "asc" }, { effectiveFrom: "desc" }],
      select: { provider: true, model: true, inputPer1M: true, outputPer1M: true, cachedInputPer1M: true, effectiveFrom: true },
    }),
    listRetiredModels(db),
  ]);
  // Newest first per model: the first row of each model is the one in effect.
  const seen = new Set<string>();
  const catalogue: TModelCatalogueEntry[] = [];
  for (const row of rows) {
    const key = `${row.provider}/${row.model}`;
    if (seen.has(key)) continue;
    seen.add(key);
    catalogue.push({
      ...row,
      inputPer1M: row.inputPer1M.toFixed(),
      outputPer1M: row.outputPer1M.toFixed(),
      cachedInputPer1M: row.cachedInputPer1M?.toFixed() ?? null,
      retired: retired.has(key),
    });
  }
  return catalogue;
}

/** The entries of a paid provider with no price in effect at `now` (in the order given). */
export async function findUnpricedModels<T extends { provider: string; model: string }>(db: TDbClient, entries: readonly T[], now: Date): Promise<T[]> {
  const paid = entries.filter((entry) => isPaidProvider(entry.provider));
  if (paid.length === 0) return [];
  const priced = await db.modelPrice.findMany({
    where: { effectiveFrom: { lte: now }, OR: paid.map(({ provider, model }) => ({ provider, model })) },
    select: { provider: true, model: true },
    distinct: ["provider", "model"],
  });
  const known = new Set(priced.map((row) => `${row.provider}/${row.model}`));
  return paid.filter((entry) => !known.has(`${entry.provider}/${entry.model}`));
}
