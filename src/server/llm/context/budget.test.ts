import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { TChatMessage } from "../provider";
import { estimatePromptTokens } from "../usage-estimate";
import { fitToBudget, omittedMarker } from "./budget";
import { loadTokenizer, type TTokenizer } from "./tokenizers";

const arbMessage: fc.Arbitrary<TChatMessage> = fc.record({
  role: fc.constantFrom<TChatMessage["role"]>("system", "user", "assistant", "user", "assistant"),
  content: fc.oneof(fc.string({ maxLength: 80 }), fc.lorem({ maxCount: 60 }), fc.string({ unit: "grapheme", maxLength: 40 })),
});
const arbConversation = fc.array(arbMessage, { maxLength: 30 });

function lastUserMessage(messages: readonly TChatMessage[]): TChatMessage | undefined {
  return messages.findLast((message) => message.role === "user");
}

/** Every rule of a fit, checked against the conversation it came from. */
function checkFit(original: readonly TChatMessage[], budgetTokens: number, count: (m: readonly TChatMessage[]) => number) {
  const fit = fitToBudget(original, { budgetTokens, count });
  const originals = new Set(original);
  const kept = fit.messages.filter((message) => originals.has(message));
  const notes = fit.messages.filter((message) => !originals.has(message));

  expect(fit.tokensBefore).toBe(count(original));
  expect(fit.tokensAfter).toBe(count(fit.messages));
  if (!fit.overBudget) expect(fit.tokensAfter).toBeLessThanOrEqual(budgetTokens);
  else expect(fit.tokensAfter).toBeGreaterThan(budgetTokens);
  // Kept messages are the originals themselves (content untouched), in their order.
  expect(kept).toEqual(original.filter((message) => kept.includes(message)));
  expect(kept.length + fit.dropped).toBe(original.length);
  // droppedIndexes name exactly the originals left out (what gets summarized).
  expect(fit.droppedIndexes.map((index) => original[index])).toEqual(original.filter((message) => !kept.includes(message)));
  for (const message of original) if (message.role === "system") expect(kept).toContain(message);
  const lastUser = lastUserMessage(original);
  if (lastUser) expect(kept).toContain(lastUser);
  // One note, exactly when something was dropped, and it says how much.
  if (fit.dropped === 0) expect(notes).toEqual([]);
  else expect(notes).toEqual([{ role: "system", content: omittedMarker(fit.dropped) }]);
  expect(fit.marker).toBe(fit.dropped === 0 ? undefined : omittedMarker(fit.dropped));
  // Over budget only once nothing more could go: every other message was dropped.
  if (fit.overBudget) {
    const current = lastUser ? original.indexOf(lastUser) : original.length;
    const droppable = original.filter((message, index) => message.role !== "system" && index < current);
    expect(fit.dropped).toBe(droppable.length);
  }
  return fit;
}

describe("fitting a conversation into a token budget", () => {
  it("a prompt within the budget is sent as it is", () => {
    const messages: TChatMessage[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ];
    const fit = fitToBudget(messages, { budgetTokens: 100, count: estimatePromptTokens });
    expect(fit).toEqual({ messages, tokensBefore: 12, tokensAfter: 12, dropped: 0, droppedIndexes: [], overBudget: false });
  });

  it("older turns go whole, oldest first, replaced by one note that counts against the budget", () => {
    const system: TChatMessage = { role: "system", content: "Be brief." };
    const turns: TChatMessage[] = [
      { role: "user", content: "a".repeat(40) },
      { role: "assistant", content: "b".repeat(40) },
      { role: "user", content: "c".repeat(40) },
      { role: "assistant", content: "d".repeat(40) },
    ];
    const last: TChatMessage = { role: "user", content: "And now?" };
    const messages = [system, ...turns, last];
    const budgetTokens = estimatePromptTokens([system, turns[2]!, turns[3]!, last, { role: "system", content: omittedMarker(2) }]);
    const fit = fitToBudget(messages, { budgetTokens, count: estimatePromptTokens });
    expect(fit.messages).toEqual([system, { role: "system", content: "[2 earlier messages omitted to fit the context budget]" }, turns[2], turns[3], last]);
    expect(fit).toMatchObject({ dropped: 2, tokensAfter: budgetTokens, overBudget: false });
    expect(fit.tokensBefore).toBeGreaterThan(budgetTokens);
  });

  it("when the system prompt and the last user message alone exceed the budget, they are returned, flagged", () => {
    const messages: TChatMessage[] = [
      { role: "system", content: "s".repeat(400) },
      { role: "user", content: "old question" },
      { role: "user", content: "u".repeat(400) },
    ];
    const fit = fitToBudget(messages, { budgetTokens: 50, count: estimatePromptTokens });
    expect(fit.messages).toEqual([messages[0], { role: "system", content: "[1 earlier message omitted to fit the context budget]" }, messages[2]]);
    expect(fit).toMatchObject({ dropped: 1, overBudget: true });
  });

  it("never exceeds the budget unless flagged, and keeps every system message, the last user message and the order", () => {
    fc.assert(
      fc.property(arbConversation, fc.nat({ max: 600 }), (messages, budgetTokens) => {
        checkFit(messages, budgetTokens, estimatePromptTokens);
      }),
      { numRuns: 500 },
    );
  });

  it("holds for a counter that is not additive (a count that grows faster than its messages)", () => {
    const superlinear = (messages: readonly TChatMessage[]) => {
      const base = estimatePromptTokens(messages);
      return base + Math.floor((base * base) / 500);
    };
    fc.assert(
      fc.property(arbConversation, fc.nat({ max: 900 }), (messages, budgetTokens) => {
        checkFit(messages, budgetTokens, superlinear);
      }),
      { numRuns: 300 },
    );
  });

  describe("with a real tokenizer", () => {
    let tokenizer: TTokenizer;
    beforeAll(async () => {
      tokenizer = await loadTokenizer("openai", "gpt-4o");
    });

    it("the same rules hold with OpenAI's counts", () => {
      fc.assert(
        fc.property(arbConversation, fc.nat({ max: 600 }), (messages, budgetTokens) => {
          checkFit(messages, budgetTokens, (prompt) => tokenizer.countPromptTokens(prompt));
        }),
        { numRuns: 200 },
      );
    });
  });
});
