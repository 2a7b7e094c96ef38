// The plan's LLM cost settings on the real chat route: which model answers (routing,
// degradation, experiments), what it is sent (compression, the context budget), and what
// the usage event records about it. Each test checks the provider that was called, from
// the fake servers' own counts and the request they received, not only the rows.
import { expect, it } from "vitest";
import Decimal from "decimal.js";
import { chatHandlerFor, chatRequest, createChatClient, readSse } from "../../support/chat-fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { fakeProvidersForFile } from "../../support/fake-providers";
import type { TDbClient } from "@/server/db/client";
import type { TPlanOptimizationInput } from "@/shared/plan-optimization";
import { ZPlanOptimization } from "@/shared/plan-optimization";
import { periodOf } from "@/server/usage/period";
import { clockNow } from "@/server/clock";
import { assignVariant, type TExperimentVariant } from "@/server/experiments/assign-variant";
import { omittedMarker } from "@/server/llm/context/budget";
import { summariesSettled, summaryIdempotencyKey } from "@/server/chat/conversation-summary";

const servers = fakeProvidersForFile();

const PRICES = [
  { provider: "anthropic", model: "claude-haiku-4-5", inputPer1M: "1", outputPer1M: "5" },
  { provider: "openai", model: "gpt-4o", inputPer1M: "2.5", outputPer1M: "10" },
];

async function ensureCheapPrices(db: TDbClient) {
  for (const price of PRICES) {
    const effectiveFrom = new Date("2025-01-01T00:00:00Z");
    await db.modelPrice.upsert({
      where: { provider_model_effectiveFrom: { provider: price.provider, model: price.model, effectiveFrom } },
      create: { ...price, effectiveFrom },
      update: {},
    });
  }
}

async function optimize(db: TDbClient, planKey: string, optimization: TPlanOptimizationInput) {
  await db.planConfig.update({ where: { key: planKey }, data: { optimization: ZPlanOptimization.parse(optimization) } });
}

type TReply = { conversationId: string; reply: string; model: string; provider: string };

