// Where a chat request's CPU goes: each step of the hot path run alone, sequentially, in
// this process, against the benchmark's database and the fake providers (a child
// process), with its wall time and this process's CPU time per call. Sequential, so the
// numbers are the steps' own costs, not queueing; round-robin over the steps, so load
// from other work on the machine affects them alike. Used by chat-route.ts.
import { createHash, randomUUID } from "node:crypto";
import http from "node:http";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { performance } from "node:perf_hooks";
import Anthropic from "@anthropic-ai/sdk";
import { PrismaPg } from "@prisma/adapter-pg";
import Decimal from "decimal.js";
import { PrismaClient } from "@/generated/prisma/client";
import { createChatHandler } from "@/server/http/chat-http";
import { ZChatRequest } from "@/server/chat/chat-request";
import { loadChatContext } from "@/server/chat/load-chat-context";
import { MAX_OUTPUT_TOKENS, createLlmGateway } from "@/server/chat/send-chat-message";
import { authenticateApiKey } from "@/server/clients/api-keys";
import type { TDatabase, TDbClient } from "@/server/db/client";
import { buildReservations } from "@/server/usage/limit-metrics";
import { findModelPrice } from "@/server/usage/cost-of-call";
import { recordUsage } from "@/server/usage/record-usage";
import { reserveUsage } from "@/server/usage/reserve-usage";

export type TBreakdownRow = { step: string; wallUs: number; cpuUs: number; note: string };

type TStep = { step: string; note: string; run: () => Promise<unknown> };

/** A fetch for the SDKs over node:http with a keep-alive Agent (a proposal, measured here). */
function nodeHttpFetch(agent: http.Agent): typeof fetch {
  return ((url: string | URL | Request, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(String(url instanceof Request ? url.url : url));
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: init.method ?? "GET", agent, headers, signal: init.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") responseHeaders.set(name, value);
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers: responseHeaders }));
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(init.body as string | undefined);
    })) as typeof fetch;
}

