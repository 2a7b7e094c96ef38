import { describe, expect, it } from "vitest";
import type { TChatMessage } from "../provider";
import { estimateTokens } from "../usage-estimate";
import { messageFeatures } from "./features";
import { LABELLED_MESSAGES } from "./labelled-messages";

const one = (content: string): TChatMessage[] => [{ role: "user", content }];

describe("message features", () => {
  it("measures the last user message and counts user turns as depth", () => {
    const messages: TChatMessage[] = [
      { role: "system", content: "You are the support assistant of a shop." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello! How can I help?" },
      { role: "user", content: "  Do you ship to Canada?  " },
    ];
    const features = messageFeatures(messages);
    expect(features).toMatchObject({ chars: "Do you ship to Canada?".length, depth: 2, questionType: "factual", needsTools: false, hasCode: false });
    expect(features.estimatedTokens).toBe(estimateTokens("Do you ship to Canada?"));
  });

  it("a conversation without a user message has depth 0 and an empty current message", () => {
    expect(messageFeatures([{ role: "system", content: "x" }])).toMatchObject({ chars: 0, depth: 0, questionType: "other", needsTools: false });
  });

  it.each([
    ["Hello, anyone there?", "greeting"],
    ["Hi, what are your opening hours?", "factual"],
    ["How do I reset my password?", "how_to"],
    ["Why does the invoice show two lines?", "reasoning"],
    ["Compare Starter and Pro", "reasoning"],
    ["Walk me through the setup step by step", "multi_step"],
    ["- export the data\n- close the account", "multi_step"],
    ["Is it monthly? Is it per seat? Can I pay by card?", "multi_step"],
    ["Hello?? anyone there??", "greeting"],
    ["```ts\nconst a = 1;\n```", "code"],
    ["Debug this function for me", "code"],
    ["I see.", "other"],
  ])("%j is a %s question", (text, type) => {
    expect(messageFeatures(one(text)).questionType).toBe(type);
  });

  it.each([
    ["Where is my order?", "order lookup"],
    ["order 48213 please", "order lookup"],
    ["Book a table for two", "booking"],
    ["I need to reschedule", "booking"],
    ["Please cancel my plan", "cancellation"],
    ["refund my last purchase", "refund request"],
    ["check the status please", "status check"],
    ["Could you change the delivery address", "account change"],
    ["what is my balance", "account data"],
    ["look up the opening times in Lyon", "search"],
    ["see www.example.com", "link"],
    ["ticket #12345", "reference id"],
    ["BK-48213", "reference id"],
  ])("%j needs tools (%s)", (text, intent) => {
    expect(messageFeatures(one(text))).toMatchObject({ needsTools: true, toolIntent: intent });
  });

  it("a follow-up to a tool request needs tools; a closing one does not", () => {
    const prior: TChatMessage[] = [
      { role: "user", content: "Please cancel my booking" },
      { role: "assistant", content: "Which one?" },
    ];
    expect(messageFeatures([...prior, { role: "user", content: "the Saturday one" }])).toMatchObject({ needsTools: true, toolIntent: "follows a tool request" });
    expect(messageFeatures([...prior, { role: "user", content: "ok thanks, bye" }]).needsTools).toBe(false);
  });

  it("costs well under 0.05 ms per message (printed, not asserted)", () => {
    const conversations = LABELLED_MESSAGES.map(({ text, prior }) => [...(prior ?? []), { role: "user" as const, content: text }]);
    for (const conversation of conversations) messageFeatures(conversation); // warm up the regular expressions
    const rounds = 200;
    const start = process.hrtime.bigint();
    for (let round = 0; round < rounds; round += 1) for (const conversation of conversations) messageFeatures(conversation);
    const perMessageMs = Number(process.hrtime.bigint() - start) / 1e6 / (rounds * conversations.length);
    console.log(`messageFeatures: ${perMessageMs.toFixed(4)} ms per message (${rounds * conversations.length} calls)`);
    expect(perMessageMs).toBeGreaterThan(0);
  });
});
