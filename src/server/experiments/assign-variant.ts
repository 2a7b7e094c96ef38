// A/B tests of models (Experiment): which variant a conversation gets. The choice is a
// stable hash of (experiment, conversation), so every message of a conversation, in any
// process, meets the same model; no Math.random and no floats in the choice.
//
// The hash is read as a fraction of 2^64 and scaled onto the cumulative integer weights
// (bucket = hash × total >> 64), not taken modulo the total: when one variant's weight
// changes, only conversations near the moved boundaries change variant, instead of a
// reshuffle of all of them whenever the total changes.
import { createHash } from "node:crypto";
import { z } from "zod";
import { LLM_PROVIDER_NAMES } from "@/server/llm/provider";
import { parseInput } from "@/server/errors/parse-input";

export const MAX_EXPERIMENT_VARIANTS = 10;
export const MAX_VARIANT_WEIGHT = 1000;

export const ZExperimentVariant = z.object({
  /** What UsageEvent.variant records. */
  key: z
    .string()
    .trim()
    .min(1, "name the variant")
    .max(50)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits, '_', '.' or '-', starting with a letter or digit"),
  provider: z.enum(LLM_PROVIDER_NAMES),
  model: z.string().trim().min(1, "name the model").max(100),
  /** Whether the variant's calls go through model routing. */
  routing: z.boolean(),
  /** Relative share of conversations: an integer, so the split is exact. */
  weight: z
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(MAX_VARIANT_WEIGHT, `must be at most ${MAX_VARIANT_WEIGHT}`),
});
export type TExperimentVariant = z.infer<typeof ZExperimentVariant>;

export const ZExperimentVariants = z
  .array(ZExperimentVariant)
  .min(1, "an experiment needs at least one variant")
  .max(MAX_EXPERIMENT_VARIANTS, `an experiment has at most ${MAX_EXPERIMENT_VARIANTS} variants`)
  .superRefine((variants, ctx) => {
    const seen = new Set<string>();
    variants.forEach((variant, index) => {
      if (seen.has(variant.key)) ctx.addIssue({ code: "custom", path: [index, "key"], message: `variant key "${variant.key}" is used twice` });
      seen.add(variant.key);
    });
  });
export type TExperimentVariants = z.infer<typeof ZExperimentVariants>;

const HASH_BITS = 64n;

/** The conversation's point in [0, totalWeight): the first 64 bits of sha256, scaled. Integer arithmetic only. */
export function variantBucket(experimentId: string, conversationId: string, totalWeight: number): number {
  if (!Number.isSafeInteger(totalWeight) || totalWeight < 1) throw new RangeError(`totalWeight must be a positive integer, got ${totalWeight}`);
  const digest = createHash("sha256").update(`${experimentId}:${conversationId}`).digest();
  const hash = digest.readBigUInt64BE(0);
  return Number((hash * BigInt(totalWeight)) >> HASH_BITS);
}

/**
 * The variant of `conversationId` in `experimentId`: the same for the same ids and variants,
 * with shares proportional to the weights. Invalid variants throw BAD_REQUEST naming the field.
 */
export function assignVariant(experimentId: string, conversationId: string, variants: readonly TExperimentVariant[]): TExperimentVariant {
  const parsed = parseInput(ZExperimentVariants, variants);
  const total = parsed.reduce((sum, variant) => sum + variant.weight, 0);
  const bucket = variantBucket(experimentId, conversationId, total);
  let upTo = 0;
  for (const variant of parsed) {
    upTo += variant.weight;
    if (bucket < upTo) return variant;
  }
  // bucket < total = the last upTo, so the loop always returns.
  throw new Error(`bucket ${bucket} is outside the total weight ${total}`);
}
