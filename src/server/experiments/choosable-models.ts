// Which models an experiment's variant may use: what a client may be set to. A paid
// provider's model needs a price in effect (else its calls would be recorded at zero
// cost), and a retired model is refused whatever its price.
import type { TDbClient } from "@/server/db/client";
import { findUnpricedModels } from "@/server/model-prices/model-catalogue";
import { findRetiredModels } from "@/server/model-prices/retire-model";

export type TModelChoice = { provider: string; model: string; field: string };
export type TModelRefusal = { field: string; message: string };

const label = (entry: { provider: string; model: string }) => `${entry.provider} · ${entry.model}`;

/** The refusals for `choices` at `now`, at most one per field, in the order given (empty: all choosable). */
export async function findUnchoosableModels(db: TDbClient, choices: readonly TModelChoice[], now: Date): Promise<TModelRefusal[]> {
  const [retired, unpriced] = await Promise.all([findRetiredModels(db, choices), findUnpricedModels(db, choices, now)]);
  const retiredFields = new Set(retired.map((choice) => choice.field));
  const unpricedFields = new Set(unpriced.map((choice) => choice.field));
  return choices.flatMap((choice) => {
    if (retiredFields.has(choice.field)) return [{ field: choice.field, message: `${label(choice)} is retired; choose another model` }];
    if (unpricedFields.has(choice.field)) return [{ field: choice.field, message: `${label(choice)} has no price in effect; add one on the Providers page first` }];
    return [];
  });
}
