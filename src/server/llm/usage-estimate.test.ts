import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadTokenizer } from "./context/tokenizers";
import { countToolCall, type TToolCallCounts } from "./provider";
import {
  MESSAGE_OVERHEAD_TOKENS,
  completeUsage,
  estimatePromptTokens,
  estimateTokens,
  readTokenCount,
} from "./usage-estimate";

describe("token estimate", () => {
  it.each([
    ["", 0],
    ["abcd", 1],
    ["abcde", 2],
    ["Hello, world!", 4],
    ["héllo", 2], // 4 ASCII -> 1, é -> 1
    ["日本語", 3],
    ["👍", 1], // one code point, two UTF-16 units
    ["ok 👍👍", 3],
  ])("%j is about %i tokens", (text, tokens) => {
    expect(estimateTokens(text)).toBe(tokens);
  });

  it("any produced text estimates to at least one token", () => {
    fc.assert(fc.property(fc.string({ minLength: 1, unit: "grapheme" }), (text) => estimateTokens(text) >= 1));
  });

  it("more text never estimates to fewer tokens, and concatenation never costs more than its parts", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        const whole = estimateTokens(a + b);
        return whole >= estimateTokens(a) && whole <= estimateTokens(a) + estimateTokens(b);
      }),
    );
  });

  it("a prompt costs its messages plus a fixed overhead per message", () => {
    const messages = [
      { role: "system" as const, content: "abcdefgh" },
      { role: "user" as const, content: "abcd" },
    ];
    expect(estimatePromptTokens(messages)).toBe(2 + 1 + 2 * MESSAGE_OVERHEAD_TOKENS);
    expect(estimatePromptTokens([])).toBe(0);
  });

  it("with the model's tokenizer, a prompt costs what that tokenizer counts", async () => {
    const messages = [{ role: "user" as const, content: "hello world" }];
    expect(estimatePromptTokens(messages, await loadTokenizer("openai", "gpt-4o"))).toBe(3 + 3 + 1 + 2);
    expect(estimatePromptTokens(messages, { countPromptTokens: () => 42 })).toBe(42);
  });
});

describe("completing reported usage", () => {
  const prompt = [{ role: "user" as const, content: "abcdefgh" }]; // 2 + overhead

  it("provider figures are kept as reported and not marked estimated", () => {
    expect(completeUsage({ inputTokens: 10, cachedInputTokens: 4, outputTokens: 7 }, prompt, "whatever")).toEqual({
      inputTokens: 10,
      cachedInputTokens: 4,
      outputTokens: 7,
      estimated: false,
    });
  });

  it("a missing output count is estimated from the produced text", () => {
    expect(completeUsage({ inputTokens: 10 }, prompt, "abcdefghi")).toEqual({
      inputTokens: 10,
      cachedInputTokens: 0,
      outputTokens: 3,
      estimated: true,
    });
  });

  it("a missing input count is estimated from the prompt", () => {
    const usage = completeUsage({ outputTokens: 5 }, prompt, "");
    expect(usage).toEqual({ inputTokens: 2 + MESSAGE_OVERHEAD_TOKENS, cachedInputTokens: 0, outputTokens: 5, estimated: true });
  });

  it("cached tokens never exceed the input they are part of", () => {
    expect(completeUsage({ inputTokens: 3, cachedInputTokens: 9, outputTokens: 1 }, prompt, "").cachedInputTokens).toBe(3);
  });

  it.each([[-1], [1.5], [Number.NaN], ["3"], [null], [undefined]])("%j is not a token count", (value) => {
    expect(readTokenCount(value)).toBeUndefined();
  });
});

describe("tool call counts", () => {
  it("counts calls per name, including names that shadow Object.prototype", () => {
    const counts: TToolCallCounts = {};
    for (const name of ["lookup", "constructor", "lookup", "__proto__", "toString"]) countToolCall(counts, name);
    expect(Object.entries(counts)).toEqual([
      ["lookup", 2],
      ["constructor", 1],
      ["__proto__", 1],
      ["toString", 1],
    ]);
    expect(Object.getPrototypeOf(counts)).toBe(Object.prototype);
  });
});