export async function runBreakdown(input: {
  database: TDatabase;
  url: string;
  llm: { ollamaBaseUrl: string; anthropicBaseUrl: string; openaiBaseUrl: string; apiKey: string };
  model: string;
  off: { clientId: string; secretKey: string };
  on: { clientId: string; secretKey: string; limits: Record<string, number | null> };
  iterations?: number;
}): Promise<TBreakdownRow[]> {
  const iterations = input.iterations ?? 300;
  const { db } = input.database;
  const gateway = createLlmGateway({
    ollamaBaseUrl: input.llm.ollamaBaseUrl,
    anthropicBaseUrl: input.llm.anthropicBaseUrl,
    anthropicApiKey: input.llm.apiKey,
    openaiBaseUrl: input.llm.openaiBaseUrl,
    openaiApiKey: input.llm.apiKey,
    timeoutMs: 10_000,
  });
  const handler = createChatHandler({ getDb: async () => db, gateway });
  const body = JSON.stringify({ message: "Hello, how are you?" });
  const providerBody = JSON.stringify({ model: input.model, max_tokens: 1024, messages: [{ role: "user", content: "Hello, how are you?" }] });
  const providerUrl = `${input.llm.anthropicBaseUrl}/v1/messages`;
  const providerHeaders = { "x-api-key": input.llm.apiKey, "anthropic-version": "2023-06-01", "content-type": "application/json" };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const now = new Date();
  const estimate = { newConversation: true, estimatedInputTokens: 10, maxOutputTokens: MAX_OUTPUT_TOKENS, estimatedCostUsd: new Decimal("0.01") };
  const reservations = buildReservations(input.on.limits, estimate, now);
  const provider = gateway.provider("anthropic");
  // Proposal: named (cached) prepared statements in the Prisma adapter.
  const namedPrisma = new PrismaClient({
    adapter: new PrismaPg(
      { connectionString: input.url, max: 4 },
      { statementNameGenerator: (query) => `s_${createHash("sha1").update(query.sql).digest("hex").slice(0, 20)}` },
    ),
  });
  const named = namedPrisma as unknown as TDbClient;
  // Proposal: the SDK over node:http instead of global fetch.
  const sdkOverHttp = new Anthropic({ apiKey: input.llm.apiKey, baseURL: input.llm.anthropicBaseUrl, maxRetries: 0, timeout: 10_000, fetch: nodeHttpFetch(agent) });
  const keyHash = createHash("sha256").update(input.off.secretKey).digest("hex");
  const AUTH_ONE_QUERY = `SELECT k.id, k.kind, k."keyHash", k."revokedAt", k."lastUsedAt", c.id AS "clientId", c."planKey", c.status, c."allowedOrigins"
     FROM "ApiKey" k JOIN "Client" c ON c.id = k."clientId" WHERE k."keyHash" = $1`;

  const post = (key: string) => async () => {
    const response = await handler.POST(
      new Request("http://127.0.0.1/api/chat", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body,
      }),
    );
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`chat answered ${response.status}`);
  };

  const steps: TStep[] = [
    { step: "whole handler, enforcement off", note: "handler.POST(Request) in-process, no HTTP server", run: post(input.off.secretKey) },
    { step: "whole handler, enforcement on", note: "same, client with limits", run: post(input.on.secretKey) },
    {
      step: "authenticateApiKey",
      note: "Prisma findUnique with the client relation: 2 SQL round trips",
      run: () => authenticateApiKey(db, { authorization: `Bearer ${input.off.secretKey}`, origin: null }),
    },
    {
      step: "loadChatContext (by key: authenticates too)",
      note: "1 raw SQL query + zod parses",
      run: () => loadChatContext(db, { caller: { keyHash, origin: null }, conversationId: null, idempotencyKey: null, now }),
    },
    {
      step: "  proposal: auth as one raw query (Prisma $queryRawUnsafe)",
      note: "ApiKey JOIN Client by keyHash: 1 round trip",
      run: () => db.$queryRawUnsafe(AUTH_ONE_QUERY, keyHash),
    },
    {
      step: "  proposal: authenticateApiKey, named prepared statements",
      note: "PrismaPg statementNameGenerator",
      run: () => authenticateApiKey(named, { authorization: `Bearer ${input.off.secretKey}`, origin: null }),
    },
    {
      step: "  proposal: loadChatContext, named prepared statements",
      note: "PrismaPg statementNameGenerator (plan cached per connection)",
      run: () => loadChatContext(named, { caller: { keyHash, origin: null }, conversationId: null, idempotencyKey: null, now }),
    },
    { step: "findModelPrice", note: "Prisma findFirst (1 query; twice per request with a cost limit)", run: () => findModelPrice(db, "anthropic", input.model, now) },
    { step: "reserveUsage (3 limits)", note: "meterline_reserve_usage, 1 round trip, own commit", run: () => reserveUsage(db, input.on.clientId, reservations) },
    {
      step: "recordUsage",
      note: "1 statement, own commit (event, counters, conversation, 2 messages)",
      run: () =>
        recordUsage(db, {
          clientId: input.off.clientId,
          conversationId: randomUUID(),
          newConversation: true,
          idempotencyKey: randomUUID(),
          occurredAt: now,
          recordedAt: now,
          provider: "anthropic",
          model: input.model,
          inputTokens: 7,
          cachedInputTokens: 0,
          outputTokens: 5,
          tokensEstimated: false,
          toolCalls: {},
          latencyMs: 1,
          status: "success",
          costUsd: new Decimal("0.000032"),
          reservations: [],
          exchange: {
            title: "Hello",
            metadata: null,
            userMessageId: randomUUID(),
            userContent: "Hello, how are you?",
            assistantMessageId: randomUUID(),
            assistantContent: "Echo: Hello, how are you?",
          },
        }),
    },
    {
      step: "  proposal: recordUsage, named prepared statements",
      note: "PrismaPg statementNameGenerator (plan cached per connection)",
      run: () =>
        recordUsage(named, {
          clientId: input.off.clientId,
          conversationId: randomUUID(),
          newConversation: true,
          idempotencyKey: randomUUID(),
          occurredAt: now,
          recordedAt: now,
          provider: "anthropic",
          model: input.model,
          inputTokens: 7,
          cachedInputTokens: 0,
          outputTokens: 5,
          tokensEstimated: false,
          toolCalls: {},
          latencyMs: 1,
          status: "success",
          costUsd: new Decimal("0.000032"),
          reservations: [],
          exchange: {
            title: "Hello",
            metadata: null,
            userMessageId: randomUUID(),
            userContent: "Hello, how are you?",
            assistantMessageId: randomUUID(),
            assistantContent: "Echo: Hello, how are you?",
          },
        }),
    },
    {
      step: "provider.chat (Anthropic SDK)",
      note: "SDK over global fetch to the instant fake",
      run: () => provider.chat({ model: input.model, messages: [{ role: "user", content: "Hello, how are you?" }], maxOutputTokens: MAX_OUTPUT_TOKENS }),
    },
    {
      step: "  proposal: Anthropic SDK with a node:http fetch",
      note: "new Anthropic({ fetch }) over a keep-alive http.Agent",
      run: () =>
        sdkOverHttp.messages.create({ model: input.model, max_tokens: MAX_OUTPUT_TOKENS, messages: [{ role: "user", content: "Hello, how are you?" }] }),
    },
    {
      step: "global fetch to the fake provider",
      note: "undici fetch + res.json(), no SDK",
      run: async () => (await fetch(providerUrl, { method: "POST", headers: providerHeaders, body: providerBody })).json(),
    },
    {
      step: "node:http request to the fake provider",
      note: "keep-alive Agent, for comparison with fetch",
      run: () =>
        new Promise((resolve, reject) => {
          const url = new URL(providerUrl);
          const req = http.request(
            { host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers: { ...providerHeaders, "content-length": Buffer.byteLength(providerBody) } },
            (res) => {
              const chunks: Buffer[] = [];
              res.on("data", (chunk: Buffer) => chunks.push(chunk));
              res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
            },
          );
          req.on("error", reject);
          req.end(providerBody);
        }),
    },
    { step: "pg: SELECT 1", note: "raw pg Pool, one round trip (floor of any query)", run: () => input.database.sql.query("SELECT 1") },
    { step: "Prisma $queryRawUnsafe SELECT 1", note: "Prisma + adapter-pg over pg", run: () => db.$queryRawUnsafe("SELECT 1") },
    {
      step: "Request/Response adapter (chat-server.ts style)",
      note: "new Request + text() + new Response + Readable.fromWeb pipe",
      run: async () => {
        const request = new Request("http://localhost/api/chat", {
          method: "POST",
          headers: [
            ["content-type", "application/json"],
            ["authorization", `Bearer ${input.off.secretKey}`],
          ],
          body: Buffer.from(body),
          signal: new AbortController().signal,
        });
        await request.text();
        const response = new Response(JSON.stringify({ reply: "Echo: Hello, how are you?" }), { status: 200, headers: { "content-type": "application/json" } });
        Object.fromEntries(response.headers.entries());
        await pipeline(Readable.fromWeb(response.body as never), new Writable({ write: (_chunk, _encoding, callback) => callback() }));
      },
    },
    { step: "zod: parse the chat body", note: "JSON.parse + ZChatRequest.safeParse", run: async () => ZChatRequest.safeParse(JSON.parse(body)) },
  ];

  // Round-robin: every iteration runs each step once, so a change in the machine's load
  // (other work on the same cores) hits all steps alike; the first iterations warm up.
  const warmup = Math.min(50, Math.floor(iterations / 5));
  const totals = steps.map(() => ({ cpuUs: 0, wallMs: 0, failed: null as string | null }));
  for (let i = 0; i < warmup + iterations; i++) {
    for (const [index, step] of steps.entries()) {
      const total = totals[index]!;
      if (total.failed) continue;
      const cpu = process.cpuUsage();
      const started = performance.now();
      try {
        await step.run();
      } catch (error) {
        total.failed = String(error).slice(0, 120);
        continue;
      }
      if (i < warmup) continue;
      const used = process.cpuUsage(cpu);
      total.cpuUs += used.user + used.system;
      total.wallMs += performance.now() - started;
    }
  }
  const rows: TBreakdownRow[] = steps.map((step, index) => {
    const total = totals[index]!;
    return total.failed
      ? { step: step.step, note: `failed: ${total.failed}`, wallUs: NaN, cpuUs: NaN }
      : { step: step.step, note: step.note, wallUs: (total.wallMs * 1000) / iterations, cpuUs: total.cpuUs / iterations };
  });
  agent.destroy();
  await namedPrisma.$disconnect();
  return rows;
}
