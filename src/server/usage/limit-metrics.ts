// Which usage counter a plan limit constrains, and what a chat request reserves
// against each limit before the provider is called. Pure: no I/O.
//
// Naming rule (generic, so new limits need no code): a limit `<counter>PerMonth`
// constrains the monthly counter `<counter>`; `costLimitUSD` the monthly `costUsd`;
// `requestsPerMinute` the per-minute `requests` counter. The chat path meters the
// counters in CHAT_METERED_COUNTERS; a limit on any other counter (say
// `integrationsEnabled`) is enforced by the feature that counts it, with checkLimit.
import Decimal from "decimal.js";
import { periodOf } from "./period";

export const CHAT_METERED_COUNTERS = [
  "messages",
  "conversations",
  "tokens",
  "inputTokens",
  "outputTokens",
  "toolCalls",
  "costUsd",
  "requests",
] as const;
export type TChatCounter = (typeof CHAT_METERED_COUNTERS)[number];

export type TLimitCounter = { counter: string; window: "month" | "minute" };

export function counterForLimit(limitKey: string): TLimitCounter {
  if (limitKey === "costLimitUSD") return { counter: "costUsd", window: "month" };
  if (limitKey === "requestsPerMinute") return { counter: "requests", window: "minute" };
  const monthly = /^(.+)PerMonth$/.exec(limitKey);
  return { counter: monthly ? monthly[1]! : limitKey, window: "month" };
}

/** Per-minute windows share the counter table under their own period key, e.g. 'm2026-11-25T07:21'. */
export function minutePeriodOf(date: Date): string {
  return `m${date.toISOString().slice(0, 16)}`;
}

export function isChatCounter(counter: string): counter is TChatCounter {
  return (CHAT_METERED_COUNTERS as readonly string[]).includes(counter);
}

export type TReservation = { period: string; counter: string; limitKey: string; amount: string; limit: string };

export type TReservationEstimate = {
  newConversation: boolean;
  /** Prompt tokens estimated before the call, plus the most the reply may use. */
  estimatedInputTokens: number;
  maxOutputTokens: number;
  /** USD, from the model's price at the estimated tokens. */
  estimatedCostUsd: Decimal;
};

/** Amount a request reserves on a counter; null when the request does not touch it. */
function reservedAmount(counter: TChatCounter, estimate: TReservationEstimate): Decimal | null {
  switch (counter) {
    case "messages":
    case "requests":
      return new Decimal(1);
    case "conversations":
      // Continuing a conversation never counts against (or is blocked by) the conversation limit.
      return estimate.newConversation ? new Decimal(1) : null;
    case "tokens":
      return new Decimal(estimate.estimatedInputTokens + estimate.maxOutputTokens);
    case "inputTokens":
      return new Decimal(estimate.estimatedInputTokens);
    case "outputTokens":
      return new Decimal(estimate.maxOutputTokens);
    case "costUsd":
      return estimate.estimatedCostUsd;
    case "toolCalls":
      // Known only after the call: reserve nothing, but refuse once usage has reached the
      // limit. A limit of 0 (a plan without tools) never blocks a chat by itself.
      return new Decimal(0);
  }
}

/** The reservations a chat request makes: one per limited, chat-metered counter. */
export function buildReservations(
  limits: Record<string, number | null>,
  estimate: TReservationEstimate,
  now: Date,
): TReservation[] {
  const reservations: TReservation[] = [];
  for (const [limitKey, limit] of Object.entries(limits)) {
    if (limit === null || limit === undefined) continue;
    const { counter, window } = counterForLimit(limitKey);
    if (!isChatCounter(counter)) continue;
    const amount = reservedAmount(counter, estimate);
    if (amount === null) continue;
    reservations.push({
      period: window === "month" ? periodOf(now) : minutePeriodOf(now),
      counter,
      limitKey,
      amount: amount.toString(),
      limit: new Decimal(limit).toString(),
    });
  }
  return reservations;
}

/** What a finished call adds to each monthly counter. */
export function actualUsage(call: {
  newConversation: boolean;
  /** False for a call that answers no user message (a conversation summary). Default true. */
  countsAsMessage?: boolean;
  inputTokens: number;
  outputTokens: number;
  toolCallCount: number;
  costUsd: Decimal;
}): Record<Exclude<TChatCounter, "requests">, Decimal> {
  return {
    messages: new Decimal(call.countsAsMessage === false ? 0 : 1),
    conversations: new Decimal(call.newConversation ? 1 : 0),
    tokens: new Decimal(call.inputTokens + call.outputTokens),
    inputTokens: new Decimal(call.inputTokens),
    outputTokens: new Decimal(call.outputTokens),
    toolCalls: new Decimal(call.toolCallCount),
    costUsd: call.costUsd,
  };
}
