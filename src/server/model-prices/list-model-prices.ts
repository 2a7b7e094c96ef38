// The ModelPrice table as the dashboard shows it. For each (provider, model) the
// row with the latest effectiveFrom <= now is the one that prices calls today;
// later rows are scheduled, earlier ones superseded.
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { clockNow } from "@/server/clock";
import { listRetiredModels } from "./retire-model";

export const ZListModelPricesInput = z.object({}).default({});
export type TListModelPricesInput = z.input<typeof ZListModelPricesInput>;

export const ZModelPriceRow = z.object({
  id: z.string(),
  provider: z.string(),
  model: z.string(),
  /** USD per 1M tokens, decimal strings (NUMERIC(20,10)). */
  inputPer1M: z.string(),
  outputPer1M: z.string(),
  cachedInputPer1M: z.string().nullable(),
  effectiveFrom: z.date(),
  state: z.enum(["current", "scheduled", "superseded"]),
  /** When the model was retired (every row of the model says it), else null. */
  retiredAt: z.date().nullable(),
});
export type TModelPriceRow = z.infer<typeof ZModelPriceRow>;

export async function listModelPrices(db: TDbClient, now: Date = clockNow()): Promise<TModelPriceRow[]> {
  const retired = await listRetiredModels(db);
  const rows = await db.modelPrice.findMany({
    orderBy: [{ provider: "asc" }, { model: "asc" }, { effectiveFrom: "desc" }],
    select: {
      id: true,
      provider: true,
      model: true,
      inputPer1M: true,
      outputPer1M: true,
      cachedInputPer1M: true,
      effectiveFrom: true,
    },
  });
  // Rows come newest first per model: the first one already in effect is current.
  const currentFound = new Set<string>();
  return rows.map((row) => {
    const key = `${row.provider}/${row.model}`;
    let state: TModelPriceRow["state"] = "scheduled";
    if (row.effectiveFrom <= now) {
      state = currentFound.has(key) ? "superseded" : "current";
      currentFound.add(key);
    }
    return {
      ...row,
      inputPer1M: row.inputPer1M.toFixed(),
      outputPer1M: row.outputPer1M.toFixed(),
      cachedInputPer1M: row.cachedInputPer1M?.toFixed() ?? null,
      state,
      retiredAt: retired.get(key) ?? null,
    };
  });
}
