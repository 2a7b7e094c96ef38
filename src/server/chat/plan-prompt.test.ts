import { describe, expect, it } from "vitest";
import { ZPlanOptimization, type TPlanOptimizationInput } from "@/shared/plan-optimization";
import { loadTokenizer } from "@/server/llm/context/tokenizers";
import { AppError } from "@/server/errors/app-error";
import { planPrompt, type TPromptPlanInput } from "./plan-prompt";
import { summaryMessage } from "./conversation-summary";
import type { TStoredMessage } from "./load-chat-context";

const CATALOGUE = [
  { provider: "openai", model: "gpt-4o", inputPer1M: "2.5", outputPer1M: "10" },
  { provider: "openai", model: "gpt-4o-mini", inputPer1M: "0.15", outputPer1M: "0.6" },
  { provider: "anthropic", model: "claude-sonnet-5-5", inputPer1M: "3", outputPer1M: "15" },
];

const at = (minute: number) => new Date(Date.UTC(2026, 10, 30, 12, minute)).toISOString();

/** A conversation of `turns` question/answer pairs, a minute apart, each about `words` words. */
function history(turns: number, words = 60): TStoredMessage[] {
  return Array.from({ length: turns }, (_, turn) => [
    { role: "user" as const, content: `Question ${turn}: ${"shipping ".repeat(words)}`.trim(), at: at(turn * 2) },
    { role: "assistant" as const, content: `Answer ${turn}: ${"returns ".repeat(words)}`.trim(), at: at(turn * 2 + 1) },
  ]).flat();
}

function input(overrides: Partial<Omit<TPromptPlanInput, "optimization">> & { optimization?: TPlanOptimizationInput } = {}): TPromptPlanInput {
  return {
    history: [],
    summary: null,
    message: "Can I change my delivery address?",
    routingEnabled: true,
    primary: { provider: "openai", model: "gpt-4o" },
    fallbacks: [{ provider: "anthropic", model: "claude-sonnet-5-5" }],
    catalogue: CATALOGUE,
    cost: null,
    ...overrides,
    optimization: ZPlanOptimization.parse(overrides.optimization ?? {}),
  };
}

