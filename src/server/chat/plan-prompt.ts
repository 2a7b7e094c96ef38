// What a chat request sends and to whom, from the plan's cost settings (ZPlanOptimization):
//
// 1. Which model answers first. Past the plan's share of the cost limit every message
//    goes to the cheaper model ("degraded"); otherwise the router sends simple messages
//    there ("cheap") and keeps the rest on the primary model, each with its reason.
// 2. The prompt, counted by that model's tokenizer: the conversation's summary in place of
//    the turns it stands for (when the plan summarizes), lossless compression (whitespace,
//    repeated pasted blocks), then the context budget, which leaves out the oldest turns
//    whole with a marker. A current turn that alone exceeds the budget is refused
//    (PROMPT_OVER_BUDGET) rather than cut. Turns left out are handed back for summarizing.
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
import { summaryMessage } from "./conversation-summary";
import type { TConversationSummary, TStoredMessage } from "./load-chat-context";

export type TRoute = "primary" | "cheap" | "degraded";

export type TPromptPlanInput = {
  /** Earlier messages of the conversation, oldest first. */
  history: readonly TStoredMessage[];
  /** The conversation's summary of its older turns; used when the plan summarizes. */
  summary: TConversationSummary | null;
  message: string;
  optimization: TPlanOptimization;
  /** The client's switch (or the experiment variant's). */
  routingEnabled: boolean;
  primary: TModelRef;
  /** The client's fallback chain, in order. */
  fallbacks: TProviderChain;
  /** Prices in effect, retired models flagged (never chosen by routing, degradation or summaries). */
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
  /** Stored messages the conversation's summary stood for in this prompt. */
  summarized: number;
  /**
   * When the plan summarizes and the budget left stored turns out: what to fold into the
   * conversation's summary after this reply (conversation-summary.ts), and by which model:
   * the cheapest configured one.
   */
  toSummarize: { messages: TStoredMessage[]; model: TModelRef } | null;
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

const asMessage = ({ role, content }: TChatMessage): TChatMessage => ({ role, content });

/** The history to send: with a summary, the messages it stands for are replaced by it. */
function withSummary(input: TPromptPlanInput): { prefix: TChatMessage[]; recent: readonly TStoredMessage[] } {
  if (!input.optimization.summarizeOlderTurns || !input.summary) return { prefix: [], recent: input.history };
  const upTo = Date.parse(input.summary.upTo);
  return { prefix: [summaryMessage(input.summary.text)], recent: input.history.filter((message) => Date.parse(message.at) > upTo) };
}

export async function planPrompt(input: TPromptPlanInput): Promise<TPromptPlan> {
  const current: TChatMessage = { role: "user", content: input.message };
  const unoptimized: TChatMessage[] = [...input.history.map(asMessage), current];
  const routed = chooseRoute(input, unoptimized);
  const first = routed.chain[0]!;
  const tokenizer = await loadTokenizer(first.provider, first.model);
  const count = (messages: readonly TChatMessage[]) => tokenizer.countPromptTokens(messages);

  const promptTokensBefore = count(unoptimized);
  const { prefix, recent } = withSummary(input);
  const original: TChatMessage[] = prefix.length === 0 ? unoptimized : [...prefix, ...recent.map(asMessage), current];
  let messages = original;
  let promptTokensAfter = promptTokensBefore;
  if (input.optimization.losslessCompression) {
    const compressed = compressLosslessly(original, { count });
    messages = compressed.messages;
    promptTokensAfter = compressed.tokensAfter;
  } else if (original !== unoptimized) promptTokensAfter = count(original);
  let dropped = 0;
  let droppedStored: TStoredMessage[] = [];
  const budget = input.optimization.contextBudgetTokens;
  if (budget !== null && promptTokensAfter > budget) {
    const fit = fitToBudget(messages, { budgetTokens: budget, count });
    // The summary itself may not fit beside a long message: then the turns go without it.
    // Nothing is summarized again then: the turns it left out are mostly the summary's own.
    if (fit.overBudget && prefix.length > 0) return { ...(await planPrompt({ ...input, summary: null })), toSummarize: null };
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
    // Compression keeps one message per message, so indexes into `original` hold; the
    // prefix (a summary) is a system message, which the budget never leaves out.
    droppedStored = fit.droppedIndexes.map((index) => recent[index - prefix.length]!);
  }
  const summarize = input.optimization.summarizeOlderTurns && droppedStored.length > 0;
  return {
    ...routed,
    messages,
    promptTokensBefore,
    promptTokensAfter,
    dropped,
    summarized: input.history.length - recent.length,
    toSummarize: summarize ? { messages: droppedStored, model: summaryModel(input) } : null,
  };
}

/** The cheapest configured model: the router's cheap choice, else the primary. */
function summaryModel(input: TPromptPlanInput): TModelRef {
  return chooseCheapModel({ rules: input.optimization.routing, primary: input.primary, chain: input.fallbacks, catalogue: input.catalogue }) ?? input.primary;
}
