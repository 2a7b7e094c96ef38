import fc from "fast-check";
import { expect, it } from "vitest";
import { fakeReply } from "../../support/llm-servers";
import { chatHandlerFor, chatRequest, createChatClient, readSse, WIDGET_ORIGIN } from "../../support/chat-fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { fakeProvidersForFile } from "../../support/fake-providers";

type TReply = {
  conversationId: string;
  messageId: string;
  reply: string;
  provider: string;
  model: string;
  usage: { inputTokens: number; cachedInputTokens: number; outputTokens: number; toolCalls: number; costUsd: string; estimated: boolean };
  replayed: boolean;
};

const servers = fakeProvidersForFile();

async function waitFor<T>(read: () => Promise<T | null | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeEachDatabase("POST /api/chat", (testDb) => {
  const handler = () => chatHandlerFor(testDb().db, servers);

  async function counters(clientId: string) {
    const rows = await testDb().db.usageCounter.findMany({ where: { clientId, period: { not: { startsWith: "m" } } } });
    return Object.fromEntries(rows.map((r) => [r.metric, r.value.toString()]));
  }

  for (const provider of ["ollama", "anthropic", "openai"] as const) {
    it(`${provider}: answers, and a streamed call records the same tokens and cost as the same call unstreamed`, async () => {
      const { db } = testDb();
      const chat = await createChatClient(db, { provider });
      const message = "What are your opening hours?";
      const expected = fakeReply([{ role: "user", content: message }], { cache: false });

      const plain = await handler().POST(chatRequest(chat.secretKey, { message }));
      expect(plain.status).toBe(200);
      const reply = (await plain.json()) as TReply;
      expect(reply).toMatchObject({ reply: expected.text, provider, replayed: false });
      expect(reply.usage).toMatchObject({ inputTokens: expected.inputTokens, outputTokens: expected.outputTokens, estimated: false });

      const streamed = await handler().POST(chatRequest(chat.secretKey, { message, stream: true }));
      expect(streamed.status).toBe(200);
      expect(streamed.headers.get("content-type")).toMatch(/text\/event-stream/);
      const events = await readSse(streamed);
      const deltas = events.filter((e) => e.event === "delta").map((e) => (e.data as { text: string }).text);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join("")).toBe(expected.text);
      const done = events.find((e) => e.event === "done")?.data as TReply;
      expect(done.usage).toEqual(reply.usage);

      const recorded = await db.usageEvent.findMany({ where: { clientId: chat.clientId }, orderBy: { occurredAt: "asc" } });
      expect(recorded).toHaveLength(2);
      for (const event of recorded) {
        expect(event).toMatchObject({ provider, status: "success", inputTokens: expected.inputTokens, outputTokens: expected.outputTokens });
        expect(event.costUsd.toString()).toBe(reply.usage.costUsd);
      }
      if (provider === "anthropic") {
        // 3 USD / 1M input, 15 USD / 1M output
        const cost = (expected.inputTokens * 3 + expected.outputTokens * 15) / 1_000_000;
        expect(Number(reply.usage.costUsd)).toBeCloseTo(cost, 12);
      }
      if (provider === "ollama") expect(reply.usage.costUsd).toBe("0");
      expect(await counters(chat.clientId)).toMatchObject({ messages: "2", conversations: "2" });
    });
  }

  it("continues a conversation with its history; another client cannot read or continue it", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { limits: { conversationsPerMonth: 1, messagesPerMonth: 10 } });
    const first = (await (await handler().POST(chatRequest(chat.secretKey, { message: "Hello" }))).json()) as TReply;
    const second = await handler().POST(chatRequest(chat.secretKey, { message: "And then?", conversationId: first.conversationId }));
    expect(second.status).toBe(200);
    const body = servers.anthropic.lastRequest?.body as { messages: Array<{ role: string; content: unknown }> };
    expect(body.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(await counters(chat.clientId)).toMatchObject({ messages: "2", conversations: "1" });
    const messages = await db.message.findMany({ where: { conversationId: first.conversationId }, orderBy: { createdAt: "asc" } });
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);

    const other = await createChatClient(db);
    const stolen = await handler().POST(chatRequest(other.secretKey, { message: "hi", conversationId: first.conversationId }));
    expect(stolen.status).toBe(404);
    expect(await db.usageEvent.count({ where: { clientId: other.clientId } })).toBe(0);
  });

  it("a retried request with the same idempotency key records one event and gets the same reply", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db);
    const send = () => handler().POST(chatRequest(chat.secretKey, { message: "Order status?", idempotencyKey: "req-42" }));
    const first = (await (await send()).json()) as TReply;
    const again = (await (await send()).json()) as TReply;
    const concurrent = (await Promise.all([send(), send()].map(async (r) => (await r).json()))) as TReply[];
    for (const reply of [again, ...concurrent]) {
      expect(reply).toMatchObject({ messageId: first.messageId, conversationId: first.conversationId, replayed: true });
    }
    expect(await db.usageEvent.count({ where: { clientId: chat.clientId } })).toBe(1);
    expect(await counters(chat.clientId)).toMatchObject({ messages: "1" });
  });

  it("falls back to the next provider when the first fails, streaming too", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { fallbackChain: [{ provider: "openai", model: "gpt-4o-mini" }] });
    servers.anthropic.set({ fail: 529 });
    const plain = (await (await handler().POST(chatRequest(chat.secretKey, { message: "hi" }))).json()) as TReply;
    expect(plain.provider).toBe("openai");
    const events = await readSse(await handler().POST(chatRequest(chat.secretKey, { message: "hi", stream: true })));
    expect((events.find((e) => e.event === "done")?.data as TReply).provider).toBe("openai");
    const providers = await db.usageEvent.findMany({ where: { clientId: chat.clientId }, select: { provider: true } });
    expect(providers.map((p) => p.provider)).toEqual(["openai", "openai"]);
  });

  it("every provider down: 503 naming them, and nothing is charged", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, {
      limits: { messagesPerMonth: 5, tokensPerMonth: 100_000 },
      fallbackChain: [{ provider: "openai", model: "gpt-4o-mini" }],
    });
    servers.anthropic.set({ fail: 500 });
    servers.openai.set({ fail: 503 });
    for (const stream of [false, true]) {
      const response = await handler().POST(chatRequest(chat.secretKey, { message: "hi", stream }));
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: string; attempts: Array<{ provider: string }> };
      expect(body.attempts.map((a) => a.provider)).toEqual(["anthropic", "openai"]);
    }
    expect(await db.usageEvent.count({ where: { clientId: chat.clientId } })).toBe(0);
    expect(await counters(chat.clientId)).toEqual({ messages: "0", tokens: "0" });
  });

  it("a client that disconnects mid-stream still leaves a usage event with non-zero tokens", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db);
    servers.anthropic.set({ delayMs: 50 });
    const abort = new AbortController();
    const request = new Request("http://meterline.test/api/chat", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${chat.secretKey}` },
      body: JSON.stringify({ message: "Tell me a long story about invoices and plans", stream: true }),
      signal: abort.signal,
    });
    const response = await handler().POST(request);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    abort.abort();
    await reader.cancel().catch(() => undefined);
    const event = await waitFor(() => db.usageEvent.findFirst({ where: { clientId: chat.clientId } }));
    expect(event.status).toBe("partial");
    expect(event.inputTokens).toBeGreaterThan(0);
    expect(event.outputTokens).toBeGreaterThan(0);
    expect(event.costUsd.isZero()).toBe(false);
  });

  it("over a limit: 429 with the plan's upgrade message and Retry-After, and nothing is recorded", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db, { limits: { messagesPerMonth: 1 }, upgradeMessage: "Move to Pro for more messages" });
    expect((await handler().POST(chatRequest(chat.secretKey, { message: "one" }))).status).toBe(200);
    const refused = await handler().POST(chatRequest(chat.secretKey, { message: "two" }));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({
      error: "Plan limit exceeded",
      metric: "messagesPerMonth",
      limit: 1,
      current: 1,
      message: "Move to Pro for more messages",
    });
    expect(servers.anthropic.stats.requests).toBe(1);
    expect(await db.usageEvent.count({ where: { clientId: chat.clientId } })).toBe(1);
  });

  it("bad keys get 401, a suspended client 403, and neither reaches a provider", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db);
    expect((await handler().POST(chatRequest(null, { message: "hi" }))).status).toBe(401);
    expect((await handler().POST(chatRequest(`sk_${"x".repeat(32)}`, { message: "hi" }))).status).toBe(401);
    await db.client.update({ where: { id: chat.clientId }, data: { status: "suspended" } });
    expect((await handler().POST(chatRequest(chat.secretKey, { message: "hi" }))).status).toBe(403);
    expect(servers.anthropic.stats.requests).toBe(0);
  });

  it("widget keys: CORS only for the client's origins", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db);
    const allowed = await handler().POST(chatRequest(chat.publishableKey, { message: "hi" }, { origin: WIDGET_ORIGIN }));
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(WIDGET_ORIGIN);
    const foreign = await handler().POST(chatRequest(chat.publishableKey, { message: "hi" }, { origin: "https://evil.example.com" }));
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await handler().OPTIONS(
      new Request("http://meterline.test/api/chat", { method: "OPTIONS", headers: { origin: WIDGET_ORIGIN } }),
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    const foreignPreflight = await handler().OPTIONS(
      new Request("http://meterline.test/api/chat", { method: "OPTIONS", headers: { origin: "https://evil.example.com" } }),
    );
    expect(foreignPreflight.status).toBe(403);
  });

  it("a malformed body gets 400 naming the field; a few hundred random bodies all get 4xx and write nothing", async () => {
    const { db } = testDb();
    const chat = await createChatClient(db);
    const empty = await handler().POST(chatRequest(chat.secretKey, { message: "   " }));
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ issues: [{ field: "message" }] });
    const badConversation = await handler().POST(chatRequest(chat.secretKey, { message: "hi", conversationId: "nope" }));
    expect(((await badConversation.json()) as { issues: Array<{ field: string }> }).issues[0]?.field).toBe("conversationId");
    expect((await handler().POST(chatRequest(chat.secretKey, "{not json"))).status).toBe(400);

    const body = fc.oneof(
      fc.anything(),
      fc.record({ message: fc.anything(), stream: fc.anything(), conversationId: fc.anything() }, { requiredKeys: [] }),
      fc.record({ message: fc.constant(""), extra: fc.string() }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const text = JSON.stringify(value) ?? "undefined";
        const response = await handler().POST(chatRequest(chat.secretKey, text));
        // A random body that happens to be valid is a real chat: allowed, and metered. Read
        // to the end: a streamed one is metered before its last event, not before its headers.
        if (response.status === 200) {
          await response.text();
          return true;
        }
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        return true;
      }),
      { numRuns: 300 },
    );
    const events = await db.usageEvent.count({ where: { clientId: chat.clientId } });
    const conversations = await db.conversation.count({ where: { clientId: chat.clientId } });
    expect(conversations).toBe(events);
    expect(servers.anthropic.stats.requests).toBe(events);
  });
});