describe("planning a chat prompt", () => {
  it("without settings sends the history and the message as they are, on the primary model then the fallbacks", async () => {
    const conversation = history(2);
    const plan = await planPrompt(input({ history: conversation, optimization: { losslessCompression: false } }));
    expect(plan.messages).toEqual([...conversation.map(({ role, content }) => ({ role, content })), { role: "user", content: "Can I change my delivery address?" }]);
    expect(plan.chain).toEqual([{ provider: "openai", model: "gpt-4o" }, { provider: "anthropic", model: "claude-sonnet-5-5" }]);
    expect(plan).toMatchObject({ route: "primary", routeReason: "kept: routing disabled for the plan", dropped: 0, toSummarize: null });
    const tokenizer = await loadTokenizer("openai", "gpt-4o");
    expect(plan.promptTokensBefore).toBe(tokenizer.countPromptTokens(plan.messages));
    expect(plan.promptTokensAfter).toBe(plan.promptTokensBefore);
  });

  it("routes a simple message to the cheaper model and keeps the primary behind it", async () => {
    const plan = await planPrompt(input({ message: "What are your opening hours?", optimization: { routing: { enabled: true } } }));
    expect(plan.route).toBe("cheap");
    expect(plan.chain).toEqual([
      { provider: "openai", model: "gpt-4o-mini" },
      { provider: "openai", model: "gpt-4o" },
      { provider: "anthropic", model: "claude-sonnet-5-5" },
    ]);
  });

  it("degrades at the plan's share of the cost limit, without the dearer primary behind the cheap model", async () => {
    const below = await planPrompt(input({ cost: { usedUsd: "79.99", limitUsd: "100" }, optimization: { degradeAtCostPercent: 80 } }));
    expect(below.route).toBe("primary");
    const at80 = await planPrompt(input({ cost: { usedUsd: "80", limitUsd: "100" }, optimization: { degradeAtCostPercent: 80 } }));
    expect(at80).toMatchObject({ route: "degraded", routeReason: "degraded: 80% of the cost limit used (degrades at 80%) -> openai/gpt-4o-mini" });
    expect(at80.chain).toEqual([{ provider: "openai", model: "gpt-4o-mini" }, { provider: "anthropic", model: "claude-sonnet-5-5" }]);
    // Nothing cheaper: kept, and the reason says why.
    const cheapest = await planPrompt(
      input({ primary: { provider: "openai", model: "gpt-4o-mini" }, fallbacks: [], cost: { usedUsd: "95", limitUsd: "100" }, optimization: { degradeAtCostPercent: 80 } }),
    );
    expect(cheapest).toMatchObject({ route: "primary", routeReason: "kept: 95% of the cost limit used (degrades at 80%), but no cheaper model" });
    // No degradation without a setting, or without a limit.
    expect((await planPrompt(input({ cost: { usedUsd: "99", limitUsd: "100" } }))).route).toBe("primary");
    expect((await planPrompt(input({ optimization: { degradeAtCostPercent: 50 } }))).route).toBe("primary");
  });

  it("never picks a retired model, not even a free Ollama one, while a retired primary still answers and routes", async () => {
    const catalogue = [
      ...CATALOGUE.map((price) => (price.model === "gpt-4o-mini" ? { ...price, retired: true } : price)),
      { provider: "ollama", model: "llama2", inputPer1M: "0", outputPer1M: "0", retired: true },
    ];
    const fallbacks = [{ provider: "ollama" as const, model: "llama2" }];
    const routed = await planPrompt(input({ message: "What are your opening hours?", catalogue, fallbacks, optimization: { routing: { enabled: true } } }));
    expect(routed).toMatchObject({ route: "primary", routeReason: expect.stringMatching(/^kept: no cheaper model/) });
    const degraded = await planPrompt(input({ catalogue, fallbacks, cost: { usedUsd: "90", limitUsd: "100" }, optimization: { degradeAtCostPercent: 80 } }));
    expect(degraded).toMatchObject({ route: "primary", routeReason: "kept: 90% of the cost limit used (degrades at 80%), but no cheaper model" });
    const summarized = await planPrompt(
      input({ history: history(6), catalogue, fallbacks, optimization: { contextBudgetTokens: 400, summarizeOlderTurns: true } }),
    );
    expect(summarized.toSummarize!.model).toEqual({ provider: "openai", model: "gpt-4o" });

    const retiredPrimary = CATALOGUE.map((price) => (price.model === "gpt-4o" ? { ...price, retired: true } : price));
    const fromRetired = await planPrompt(input({ message: "What are your opening hours?", catalogue: retiredPrimary, optimization: { routing: { enabled: true } } }));
    expect(fromRetired.chain.slice(0, 2)).toEqual([
      { provider: "openai", model: "gpt-4o-mini" },
      { provider: "openai", model: "gpt-4o" },
    ]);
  });

  it("the budget hands the stored turns it left out back for summarizing, by the cheapest configured model", async () => {
    const conversation = history(6);
    const plan = await planPrompt(input({ history: conversation, optimization: { contextBudgetTokens: 400, summarizeOlderTurns: true } }));
    expect(plan.dropped).toBeGreaterThan(0);
    expect(plan.promptTokensAfter).toBeLessThanOrEqual(400);
    expect(plan.toSummarize!.messages).toEqual(conversation.slice(0, plan.dropped));
    expect(plan.toSummarize!.model).toEqual({ provider: "openai", model: "gpt-4o-mini" });
    // Without summaries the turns are only left out.
    const withoutSummaries = await planPrompt(input({ history: conversation, optimization: { contextBudgetTokens: 400 } }));
    expect(withoutSummaries.toSummarize).toBeNull();
    expect(withoutSummaries.dropped).toBe(plan.dropped);
  });

  it("a stored summary stands in for the turns it covers, only while the plan summarizes", async () => {
    const conversation = history(4);
    const summary = { text: "The customer asked about shipping and returns.", upTo: conversation[3]!.at };
    const plan = await planPrompt(input({ history: conversation, summary, optimization: { contextBudgetTokens: 2000, summarizeOlderTurns: true } }));
    expect(plan.messages[0]).toEqual(summaryMessage(summary.text));
    expect(plan.messages.slice(1, -1)).toEqual(conversation.slice(4).map(({ role, content }) => ({ role, content })));
    expect(plan.summarized).toBe(4);
    expect(plan.promptTokensAfter).toBeLessThan(plan.promptTokensBefore);

    const off = await planPrompt(input({ history: conversation, summary, optimization: { contextBudgetTokens: 2000 } }));
    expect(off.messages).toHaveLength(conversation.length + 1);
    expect(off.summarized).toBe(0);
  });

  it("refuses a message that alone exceeds the budget, naming the field, instead of cutting it", async () => {
    const refused = planPrompt(input({ message: "word ".repeat(400), optimization: { contextBudgetTokens: 256 } }));
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ code: "PROMPT_OVER_BUDGET", data: { field: "message", budgetTokens: 256 } });
  });

  it("a summary too long to sit beside the message is left out rather than refusing the message", async () => {
    const conversation = history(2, 10);
    const summary = { text: "detail ".repeat(200), upTo: conversation[1]!.at };
    const message = "word ".repeat(200).trim();
    const plan = await planPrompt(input({ history: conversation, summary, message, optimization: { contextBudgetTokens: 300, summarizeOlderTurns: true } }));
    expect(plan.messages.some((m) => m.content.startsWith("Summary of the earlier conversation"))).toBe(false);
    expect(plan.messages.at(-1)!.content).toBe(message);
    expect(plan.promptTokensAfter).toBeLessThanOrEqual(300);
  });
});
