// The plan editor's LLM cost settings (PlanConfig.optimization) as the inputs hold them,
// and the two conversions around them. Numbers stay text while typed; an empty budget or
// degrade field is null ("no budget", "never"), anything else that is not a number reaches
// the server as NaN so that its message names the field. Pure: no React, no I/O.
import { DEFAULT_PLAN_OPTIMIZATION, type TPlanOptimization, type TPlanOptimizationInput } from "@/shared/plan-optimization";
import { QUESTION_TYPES, type TQuestionType } from "@/shared/routing-rules";
import type { TLlmProvider } from "@/shared/llm-providers";

export type TCheapModel = { provider: TLlmProvider; model: string };

export type TOptimizationFormState = {
  /** Tokens; "" = no budget. */
  contextBudgetTokens: string;
  losslessCompression: boolean;
  summarizeOlderTurns: boolean;
  routingEnabled: boolean;
  maxChars: string;
  maxDepth: string;
  /** In the order the plan stored them; a toggle puts them in QUESTION_TYPES order. */
  cheapQuestionTypes: TQuestionType[];
  /** null: the router picks the cheapest priced model itself. */
  cheapModel: TCheapModel | null;
  /** Percent of costLimitUSD; "" = never degrade. */
  degradeAtCostPercent: string;
};

/** The parse of a number field the plan form uses everywhere ("1,000" -> 1000, "abc" -> NaN). */
type TParseNumber = (text: string) => number;

export function optimizationToFormState(optimization: TPlanOptimization): TOptimizationFormState {
  const { routing } = optimization;
  return {
    contextBudgetTokens: optimization.contextBudgetTokens === null ? "" : String(optimization.contextBudgetTokens),
    losslessCompression: optimization.losslessCompression,
    summarizeOlderTurns: optimization.summarizeOlderTurns,
    routingEnabled: routing.enabled,
    maxChars: String(routing.maxChars),
    maxDepth: String(routing.maxDepth),
    cheapQuestionTypes: [...routing.cheapQuestionTypes],
    cheapModel: routing.cheapModel ? { ...routing.cheapModel } : null,
    degradeAtCostPercent: optimization.degradeAtCostPercent === null ? "" : String(optimization.degradeAtCostPercent),
  };
}

/** What a new plan starts with: the schema's defaults (only lossless compression on). */
export function defaultOptimizationFormState(): TOptimizationFormState {
  return optimizationToFormState(DEFAULT_PLAN_OPTIMIZATION);
}

export function formStateToOptimization(state: TOptimizationFormState, parseNumber: TParseNumber): TPlanOptimizationInput {
  const nullable = (text: string) => (text.trim() === "" ? null : parseNumber(text));
  return {
    contextBudgetTokens: nullable(state.contextBudgetTokens),
    losslessCompression: state.losslessCompression,
    summarizeOlderTurns: state.summarizeOlderTurns,
    routing: {
      enabled: state.routingEnabled,
      maxChars: parseNumber(state.maxChars),
      maxDepth: parseNumber(state.maxDepth),
      cheapQuestionTypes: [...state.cheapQuestionTypes],
      neverWhenTools: true,
      cheapModel: state.cheapModel ? { provider: state.cheapModel.provider, model: state.cheapModel.model.trim() } : undefined,
    },
    degradeAtCostPercent: nullable(state.degradeAtCostPercent),
  };
}

/** The question types with `type` ticked or unticked, in QUESTION_TYPES order. */
export function toggleQuestionType(types: readonly TQuestionType[], type: TQuestionType, on: boolean): TQuestionType[] {
  const chosen = new Set(types);
  if (on) chosen.add(type);
  else chosen.delete(type);
  return QUESTION_TYPES.filter((candidate) => chosen.has(candidate));
}
