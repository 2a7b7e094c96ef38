// Which model answers a message: the client's primary model, or a cheaper one when the
// message is simple. Pure: the caller passes the plan's rules, the client's switch, its
// primary model and fallback chain, and the model catalogue in effect (listModelCatalogue).
//
// Checks in order, the first that keeps the message on the primary model decides (and
// is the reason): routing off for the plan, off for the client, tools needed, too long,
// too deep, a question type the plan does not send cheap, no cheaper model.
//
// The cheap target, first that exists and is cheaper than the primary:
//   1. the plan's explicit cheapModel;
//   2. the cheapest model of the primary's provider in the catalogue;
//   3. the cheapest model of the client's fallback chain.
// Price comparisons use a blended price per 1M tokens, input + output: a simple message's
// reply is about as long as its prompt, so the two weigh alike, and the sum only has to
// order models, not price a call. Decimal strings, compared in decimal.js, never floats.
// Ollama runs on our machines and needs no price (model-catalogue.ts): unpriced, it
// costs 0. A paid model without a price cannot be compared and is never a target; a
// primary without a price keeps every message.
import type Decimal from "decimal.js";
import { Money } from "@/server/money/money";
import type { TProviderChain } from "@/shared/plan-config";
import type { TRoutingRules } from "@/shared/routing-rules";
import type { TChatMessage, TLlmProviderName } from "../provider";
import { messageFeatures, type TMessageFeatures } from "./features";

export type TModelRef = { provider: TLlmProviderName; model: string };

/**
 * A model's price in effect, USD per 1M tokens as decimal strings (a TModelCatalogueEntry
 * fits). A retired model is never a target, though it may be the client's own primary.
 */
export type TPricedModel = { provider: string; model: string; inputPer1M: string; outputPer1M: string; retired?: boolean };

export type TRouteInput = {
  messages: readonly TChatMessage[];
  rules: TRoutingRules;
  /** The client's own switch: a client can keep every message on its primary model. */
  clientRoutingEnabled: boolean;
  primary: TModelRef;
  chain: TProviderChain;
  catalogue: readonly TPricedModel[];
};

/** The check that decided, for counting decisions; `reason` is its sentence. */
export type TRouteDecider =
  | "plan_disabled"
  | "client_disabled"
  | "needs_tools"
  | "too_long"
  | "too_deep"
  | "question_type"
  | "no_cheaper_model"
  | "simple";

export type TRouteDecision = {
  route: "primary" | "cheap";
  target: TModelRef;
  decidedBy: TRouteDecider;
  /** Short and human-readable, for the usage event: "simple: factual, 42 chars, depth 1". */
  reason: string;
  features: TMessageFeatures;
};

const sameModel = (a: { provider: string; model: string }, b: { provider: string; model: string }) => a.provider === b.provider && a.model === b.model;

/**
 * Input + output per 1M tokens; undefined for a paid model with no price, and for a retired
 * model unless it is the primary being compared against. (Retiring needs a price row, so an
 * Ollama model missing from the catalogue was never retired and is free.)
 */
function blendedPrice(ref: TModelRef, catalogue: readonly TPricedModel[], asPrimary = false): Decimal | undefined {
  const entry = catalogue.find((candidate) => sameModel(candidate, ref));
  if (entry) return entry.retired && !asPrimary ? undefined : new Money(entry.inputPer1M).plus(entry.outputPer1M);
  return ref.provider === "ollama" ? new Money(0) : undefined;
}

/** The cheapest of `candidates` strictly cheaper than `ceiling`; ties go to the earlier candidate. */
function cheapestBelow(candidates: readonly TModelRef[], catalogue: readonly TPricedModel[], ceiling: Decimal) {
  let best: { ref: TModelRef; price: Decimal } | undefined;
  for (const ref of candidates) {
    const price = blendedPrice(ref, catalogue);
    if (price && price.lessThan(ceiling) && (!best || price.lessThan(best.price))) best = { ref, price };
  }
  return best?.ref;
}

/** The cheap target for a simple message, or undefined when nothing priced is cheaper than the primary. */
export function chooseCheapModel(input: Pick<TRouteInput, "rules" | "primary" | "chain" | "catalogue">): TModelRef | undefined {
  const { rules, primary, chain, catalogue } = input;
  const primaryPrice = blendedPrice(primary, catalogue, true);
  if (!primaryPrice) return undefined;
  if (rules.cheapModel) {
    const explicit = cheapestBelow([rules.cheapModel], catalogue, primaryPrice);
    if (explicit) return explicit;
  }
  // Sorted by name so that ties between equally priced models do not depend on the catalogue's order.
  const sameProvider = catalogue
    .filter((entry) => entry.provider === primary.provider && entry.model !== primary.model)
    .map((entry) => ({ provider: primary.provider, model: entry.model }))
    .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  return cheapestBelow(sameProvider, catalogue, primaryPrice) ?? cheapestBelow(chain, catalogue, primaryPrice);
}

const describeModel = (ref: TModelRef) => `${ref.provider}/${ref.model}`;

export function routeMessage(input: TRouteInput): TRouteDecision {
  const { rules, primary } = input;
  const features = messageFeatures(input.messages);
  const keep = (decidedBy: TRouteDecider, reason: string): TRouteDecision => ({ route: "primary", target: primary, decidedBy, reason: `kept: ${reason}`, features });

  if (!rules.enabled) return keep("plan_disabled", "routing disabled for the plan");
  if (!input.clientRoutingEnabled) return keep("client_disabled", "routing switched off for the client");
  if (features.needsTools) return keep("needs_tools", `needs tools (${features.toolIntent})`);
  if (features.chars > rules.maxChars) return keep("too_long", `long (${features.chars} chars > ${rules.maxChars})`);
  if (features.depth > rules.maxDepth) return keep("too_deep", `deep conversation (depth ${features.depth} > ${rules.maxDepth})`);
  if (!rules.cheapQuestionTypes.includes(features.questionType)) {
    return keep("question_type", `${features.questionType} question (${features.questionRule})`);
  }
  const simple = `${features.questionType}, ${features.chars} chars, depth ${features.depth}`;
  const target = chooseCheapModel(input);
  if (!target) return keep("no_cheaper_model", `no cheaper model (simple: ${simple})`);
  return { route: "cheap", target, decidedBy: "simple", reason: `simple: ${simple} -> ${describeModel(target)}`, features };
}
