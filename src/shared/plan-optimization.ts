// A plan's LLM cost settings (PlanConfig.optimization): the prompt's token budget, prompt
// compression, routing simple messages to a cheaper model, and degrading to the cheaper
// model near the cost limit instead of refusing. Browser-safe so the plans page can edit it.
//
// Everything is off by default except lossless compression, which never changes what a
// message says (whitespace runs, repeated pasted blocks): a plan saved before these
// settings existed ({}) behaves exactly as it did, minus the wasted whitespace.
import { z } from "zod";
import { ZRoutingRules } from "./routing-rules";

export const MIN_CONTEXT_BUDGET_TOKENS = 256;
export const MAX_CONTEXT_BUDGET_TOKENS = 1_000_000;

export const ZPlanOptimization = z.object({
  /**
   * Most tokens a prompt may have (system prompt, history, the new message), by the
   * provider's tokenizer. Older turns are dropped with a marker, or folded into a summary,
   * to fit. Null: no budget beyond the last 20 messages.
   */
  contextBudgetTokens: z
    .number({ error: "must be a whole number of tokens, or null for no budget" })
    .int("must be a whole number of tokens")
    .min(MIN_CONTEXT_BUDGET_TOKENS, `must be at least ${MIN_CONTEXT_BUDGET_TOKENS} tokens`)
    .max(MAX_CONTEXT_BUDGET_TOKENS, `must be at most ${MAX_CONTEXT_BUDGET_TOKENS.toLocaleString("en-US")} tokens`)
    .nullable()
    .default(null),
  /** Collapse whitespace and boilerplate, remove repeated pasted blocks. Never changes wording. */
  losslessCompression: z.boolean().default(true),
  /**
   * Turns the budget leaves out are summarized once by the cheapest configured model, and
   * the summary is kept on the conversation and reused, instead of a "messages omitted" marker.
   * Needs a context budget. The summary call is metered like any other.
   */
  summarizeOlderTurns: z.boolean().default(false),
  routing: ZRoutingRules.default(() => ZRoutingRules.parse({})),
  /**
   * Past this share of the cost limit (costLimitUSD), every message goes to the cheaper
   * model instead of the primary; the request is refused (429) only at the limit itself.
   * Null: no degradation.
   */
  degradeAtCostPercent: z
    .number({ error: "must be a whole percentage, or null for never" })
    .int("must be a whole percentage")
    .min(1, "must be at least 1")
    .max(99, "must be at most 99 (at 100 the limit refuses)")
    .nullable()
    .default(null),
}).superRefine((value, ctx) => {
  if (value.summarizeOlderTurns && value.contextBudgetTokens === null) {
    ctx.addIssue({ code: "custom", path: ["summarizeOlderTurns"], message: "needs a context budget: summaries replace the turns the budget leaves out" });
  }
});

export type TPlanOptimization = z.infer<typeof ZPlanOptimization>;
/** What a plan config writes: every field may be left out. */
export type TPlanOptimizationInput = z.input<typeof ZPlanOptimization>;

export const DEFAULT_PLAN_OPTIMIZATION: TPlanOptimization = ZPlanOptimization.parse({});
