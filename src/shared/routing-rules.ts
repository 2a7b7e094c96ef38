// A plan's rules for sending simple chat messages to a cheaper model (the router in
// src/server/llm/routing). Browser-safe so the plans page can edit them: zod and the
// provider names of plan-config only.
//
// Off by default: routing changes which model answers a tenant's users, so a plan opts in.
import { z } from "zod";
import { ZLlmProvider } from "./llm-providers";

/** What a message asks for, from keyword and shape rules (src/server/llm/routing/features.ts). */
export const QUESTION_TYPES = ["greeting", "factual", "how_to", "reasoning", "code", "multi_step", "other"] as const;
export const ZQuestionType = z.enum(QUESTION_TYPES);
export type TQuestionType = z.infer<typeof ZQuestionType>;

/**
 * Greetings and single factual questions. Not "other": in a support widget a message that
 * is not a question is mostly a problem report or a request ("the widget doesn't load",
 * "I'd like to add 5 seats"), which a cheap model handles badly (4 of the 5 complex
 * messages the first rules sent cheap in a held-out sample, see labelled-messages.ts).
 */
export const DEFAULT_CHEAP_QUESTION_TYPES: readonly TQuestionType[] = ["greeting", "factual"];

const whole = (min: number, max: number) =>
  z
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

export const ZRoutingRules = z.object({
  enabled: z.boolean().default(false),
  /** A current message longer than this (characters) stays on the primary model. */
  maxChars: whole(1, 100_000).default(280),
  /** A conversation with more user turns than this stays on the primary model. */
  maxDepth: whole(1, 10_000).default(6),
  /** The question types a cheaper model may answer; every other type stays on the primary model. */
  cheapQuestionTypes: z
    .array(ZQuestionType)
    .refine((types) => new Set(types).size === types.length, { message: "must not repeat a question type" })
    .default(() => [...DEFAULT_CHEAP_QUESTION_TYPES]),
  /**
   * A message that needs tools (an order lookup, a booking, a cancellation) always stays
   * on the primary model: the tenant set its tools up against that model, and a wrong or
   * skipped tool call costs more than the tokens saved. A field, not a constant, so stored
   * rules say so explicitly; only `true` is accepted today.
   */
  neverWhenTools: z.literal(true, { error: "must be true: tool calls always stay on the primary model" }).default(true),
  /** An explicit cheap model; without it the router picks the cheapest priced one (same provider, then the fallback chain). */
  cheapModel: z
    .object({
      provider: ZLlmProvider,
      model: z.string().trim().min(1, "model is required"),
    })
    .optional(),
});

export type TRoutingRules = z.infer<typeof ZRoutingRules>;
/** What a plan config writes: every field may be left out. */
export type TRoutingRulesInput = z.input<typeof ZRoutingRules>;

export const DEFAULT_ROUTING_RULES: TRoutingRules = ZRoutingRules.parse({});
