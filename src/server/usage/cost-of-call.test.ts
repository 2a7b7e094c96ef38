import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { costOfCall } from "./cost-of-call";

const sonnet = { inputPer1M: "3", outputPer1M: "15", cachedInputPer1M: "0.3" };

describe("cost of an LLM call", () => {
  it.each([
    [{ inputTokens: 1_000_000, cachedInputTokens: 0, outputTokens: 0 }, "3"],
    [{ inputTokens: 0, cachedInputTokens: 0, outputTokens: 1_000_000 }, "15"],
    [{ inputTokens: 1200, cachedInputTokens: 1000, outputTokens: 350 }, "0.00615"],
    [{ inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 }, "0.000018"],
  ])("%o costs %s USD at 3/15/0.30 per 1M", (usage, expected) => {
    expect(costOfCall(sonnet, usage).toString()).toBe(expected);
  });

  it("cached tokens fall back to the input price when the model has no cached price", () => {
    const price = { inputPer1M: "2.5", outputPer1M: "10", cachedInputPer1M: null };
    expect(costOfCall(price, { inputTokens: 100, cachedInputTokens: 100, outputTokens: 0 }).toString()).toBe("0.00025");
  });

  it("a model without a price (local Ollama) costs nothing", () => {
    expect(costOfCall(null, { inputTokens: 500, cachedInputTokens: 0, outputTokens: 500 }).isZero()).toBe(true);
  });

  it("is exact: the cost of two calls is the cost of their sum (no float drift)", () => {
    const tokens = fc.integer({ min: 0, max: 5_000_000 });
    fc.assert(
      fc.property(tokens, tokens, tokens, tokens, (a, b, c, d) => {
        const split = costOfCall(sonnet, { inputTokens: a, cachedInputTokens: 0, outputTokens: b }).plus(
          costOfCall(sonnet, { inputTokens: c, cachedInputTokens: 0, outputTokens: d }),
        );
        const whole = costOfCall(sonnet, { inputTokens: a + c, cachedInputTokens: 0, outputTokens: b + d });
        return split.equals(whole);
      }),
    );
  });
});
