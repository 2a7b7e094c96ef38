import Decimal from "decimal.js";
import { describe, expect, it } from "vitest";
import { buildReservations, counterForLimit, minutePeriodOf } from "./limit-metrics";

const NOW = new Date("2026-11-25T07:21:30Z");
const estimate = {
  newConversation: true,
  estimatedInputTokens: 120,
  maxOutputTokens: 1000,
  estimatedCostUsd: new Decimal("0.01536"),
};

describe("limit -> counter", () => {
  it.each([
    ["messagesPerMonth", { counter: "messages", window: "month" }],
    ["conversationsPerMonth", { counter: "conversations", window: "month" }],
    ["tokensPerMonth", { counter: "tokens", window: "month" }],
    ["outputTokensPerMonth", { counter: "outputTokens", window: "month" }],
    ["costLimitUSD", { counter: "costUsd", window: "month" }],
    ["requestsPerMinute", { counter: "requests", window: "minute" }],
    ["integrationsEnabled", { counter: "integrationsEnabled", window: "month" }],
  ])("%s constrains %o", (limitKey, expected) => {
    expect(counterForLimit(limitKey)).toEqual(expected);
  });
});

describe("reservations of a chat request", () => {
  it("reserves one message, one new conversation, the token and cost estimates, and one request this minute", () => {
    const reservations = buildReservations(
      {
        messagesPerMonth: 500,
        conversationsPerMonth: 100,
        tokensPerMonth: 100_000,
        costLimitUSD: 5,
        requestsPerMinute: 10,
        toolCallsPerMonth: 0,
        integrationsEnabled: 0,
      },
      estimate,
      NOW,
    );
    expect(reservations).toEqual([
      { period: "2026-11", counter: "messages", limitKey: "messagesPerMonth", amount: "1", limit: "500" },
      { period: "2026-11", counter: "conversations", limitKey: "conversationsPerMonth", amount: "1", limit: "100" },
      { period: "2026-11", counter: "tokens", limitKey: "tokensPerMonth", amount: "1120", limit: "100000" },
      { period: "2026-11", counter: "costUsd", limitKey: "costLimitUSD", amount: "0.01536", limit: "5" },
      { period: minutePeriodOf(NOW), counter: "requests", limitKey: "requestsPerMinute", amount: "1", limit: "10" },
      { period: "2026-11", counter: "toolCalls", limitKey: "toolCallsPerMonth", amount: "0", limit: "0" },
    ]);
  });

  it("unlimited (null) limits reserve nothing", () => {
    expect(buildReservations({ messagesPerMonth: null, tokensPerMonth: null }, estimate, NOW)).toEqual([]);
  });

  it("continuing a conversation does not touch the conversation limit", () => {
    const reservations = buildReservations({ conversationsPerMonth: 1 }, { ...estimate, newConversation: false }, NOW);
    expect(reservations).toEqual([]);
  });

  it("a minute window is keyed by the UTC minute", () => {
    expect(minutePeriodOf(NOW)).toBe("m2026-11-25T07:21");
  });
});