describeEachDatabase("LLM cost optimization on the chat path", (testDb) => {
  const handler = () => chatHandlerFor(testDb().db, servers);
  const ask = async (key: string, body: Record<string, unknown>) => {
    const response = await handler().POST(chatRequest(key, body));
    return { status: response.status, body: (await response.json()) as TReply & { code?: string; error?: string } };
  };
  /** Five turns of a paragraph repeated `repeat` times: a conversation longer than a small budget. */
  const longConversation = async (key: string, repeat: number) => {
    const paragraph = "Our warehouse in Lyon ships orders twice a day, and returns are handled within five working days. ";
    let conversationId: string | undefined;
    for (let turn = 0; turn < 5; turn += 1) {
      const reply = await ask(key, { message: `Turn ${turn}: ${paragraph.repeat(repeat)}`, ...(conversationId ? { conversationId } : {}) });
      expect(reply.status).toBe(200);
      conversationId = reply.body.conversationId;
    }
    return conversationId!;
  };
  const lastEvent = (db: TDbClient, clientId: string) => db.usageEvent.findFirstOrThrow({ where: { clientId }, orderBy: { occurredAt: "desc" } });

  it("routes a simple message to the cheaper model of the provider and keeps a tool request on the primary, each with its reason", async () => {
    const { db } = testDb();
    await ensureCheapPrices(db);
    const chat = await createChatClient(db, { provider: "anthropic" });
    await optimize(db, chat.planKey, { routing: { enabled: true } });
    const anthropicBefore = servers.anthropic.stats.requests;

    const simple = await ask(chat.secretKey, { message: "What are your opening hours?", idempotencyKey: "simple-1" });
    expect(simple.status).toBe(200);
    expect(simple.body.model).toBe("claude-haiku-4-5");
    expect((servers.anthropic.lastRequest!.body as { model: string }).model).toBe("claude-haiku-4-5");
    const cheap = await lastEvent(db, chat.clientId);
    expect(cheap).toMatchObject({ model: "claude-haiku-4-5", route: "cheap", fallback: false });
    expect(cheap.routeReason).toMatch(/^simple: factual.*-> anthropic\/claude-haiku-4-5$/);
    // Priced at the model that answered.
    expect(new Decimal(cheap.costUsd.toString()).toString()).toBe(
      new Decimal(cheap.inputTokens).times(1).plus(new Decimal(cheap.outputTokens).times(5)).dividedBy(1_000_000).toString(),
    );

    const tool = await ask(chat.secretKey, { message: "Please cancel my order #48213 and refund it", idempotencyKey: "tool-1" });
    expect(tool.body.model).toBe("claude-sonnet-5-5");
    const kept = await lastEvent(db, chat.clientId);
    expect(kept).toMatchObject({ route: "primary" });
    expect(kept.routeReason).toMatch(/^kept: needs tools/);
    expect(servers.anthropic.stats.requests - anthropicBefore).toBe(2);

    // The client's switch keeps everything on the primary model.
    await db.client.update({ where: { id: chat.clientId }, data: { routingEnabled: false } });
    const off = await ask(chat.secretKey, { message: "What are your opening hours?", idempotencyKey: "simple-2" });
    expect(off.body.model).toBe("claude-sonnet-5-5");
    expect((await lastEvent(db, chat.clientId)).routeReason).toBe("kept: routing switched off for the client");
  });

  it("a cheap model that fails falls back to the primary, and the event says it was a fallback", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { provider: "anthropic" });
    await optimize(db, chat.planKey, { routing: { enabled: true, cheapModel: { provider: "openai", model: "gpt-4o-mini" } } });
    servers.openai.set({ fail: 500 });
    const anthropicBefore = servers.anthropic.stats.requests;
    const reply = await ask(chat.secretKey, { message: "Hi there!" });
    servers.openai.reset();
    expect(reply.status).toBe(200);
    expect(reply.body.model).toBe("claude-sonnet-5-5");
    // The failing fake answers 500 before counting a request: the primary was called once.
    expect(servers.anthropic.stats.requests - anthropicBefore).toBe(1);
    const event = await lastEvent(db, chat.clientId);
    expect(event).toMatchObject({ model: "claude-sonnet-5-5", route: "cheap", fallback: true });
    expect(event.routeReason).toMatch(/-> openai\/gpt-4o-mini$/);
  });

  it("fits a long conversation into the plan's budget: oldest turns left out with a marker, tokens before and after recorded", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { provider: "openai", model: "gpt-4o-mini" });
    const conversationId = await longConversation(chat.secretKey, 6);
    await optimize(db, chat.planKey, { contextBudgetTokens: 400 });
    const reply = await ask(chat.secretKey, { message: "And what about Sundays?", conversationId });
    expect(reply.status).toBe(200);
    const sent = (servers.openai.lastRequest!.body as { messages: Array<{ role: string; content: string }> }).messages;
    expect(sent.at(-1)).toEqual({ role: "user", content: "And what about Sundays?" });
    const marker = sent.find((message) => message.role === "system");
    expect(marker?.content).toMatch(/^\[\d+ earlier messages? omitted to fit the context budget\]$/);
    // Whole messages only: every other message sent is one stored in the conversation, unchanged.
    const stored = await db.message.findMany({ where: { conversationId }, select: { content: true } });
    const storedTexts = new Set(stored.map((message) => message.content));
    for (const message of sent.filter((m) => m.role !== "system" && m.content !== "And what about Sundays?")) {
      expect(storedTexts.has(message.content)).toBe(true);
    }
    const event = await lastEvent(db, chat.clientId);
    expect(event.promptTokensBefore).toBeGreaterThan(400);
    expect(event.promptTokensAfter).toBeLessThanOrEqual(400);
    expect(sent.length).toBeLessThan(11);
    // 5 turns of 2 messages and the new one; the marker stands in for those left out.
    expect(marker!.content).toBe(omittedMarker(11 - (sent.length - 1)));
  });

  it("with summaries on, turns the budget leaves out are summarized once by the cheapest model, metered, and sent as the summary after that", async () => {
    const { db } = testDb();
    await ensureCheapPrices(db);
    const chat = await createChatClient(db, { provider: "openai", model: "gpt-4o", limits: { messagesPerMonth: 100 } });
    const conversationId = await longConversation(chat.secretKey, 6);
    await optimize(db, chat.planKey, { contextBudgetTokens: 500, summarizeOlderTurns: true });
    const callsBefore = servers.openai.stats.requests;
    const first = await ask(chat.secretKey, { message: "And what about Sundays?", conversationId, idempotencyKey: "summarize-1" });
    expect(first.status).toBe(200);
    // The reply went out with the marker; the summary follows it, off the request's path.
    const sentFirst = (servers.openai.lastRequest?.body as { messages: Array<{ role: string; content: string }> }).messages;
    await summariesSettled();
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(conversation.summary).not.toBeNull();
    expect(servers.openai.stats.requests - callsBefore).toBe(2);
    const summaryRequest = (servers.openai.lastRequest!.body as { model: string; messages: Array<{ role: string; content: string }> });
    // The cheapest configured model: gpt-4o-mini, the provider's cheaper model.
    expect(summaryRequest.model).toBe("gpt-4o-mini");
    expect(summaryRequest.messages[0]!.content).toMatch(/^You summarize the earlier part/);
    const marker = sentFirst.find((message) => message.role === "system")!;
    const left = Number(/^\[(\d+) earlier/.exec(marker.content)![1]);
    expect(summaryRequest.messages[1]!.content.match(/^(Customer|Assistant): /gm)).toHaveLength(left);

    // Metered under its own key, as tokens and cost but not as a message.
    const summaryEvent = await db.usageEvent.findFirstOrThrow({ where: { clientId: chat.clientId, idempotencyKey: summaryIdempotencyKey("summarize-1") } });
    // It held its own attempt, settled like any call.
    expect(await db.chatAttempt.findFirstOrThrow({ where: { clientId: chat.clientId, idempotencyKey: summaryIdempotencyKey("summarize-1") } })).toMatchObject({
      status: "settled",
    });
    expect(summaryEvent).toMatchObject({ model: "gpt-4o-mini", route: "summary", conversationId });
    expect(summaryEvent.costUsd.isZero()).toBe(false);
    const period = periodOf(clockNow());
    const counter = (metric: string) =>
      db.usageCounter.findUniqueOrThrow({ where: { clientId_period_metric: { clientId: chat.clientId, period, metric } } }).then((c) => c.value.toString());
    expect(await counter("messages")).toBe("6");
    const events = await db.usageEvent.findMany({ where: { clientId: chat.clientId } });
    const totalCost = events.reduce((sum, event) => sum.plus(event.costUsd.toString()), new Decimal(0));
    expect(new Decimal(await counter("costUsd")).toString()).toBe(totalCost.toString());

    // The next request sends the summary in place of the turns it stands for, not the marker.
    const next = await ask(chat.secretKey, { message: "Thanks. Do you ship to Belgium?", conversationId });
    expect(next.status).toBe(200);
    const sentNext = (servers.openai.lastRequest!.body as { messages: Array<{ role: string; content: string }> }).messages;
    expect(sentNext[0]).toEqual({ role: "system", content: `Summary of the earlier conversation: ${conversation.summary}` });
    await summariesSettled();
    const event = await db.usageEvent.findFirstOrThrow({ where: { clientId: chat.clientId, route: { not: "summary" } }, orderBy: { occurredAt: "desc" } });
    expect(event.promptTokensAfter).toBeLessThanOrEqual(500);
    expect(event.promptTokensBefore).toBeGreaterThan(event.promptTokensAfter!);
  });

  it("a summary is reserved against the plan's limits like any call: near the token limit it is skipped, not paid past the limit", async () => {
    const { db } = testDb();
    await ensureCheapPrices(db);
    const chat = await createChatClient(db, { provider: "openai", model: "gpt-4o", limits: { messagesPerMonth: 100 } });
    const conversationId = await longConversation(chat.secretKey, 12);
    const period = periodOf(clockNow());
    const tokensUsed = await db.usageCounter.findUniqueOrThrow({ where: { clientId_period_metric: { clientId: chat.clientId, period, metric: "tokens" } } });
    // Room for the next reply (its prompt fits the 500-token budget, plus 1,024 output), not for a summary of the left-out turns too.
    const limit = Number(tokensUsed.value.toString()) + 1_600;
    await db.planConfig.update({
      where: { key: chat.planKey },
      data: { limits: { messagesPerMonth: 100, tokensPerMonth: limit }, optimization: ZPlanOptimization.parse({ contextBudgetTokens: 500, summarizeOlderTurns: true }) },
    });
    const callsBefore = servers.openai.stats.requests;
    const reply = await ask(chat.secretKey, { message: "And what about Sundays?", conversationId, idempotencyKey: "near-limit-1" });
    expect(reply.status).toBe(200);
    await summariesSettled();
    expect(servers.openai.stats.requests - callsBefore).toBe(1);
    expect(await db.usageEvent.count({ where: { clientId: chat.clientId, route: "summary" } })).toBe(0);
    // Refused at its reservation: nothing held, nothing in flight.
    const attempt = await db.chatAttempt.findFirst({ where: { clientId: chat.clientId, idempotencyKey: summaryIdempotencyKey("near-limit-1") } });
    expect(attempt?.status ?? "none").not.toMatch(/^(in_flight|settled)$/);
    expect((await db.conversation.findUniqueOrThrow({ where: { id: conversationId } })).summary).toBeNull();
    const tokens = await db.usageCounter.findUniqueOrThrow({ where: { clientId_period_metric: { clientId: chat.clientId, period, metric: "tokens" } } });
    expect(Number(tokens.value.toString())).toBeLessThanOrEqual(limit);
    expect(tokens.reserved.isZero()).toBe(true);

    // A client cannot take a summary's key: "§" is not in the keys it may send.
    const taken = await ask(chat.secretKey, { message: "hi", idempotencyKey: summaryIdempotencyKey("near-limit-2") });
    expect(taken.status).toBe(400);
  });

  it("a message that alone exceeds the budget is refused with 413 before any reservation or provider call", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { provider: "openai", model: "gpt-4o-mini", limits: { messagesPerMonth: 10 } });
    await optimize(db, chat.planKey, { contextBudgetTokens: 256 });
    const before = servers.openai.stats.requests;
    const refused = await ask(chat.secretKey, { message: "Why does my invoice differ? ".repeat(80) });
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: "PROMPT_OVER_BUDGET", field: "message", budgetTokens: 256 });
    expect(refused.body.error).toMatch(/longer than the plan's context budget/);
    expect(servers.openai.stats.requests).toBe(before);
    expect(await db.chatAttempt.count({ where: { clientId: chat.clientId } })).toBe(0);
    expect(await db.usageEvent.count({ where: { clientId: chat.clientId } })).toBe(0);
  });

  it("lossless compression collapses whitespace and a block pasted twice, without changing the stored message", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { provider: "openai", model: "gpt-4o-mini" });
    const log =
      "ERROR 2026-11-30 12:00:01 payment gateway timeout after 30000 ms on order 48213, retrying with backoff policy B; " +
      "upstream acquirer answered 504 twice, the idempotency token was kept, and the cart stayed locked for 15 minutes.";
    const message = `My   checkout    fails:\n\n${log}\n\nand again:\n\n${log}\n\nwhat    should I do?`;
    const reply = await ask(chat.secretKey, { message });
    expect(reply.status).toBe(200);
    const sent = (servers.openai.lastRequest!.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content;
    expect(sent).toContain("My checkout fails:");
    expect(sent.split(log).length - 1).toBe(1);
    expect(sent).toMatch(/\[same text as (above|below)\]/);
    const event = await lastEvent(db, chat.clientId);
    expect(event.promptTokensAfter!).toBeLessThan(event.promptTokensBefore!);
    const stored = await db.message.findFirstOrThrow({ where: { usageEventId: event.id, role: "user" } });
    expect(stored.content).toBe(message);

    // Off for the plan: sent as written.
    await optimize(db, chat.planKey, { losslessCompression: false });
    await ask(chat.secretKey, { message });
    expect((servers.openai.lastRequest!.body as { messages: Array<{ content: string }> }).messages.at(-1)!.content).toBe(message);
  });

  it("past the plan's share of the cost limit it answers on the cheaper model (degraded), and refuses with 429 only at the limit", async () => {
    const { db } = testDb();
    await ensureCheapPrices(db);
    const chat = await createChatClient(db, { provider: "anthropic", limits: { costLimitUSD: 1, messagesPerMonth: 100 } });
    await optimize(db, chat.planKey, { degradeAtCostPercent: 80 });
    const period = periodOf(clockNow());
    const setCost = (value: string) =>
      db.usageCounter.upsert({
        where: { clientId_period_metric: { clientId: chat.clientId, period, metric: "costUsd" } },
        create: { clientId: chat.clientId, period, metric: "costUsd", value },
        update: { value },
      });

    await setCost("0.79");
    const normal = await ask(chat.secretKey, { message: "Please cancel my order #48213" });
    expect(normal.body.model).toBe("claude-sonnet-5-5");

    await setCost("0.85");
    const degraded = await ask(chat.secretKey, { message: "Please cancel my order #48213" });
    expect(degraded.status).toBe(200);
    expect(degraded.body.model).toBe("claude-haiku-4-5");
    const event = await lastEvent(db, chat.clientId);
    expect(event.route).toBe("degraded");
    expect(event.routeReason).toBe("degraded: 85% of the cost limit used (degrades at 80%) -> anthropic/claude-haiku-4-5");

    await setCost("1");
    const before = servers.anthropic.stats.requests;
    const refused = await ask(chat.secretKey, { message: "Hello?" });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: "PLAN_LIMIT_EXCEEDED", metric: "costLimitUSD" });
    expect(servers.anthropic.stats.requests).toBe(before);
  });

  it("a running experiment answers each conversation with its variant, every message of it, and records experiment and variant", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { provider: "anthropic" });
    const variants: TExperimentVariant[] = [
      { key: "sonnet", provider: "anthropic", model: "claude-sonnet-5-5", routing: false, weight: 1 },
      { key: "mini", provider: "openai", model: "gpt-4o-mini", routing: false, weight: 1 },
    ];
    const experiment = await db.experiment.create({
      data: { name: "Sonnet vs mini", clientId: chat.clientId, status: "running", variants, startedAt: clockNow() },
    });
    const seen = new Set<string>();
    for (let conversation = 0; conversation < 6; conversation += 1) {
      const first = await ask(chat.secretKey, { message: "Hello, I need help with my account" });
      const second = await ask(chat.secretKey, { message: "It says my card was declined", conversationId: first.body.conversationId });
      const expected = assignVariant(experiment.id, first.body.conversationId, variants);
      expect([first.body.model, second.body.model]).toEqual([expected.model, expected.model]);
      const events = await db.usageEvent.findMany({ where: { conversationId: first.body.conversationId } });
      expect(events.map((event) => [event.experimentId, event.variant])).toEqual([
        [experiment.id, expected.key],
        [experiment.id, expected.key],
      ]);
      seen.add(expected.key);
    }
    // Paused: back to the client's own settings, nothing recorded against the experiment.
    await db.experiment.update({ where: { id: experiment.id }, data: { status: "paused" } });
    const after = await ask(chat.secretKey, { message: "Hello again" });
    expect(after.body.model).toBe("claude-sonnet-5-5");
    expect(await lastEvent(db, chat.clientId)).toMatchObject({ experimentId: null, variant: null });

    // Every provider down while running: the failed attempt keeps the variant's model and key.
    await db.experiment.update({ where: { id: experiment.id }, data: { status: "running" } });
    servers.anthropic.set({ fail: 500 });
    servers.openai.set({ fail: 500 });
    const failed = await ask(chat.secretKey, { message: "Anyone there?", idempotencyKey: "down-1" });
    servers.anthropic.reset();
    servers.openai.reset();
    expect(failed.status).toBe(503);
    const attempt = await db.chatAttempt.findFirstOrThrow({ where: { clientId: chat.clientId, idempotencyKey: "down-1" } });
    expect(attempt).toMatchObject({ status: "failed", experimentId: experiment.id });
    expect(variants.map((variant) => variant.key)).toContain(attempt.variant);
    expect(attempt.model).toBe(variants.find((variant) => variant.key === attempt.variant)!.model);
  });

  it("streams on the routed model and records the same decision as a plain call", async () => {
    const { db } = testDb();
    await ensureCheapPrices(db);
    const chat = await createChatClient(db, { provider: "anthropic" });
    await optimize(db, chat.planKey, { routing: { enabled: true } });
    const events = await readSse(await handler().POST(chatRequest(chat.secretKey, { message: "Thanks, that's all!", stream: true })));
    expect(events.at(-1)!.event).toBe("done");
    expect(await lastEvent(db, chat.clientId)).toMatchObject({ model: "claude-haiku-4-5", route: "cheap" });
  });
});
