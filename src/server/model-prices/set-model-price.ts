// Admins price a provider's model. Prices are never edited in place: a new row takes
// effect at its effectiveFrom, so calls already recorded keep the price they were made at.
import { z } from "zod";
import { inTransaction, type TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import type { TSessionUser } from "@/server/auth/session";
import { LLM_PROVIDER_NAMES } from "@/server/llm/provider";
import { clockNow } from "@/server/clock";
import { recordAudit } from "@/server/auth/audit-log";

const ZPricePer1M = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,10})?$/, "must be a decimal amount of USD, e.g. 3 or 0.075");

export const ZSetModelPriceInput = z.object({
  provider: z.enum(LLM_PROVIDER_NAMES),
  model: z.string().trim().min(1, "name the model").max(100),
  inputPer1M: ZPricePer1M,
  outputPer1M: ZPricePer1M,
  cachedInputPer1M: ZPricePer1M.nullable().default(null),
  /** Defaults to now; a past instant would reprice nothing already recorded, but is refused to avoid confusion. */
  effectiveFrom: z.date().optional(),
});
export type TSetModelPriceInput = z.input<typeof ZSetModelPriceInput>;

export async function setModelPrice(db: TDb, rawInput: TSetModelPriceInput, actor: TSessionUser, now: Date = clockNow()) {
  const input = ZSetModelPriceInput.parse(rawInput);
  const effectiveFrom = input.effectiveFrom ?? now;
  if (effectiveFrom.getTime() < now.getTime() - 60_000) {
    throw new AppError("BAD_REQUEST", "A new price takes effect now or later; recorded calls keep the price they were made at.", {
      field: "effectiveFrom",
    });
  }
  return inTransaction(db, async (tx) => {
    const row = await tx.modelPrice.create({
      data: {
        createdAt: clockNow(),
        provider: input.provider,
        model: input.model,
        inputPer1M: input.inputPer1M,
        outputPer1M: input.outputPer1M,
        cachedInputPer1M: input.cachedInputPer1M,
        effectiveFrom,
      },
      select: { id: true },
    });
    await recordAudit(tx, actor, clockNow(), {
      action: "model_price.set",
      entityType: "ModelPrice",
      entityId: row.id,
      after: { ...input, effectiveFrom: effectiveFrom.toISOString() },
    });
    return { id: row.id, effectiveFrom };
  });
}
