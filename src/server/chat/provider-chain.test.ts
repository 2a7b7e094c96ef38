import { describe, expect, it } from "vitest";
import { resolveProviderChain } from "./provider-chain";

const plan = { key: "pro", version: 1, limits: {}, upgradeMessage: "", upgradeUrl: null, alertThresholds: [80, 100], features: { llmProvider: "anthropic", llmModel: "claude-sonnet-5-5" } };

describe("provider chain", () => {
  it("the plan's default provider answers when the client has no override", () => {
    expect(resolveProviderChain({ override: null, fallbackChain: [], plan })).toEqual([{ provider: "anthropic", model: "claude-sonnet-5-5" }]);
  });

  it("a client override comes first, then its fallback chain, without repeats", () => {
    expect(
      resolveProviderChain({
        override: { provider: "openai", model: "gpt-4o" },
        fallbackChain: [
          { provider: "openai", model: "gpt-4o" },
          { provider: "ollama", model: "llama3.2" },
        ],
        plan,
      }),
    ).toEqual([
      { provider: "openai", model: "gpt-4o" },
      { provider: "ollama", model: "llama3.2" },
    ]);
  });

  it("an override without a model takes the plan's model for the same provider, else the provider's default", () => {
    expect(resolveProviderChain({ override: { provider: "anthropic", model: null }, fallbackChain: [], plan })[0]).toEqual({
      provider: "anthropic",
      model: "claude-sonnet-5-5",
    });
    expect(resolveProviderChain({ override: { provider: "openai", model: null }, fallbackChain: [], plan })[0]).toEqual({
      provider: "openai",
      model: "gpt-4o-mini",
    });
  });
});
