// Rules of the metered chat path that outside testing found broken: what cannot be stored
// is refused before the provider is called, an answered call is metered even when its
// caller hangs up, a cut-off stream says so, and a cost limit holds through a fallback.
// Each test counts provider calls, not only rows.
import { expect, it, vi } from "vitest";
import { chatHandlerFor, chatRequest, createChatClient, readSse } from "../../support/chat-fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { fakeProvidersForFile } from "../../support/fake-providers";
import Decimal from "decimal.js";
import { ATTEMPT_LEASE_MS, beginChatAttempt, expireChatAttempts } from "@/server/chat/chat-attempts";
import { buildReservations } from "@/server/usage/limit-metrics";
import { generateInvoice } from "@/server/billing/generate-invoice";
import { createCronHandlers } from "@/server/http/cron-http";
import { createBillingClient, createPricedPlan } from "../billing/billing-test-support";
import type { TDb } from "@/server/db/client";
import { listAbandonedAttempts } from "@/server/chat/list-abandoned-attempts";
import { periodOf } from "@/server/usage/period";

const servers = fakeProvidersForFile();

const providerCalls = () => servers.ollama.stats.requests + servers.anthropic.stats.requests + servers.openai.stats.requests;

describeEachDatabase("the metered chat path", (testDb) => {
  const handler = () => chatHandlerFor(testDb().db, servers);

  it("text PostgreSQL cannot store, and metadata nested too deep, are refused with 400 before any provider call", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { limits: { messagesPerMonth: 100, requestsPerMinute: 100 } });
    // Raw JSON bodies: 10,000 levels of nesting is more than JSON.stringify can write.
    const deep = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    const bodies: Array<[string, string, RegExp]> = [
      ['"message": "Where is\\u0000 my order?"', "message", /NUL/],
      ['"message": "Half a pair \\ud83d"', "message", /surrogate/],
      ['"message": "hi", "metadata": { "page": "/help\\u0000" }', "metadata", /NUL/],
      ['"message": "hi", "metadata": { "k\\u0000": 1 }', "metadata", /NUL/],
      ['"message": "hi", "metadata": { "nested": [{ "deeper": ["\\u0000"] }] }', "metadata", /NUL/],
      [`"message": "hi", "metadata": ${deep}`, "metadata", /nested at most 8 levels/],
    ];
    const before = providerCalls();
    for (const [fields, field, message] of bodies) {
      for (const stream of [false, true]) {
        const response = await handler().POST(chatRequest(chat.secretKey, `{${fields}, "stream": ${stream}}`));
        expect(response.status, fields.slice(0, 80)).toBe(400);
        const error = (await response.json()) as { issues: Array<{ field: string; message: string }> };
        expect(error.issues).toEqual([expect.objectContaining({ field, message: expect.stringMatching(message) })]);
      }
    }
    expect(providerCalls()).toBe(before);
    expect(await db.usageEvent.count({ where: { clientId: chat.clientId } })).toBe(0);
    // Nothing was reserved either: every counter is back at (or never left) zero.
    const counters = await db.usageCounter.findMany({ where: { clientId: chat.clientId }, select: { value: true } });
    expect(counters.every((c) => c.value.isZero())).toBe(true);
  });

  it("a non-streamed call whose caller hangs up runs to the end, is metered, and its retry gets the stored answer", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db);
    servers.anthropic.set({ answerDelayMs: 300 });
    const hangUp = new AbortController();
    const request = new Request(chatRequest(chat.secretKey, { message: "Slow question", idempotencyKey: "hang-up-1" }), { signal: hangUp.signal });
    setTimeout(() => hangUp.abort(), 50);
    const before = servers.anthropic.stats.requests;
    const answered = await handler().POST(request);
    expect(answered.status).toBe(200);
    expect(await db.usageEvent.count({ where: { clientId: chat.clientId, status: "success" } })).toBe(1);

    const retry = await handler().POST(chatRequest(chat.secretKey, { message: "Slow question", idempotencyKey: "hang-up-1" }));
    expect(await retry.json()).toMatchObject({ replayed: true });
    expect(servers.anthropic.stats.requests - before).toBe(1);
  });

  it("a provider failing mid-stream ends with event: error carrying the partial usage that was metered, never done", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db);
    servers.anthropic.set({ errorAfterChunks: 2 });
    const events = await readSse(await handler().POST(chatRequest(chat.secretKey, { message: "Tell me everything", stream: true })));
    expect(events.map((e) => e.event)).toEqual(["start", "delta", "delta", "error"]);
    const error = events.at(-1)!.data as { code: string; reply: string; usage: { outputTokens: number; costUsd: string } };
    expect(error.code).toBe("REPLY_INTERRUPTED");
    expect(error.usage.outputTokens).toBeGreaterThan(0);
    const event = await db.usageEvent.findFirstOrThrow({ where: { clientId: chat.clientId }, select: { status: true, outputTokens: true, costUsd: true } });
    expect(event.status).toBe("partial");
    expect(event.outputTokens).toBe(error.usage.outputTokens);
    expect(event.costUsd.toString()).toBe(error.usage.costUsd);
  });

  it("a cost limit is reserved at the dearest model of the fallback chain: a free first model cannot let a paid fallback overspend", async () => {
    const { db } = testDb();
    // Ollama (no price: free) first, gpt-4o-mini behind it; 1,024 output tokens at $0.60/1M
    // alone is $0.0006, more than the limit.
    const chat = await createChatClient(db, {
      provider: "ollama",
      fallbackChain: [{ provider: "openai", model: "gpt-4o-mini" }],
      limits: { costLimitUSD: 0.0005, messagesPerMonth: null },
    });
    servers.ollama.set({ fail: 500 });
    const before = providerCalls();
    const responses = await Promise.all(Array.from({ length: 20 }, () => handler().POST(chatRequest(chat.secretKey, { message: "hi" }))));
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 429));
    expect(await responses[0]!.json()).toMatchObject({ metric: "costLimitUSD" });
    expect(providerCalls()).toBe(before);
    expect(await db.usageEvent.count({ where: { clientId: chat.clientId } })).toBe(0);
  });

  it("50 concurrent requests with one idempotency key: one provider call, one event; the rest wait (409) or get the stored reply", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { limits: { messagesPerMonth: 100 } });
    servers.anthropic.set({ answerDelayMs: 200 });
    const before = servers.anthropic.stats.requests;
    const send = () => handler().POST(chatRequest(chat.secretKey, { message: "Refund my order", idempotencyKey: "order-7-refund" }));
    const responses = await Promise.all(Array.from({ length: 50 }, send));
    const statuses = responses.map((r) => r.status);
    const bodies = await Promise.all(responses.filter((r) => r.status !== 200 && r.status !== 409).map((r) => r.clone().text()));
    expect(servers.anthropic.stats.requests - before, `statuses ${statuses.join(",")}; other bodies ${bodies.join(" | ")}`).toBe(1);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const waiting = responses.find((r) => r.status === 409);
    if (waiting) {
      expect(Number(waiting.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(await waiting.json()).toMatchObject({ error: "A request with this idempotency key is in progress", code: "IDEMPOTENCY_IN_PROGRESS" });
    }
    // Once settled, a retry is the stored reply, not a second call.
    expect(await (await send()).json()).toMatchObject({ replayed: true });
    expect(servers.anthropic.stats.requests - before).toBe(1);
    expect(await db.usageEvent.count({ where: { clientId: chat.clientId } })).toBe(1);
    const counter = await db.usageCounter.findFirstOrThrow({ where: { clientId: chat.clientId, metric: "messages", period: { not: { startsWith: "m" } } } });
    expect(counter.value.toString()).toBe("1");
  });

  it("a reused idempotency key with another message is refused with 422, in flight or settled, and calls no provider", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db);
    const first = await handler().POST(chatRequest(chat.secretKey, { message: "What is my balance?", idempotencyKey: "k-1" }));
    expect(first.status).toBe(200);
    const before = providerCalls();
    const other = await handler().POST(chatRequest(chat.secretKey, { message: "Close my account", idempotencyKey: "k-1" }));
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    expect(providerCalls()).toBe(before);
    expect(await db.usageEvent.count({ where: { clientId: chat.clientId } })).toBe(1);
  });

  it("a process that died mid-call: once its lease runs out the reservation is given back and the attempt is abandoned with its estimated cost", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { limits: { messagesPerMonth: 1, tokensPerMonth: 100_000 } });
    const now = new Date("2027-06-15T10:00:00.000Z");
    // What a request does before its provider call, and then nothing: the process is gone.
    const reservations = buildReservations(
      { messagesPerMonth: 1, tokensPerMonth: 100_000 },
      { newConversation: true, estimatedInputTokens: 40, maxOutputTokens: 1024, estimatedCostUsd: new Decimal("0.0155") },
      now,
    );
    const begun = await beginChatAttempt(db, { clientId: chat.clientId, idempotencyKey: "crashed-1", requestHash: "h", now, reservations, estimatedCostUsd: new Decimal("0.0155") });
    expect(begun.kind).toBe("claimed");
    const held = async () =>
      Object.fromEntries(
        (await db.usageCounter.findMany({ where: { clientId: chat.clientId, period: "2027-06" } })).map((c) => [c.metric, c.value.plus(c.reserved).toString()]),
      );
    expect(await held()).toMatchObject({ messages: "1", tokens: "1064" });
    // Held, not settled: the month's billable usage is still zero.
    const settled = await db.usageCounter.findMany({ where: { clientId: chat.clientId, period: "2027-06" }, select: { value: true } });
    expect(settled.every((c) => c.value.isZero())).toBe(true);

    // The limit is used up while the lease runs: another request is refused.
    const during = chatHandlerFor(db, servers, 5_000, () => new Date(now.getTime() + 60_000));
    expect((await during.POST(chatRequest(chat.secretKey, { message: "hi" }))).status).toBe(429);
    expect(await expireChatAttempts(db, new Date(now.getTime() + ATTEMPT_LEASE_MS - 1))).toBe(0);

    // Past the lease the sweeper gives it back: counters equal the settled events (none).
    expect(await expireChatAttempts(db, new Date(now.getTime() + ATTEMPT_LEASE_MS + 1))).toBe(1);
    expect(await held()).toMatchObject({ messages: "0", tokens: "0" });
    const attempt = await db.chatAttempt.findFirstOrThrow({ where: { clientId: chat.clientId, idempotencyKey: "crashed-1" } });
    expect(attempt).toMatchObject({ status: "abandoned" });
    expect(attempt.estimatedCostUsd.toString()).toBe("0.0155");
    expect(await expireChatAttempts(db, new Date(now.getTime() + ATTEMPT_LEASE_MS + 2))).toBe(0);

    // The next request passes; an expired attempt of this client is also swept by it.
    const after = chatHandlerFor(db, servers, 5_000, () => new Date(now.getTime() + ATTEMPT_LEASE_MS + 60_000));
    expect((await after.POST(chatRequest(chat.secretKey, { message: "hi" }))).status).toBe(200);
    expect(await held()).toMatchObject({ messages: "1" });
  });

  it("usage held by a request in flight is never billed, and the cron sweeper abandons it once its lease is over", async () => {
    const { db } = testDb();
    const plan = await createPricedPlan(db, { baseCost: "0", currency: "USD", prorationMode: "none", metrics: { messages: { unitPrice: "1.00", includedUnits: 0 } } }, "per-message");
    const clientId = await createBillingClient(db, plan);
    const lastSecond = new Date("2027-06-30T23:59:59.000Z");
    const limits = { messagesPerMonth: 10 };
    const reservations = buildReservations(limits, { newConversation: true, estimatedInputTokens: 10, maxOutputTokens: 1024, estimatedCostUsd: new Decimal(0) }, lastSecond);
    await beginChatAttempt(db, { clientId, idempotencyKey: "in-flight-at-month-end", requestHash: "h", now: lastSecond, reservations, estimatedCostUsd: new Decimal(0) });

    const { invoice } = await generateInvoice(db, { clientId, period: "2027-06", now: new Date("2027-07-01T00:00:01.000Z") });
    expect(invoice.total).toBe("0.00");
    expect(invoice.lines.filter((l) => l.kind === "usage").map((l) => l.quantity)).toEqual(["0"]);

    const secret = "cron-secret-0123456789abcdef";
    const cron = (now: Date) => createCronHandlers({ getDb: async () => db, cronSecret: () => secret, now: () => now });
    const request = new Request("http://test/api/cron/expire-attempts", { method: "POST", headers: { authorization: `Bearer ${secret}` } });
    const early = await cron(new Date(lastSecond.getTime() + 60_000)).expireAttempts(request.clone());
    expect(await early.json()).toMatchObject({ abandoned: 0 });
    const late = await cron(new Date(lastSecond.getTime() + ATTEMPT_LEASE_MS + 1)).expireAttempts(request.clone());
    expect(late.status).toBe(200);
    expect(await late.json()).toMatchObject({ abandoned: 1 });
    const counters = await db.usageCounter.findMany({ where: { clientId, period: "2027-06" } });
    expect(counters.map((c) => [c.metric, c.value.toString(), c.reserved.toString()])).toEqual([["messages", "0", "0"]]);
  });

  it("an answered call whose usage cannot be recorded is logged at error level with its attempt and usage, and admins see it as abandoned once its lease runs out", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db);
    // Only the settle statement fails (the connection drops at that moment); the rest works.
    const settleFails = new Proxy(db, {
      get(target, property) {
        if (property === "$queryRawUnsafe") {
          return (text: string, ...params: unknown[]) =>
            text.includes("hot:chat_settle") ? Promise.reject(new Error("Connection terminated unexpectedly")) : target.$queryRawUnsafe(text, ...params);
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as TDb;
    const failing = chatHandlerFor(settleFails, servers);
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const plain = await failing.POST(chatRequest(chat.secretKey, { message: "Answered, never metered", idempotencyKey: "unmetered-plain" }));
      expect(plain.status).toBe(500);
      expect(await plain.json()).toMatchObject({ code: "INTERNAL_SERVER_ERROR", requestId: expect.any(String) });
      const events = await readSse(await failing.POST(chatRequest(chat.secretKey, { message: "Streamed, never metered", stream: true, idempotencyKey: "unmetered-stream" })));
      expect(events.map((e) => e.event)).toEqual(["start", ...events.slice(1, -1).map(() => "delta"), "error"]);

      const attempts = await db.chatAttempt.findMany({ where: { clientId: chat.clientId }, select: { id: true, status: true, leaseExpiresAt: true, createdAt: true } });
      // Not closed as failed (that would give the reservation back and hide the call): left to its lease.
      expect(attempts.map((a) => a.status)).toEqual(["in_flight", "in_flight"]);
      for (const attempt of attempts) {
        const lines = logged.mock.calls.map((call) => String(call[0]));
        expect(lines.some((line) => line.includes(`attempt ${attempt.id}`) && /answered by .* output tokens\) but its usage could NOT be recorded/.test(line)), lines.join("\n")).toBe(true);
      }
      expect(await db.usageEvent.count({ where: { clientId: chat.clientId } })).toBe(0);

      const lastLease = new Date(Math.max(...attempts.map((a) => a.leaseExpiresAt.getTime())) + 1);
      expect(await expireChatAttempts(db, lastLease)).toBeGreaterThanOrEqual(2);
      const after = await db.chatAttempt.findMany({ where: { clientId: chat.clientId }, select: { status: true } });
      expect(after.map((a) => a.status)).toEqual(["abandoned", "abandoned"]);
      const listed = await listAbandonedAttempts(db, { period: periodOf(attempts[0]!.createdAt) });
      expect(listed.abandoned).toBeGreaterThanOrEqual(2);
    } finally {
      logged.mockRestore();
    }
  });
});
