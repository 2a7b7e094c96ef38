// What a chat request sends and to whom, from the plan's cost settings (ZPlanOptimization):
//
// 1. Which model answers first. Past the plan's share of the cost limit every message
//    goes to the cheaper model ("degraded"); otherwise the router sends simple messages
//    there ("cheap") and keeps the rest on the primary model, each with its reason.
// 2. The prompt, counted by that model's tokenizer: lossless compression (whitespace,
//    repeated pasted blocks), then the context budget, which leaves out the oldest turns
//    whole with a marker. A current turn that alone exceeds the budget is refused
//    (PROMPT_OVER_BUDGET) rather than cut.
//
// The chain keeps the primary model behind a cheap choice (a cheap model that fails falls
// back to the model the client pays for), but not behind a degraded one: near the cost
// limit the dearer model is not tried. Pure apart from loading a tokenizer table on first
// use; the caller prices the chain for its reservation.
import Decimal from "decimal.js";
import { AppError } from "@/server/errors/app-error";
import { fitToBudget } from "@/server/llm/context/budget";
import { compressLosslessly } from "@/server/llm/context/lossless";
import { loadTokenizer } from "@/server/llm/context/tokenizers";
import type { TChatMessage } from "@/server/llm/provider";
import { chooseCheapModel, routeMessage, type TModelRef, type TPricedModel } from "@/server/llm/routing/route";
import type { TProviderChain } from "@/shared/plan-config";
import type { TPlanOptimization } from "@/shared/plan-optimization";

export type TRoute = "primary" | "cheap" | "degraded";

export type TPromptPlanInput = {
  /** Earlier messages of the conversation, oldest first. */
  history: readonly TChatMessage[];
  message: string;
  optimization: TPlanOptimization;
  /** The client's switch (or the experiment variant's). */
  routingEnabled: boolean;
  primary: TModelRef;
  /** The client's fallback chain, in order. */
  fallbacks: TProviderChain;
  /** Prices in effect of the models that may be chosen (retired models left out). */
  catalogue: readonly TPricedModel[];
  /** The month's cost so far (settled + reserved) against the plan's costLimitUSD; null without a limit. */
  cost: { usedUsd: string; limitUsd: string } | null;
};

export type TPromptPlan = {
  messages: TChatMessage[];
  /** The models to try, in order: the chosen one first. */
  chain: TModelRef[];
  route: TRoute;
  routeReason: string;
  /** The prompt by the first model's tokenizer, before and after compression and the budget. */
  promptTokensBefore: number;
  promptTokensAfter: number;
  /** Earlier messages left out to fit the budget. */
  dropped: number;
};

const key = (ref: TModelRef) => `${ref.provider}/${ref.model}`;

function distinct(chain: readonly TModelRef[]): TModelRef[] {
  const seen = new Set<string>();
  return chain.filter((ref) => !seen.has(key(ref)) && seen.add(key(ref)));
}

/** The degraded choice when the month's cost has reached the plan's share of its limit, else null. */
function degradedChoice(input: TPromptPlanInput): { target: TModelRef | undefined; reason: string } | null {
  const percent = input.optimization.degradeAtCostPercent;
  if (percent === null || !input.cost) return null;
  const limit = new Decimal(input.cost.limitUsd);
  if (limit.lessThanOrEqualTo(0)) return null;
  const usedPercent = new Decimal(input.cost.usedUsd).times(100).dividedBy(limit);
  if (usedPercent.lessThan(percent)) return null;
  const target = chooseCheapModel({ rules: input.optimization.routing, primary: input.primary, chain: input.fallbacks, catalogue: input.catalogue });
  const used = `${usedPercent.toDecimalPlaces(0, Decimal.ROUND_DOWN).toString()}% of the cost limit used (degrades at ${percent}%)`;
  return { target, reason: target ? `degraded: ${used} -> ${key(target)}` : `kept: ${used}, but no cheaper model` };
}

function chooseRoute(input: TPromptPlanInput, messages: readonly TChatMessage[]): Pick<TPromptPlan, "chain" | "route" | "routeReason"> {
  const degraded = degradedChoice(input);
  if (degraded?.target) {
    return { route: "degraded", routeReason: degraded.reason, chain: distinct([degraded.target, ...input.fallbacks]) };
  }
  if (degraded) return { route: "primary", routeReason: degraded.reason, chain: distinct([input.primary, ...input.fallbacks]) };
  const decision = routeMessage({
    messages,
    rules: input.optimization.routing,
    clientRoutingEnabled: input.routingEnabled,
    primary: input.primary,
    chain: input.fallbacks,
    catalogue: input.catalogue,
  });
  if (decision.route === "cheap") {
    return { route: "cheap", routeReason: decision.reason, chain: distinct([decision.target, input.primary, ...input.fallbacks]) };
  }
  return { route: "primary", routeReason: decision.reason, chain: distinct([input.primary, ...input.fallbacks]) };
}

export async function planPrompt(input: TPromptPlanInput): Promise<TPromptPlan> {
  const original: TChatMessage[] = [...input.history, { role: "user", content: input.message }];
  const routed = chooseRoute(input, original);
  const first = routed.chain[0]!;
  const tokenizer = await loadTokenizer(first.provider, first.model);
  const count = (messages: readonly TChatMessage[]) => tokenizer.countPromptTokens(messages);

  const promptTokensBefore = count(original);
  let messages = original;
  let promptTokensAfter = promptTokensBefore;
  if (input.optimization.losslessCompression) {
    const compressed = compressLosslessly(original, { count });
    messages = compressed.messages;
    promptTokensAfter = compressed.tokensAfter;
  }
  let dropped = 0;
  const budget = input.optimization.contextBudgetTokens;
  if (budget !== null && promptTokensAfter > budget) {
    const fit = fitToBudget(messages, { budgetTokens: budget, count });
    if (fit.overBudget) {
      throw new AppError("PROMPT_OVER_BUDGET", `The message is longer than the plan's context budget (${fit.tokensAfter} tokens > ${budget}); send a shorter message.`, {
        field: "message",
        promptTokens: fit.tokensAfter,
        budgetTokens: budget,
      });
    }
    messages = fit.messages;
    promptTokensAfter = fit.tokensAfter;
    dropped = fit.dropped;
  }
  return { ...routed, messages, promptTokensBefore, promptTokensAfter, dropped };
}
