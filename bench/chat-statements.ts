// The chat route's database work alone: the hot path's statements, run in-process exactly as
// POST /api/chat runs them (prepareChat: context + begin; settleChat: settle), with no Next,
// no HTTP and no provider. The CPU PostgreSQL's backends spend per request here is the
// floor of the route's PostgreSQL CPU on this design; the latency at one connection is the
// floor of the database's share of the route's p50.
//
// Phases, each on its own client; the full path also with one client per connection (no
// shared counter rows); (enforcement on: every monthly limit set, as bench/chat-next.ts):
//   context        loadChatContext only (statement 1)
//   prepare        prepareChat: context + begin (attempt row, reservation, sweep of the client's expired attempts)
//   full           prepareChat + settleChat: context + begin + settle (event, counters, messages, attempt, alerts)
//
//   npx tsx bench/chat-statements.ts [--ops 3000] [--concurrency 32]
import { randomBytes } from "node:crypto";
import { openDatabase, type TDatabase } from "@/server/db/client";
import { keyHashFromAuthorization } from "@/server/clients/api-keys";
import { loadChatContext, type TChatCaller } from "@/server/chat/load-chat-context";
import { createLlmGateway, prepareChat, settleChat } from "@/server/chat/send-chat-message";
import { createChatClient } from "../tests/support/chat-fixtures";
import { cpuDelta, cpuSnapshot } from "./measure";
import { adminQuery, adminUrl, withDatabase } from "./support";

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}
const OPS = flag("ops", 3000);
const CONCURRENCY = flag("concurrency", 32);
const MODEL = "claude-haiku-4-5";
const LIMITS = { messagesPerMonth: 1e9, tokensPerMonth: 1e12, costLimitUSD: 1e9, requestsPerMinute: 1e9 };
const gateway = createLlmGateway({ ollamaBaseUrl: "http://127.0.0.1:9", anthropicBaseUrl: "http://127.0.0.1:9", anthropicApiKey: "unused", timeoutMs: 1000 });
const REPLY = { text: "I am well, thank you. How can I help?", toolCalls: {}, model: MODEL, usage: { inputTokens: 14, cachedInputTokens: 0, outputTokens: 11, estimated: false } };

type TPhase = "context" | "prepare" | "full";

/** `clients`: 1, every request on one tenant (its counter rows are shared: the worst case); or one tenant per connection. */
async function run(database: TDatabase, dbName: string, phase: TPhase, concurrency: number, ops: number, clients: "one" | "per-connection" = "one") {
  const db = database.db;
  const callers: TChatCaller[] = [];
  for (let i = 0; i < (clients === "one" ? 1 : concurrency); i++) {
    const chat = await createChatClient(db, { limits: LIMITS, provider: "anthropic", model: MODEL });
    callers.push({ keyHash: keyHashFromAuthorization(`Bearer ${chat.secretKey}`), origin: null });
  }
  const request = { message: "Hello, how are you?", stream: false };
  const once = async (worker = 0) => {
    const caller = callers[worker % callers.length]!;
    if (phase === "context") {
      await loadChatContext(db, { caller, conversationId: null, idempotencyKey: null, now: new Date() });
      return;
    }
    const prepared = await prepareChat(db, gateway, caller, request);
    if (prepared.kind !== "call") throw new Error(`expected a call, got ${prepared.kind}`);
    if (phase === "full") await settleChat(db, prepared.prepared, { provider: "anthropic", model: MODEL, result: REPLY, status: "success", latencyMs: 1 });
  };
  for (let i = 0; i < 100; i++) await once(); // warm up: prepared statements, pool, JIT
  const latencies: number[] = [];
  let next = 0;
  const before = await cpuSnapshot({ app: process.pid }, dbName);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < ops) {
        next += 1;
        const t = performance.now();
        await once(worker);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wallMs = performance.now() - started;
  const delta = cpuDelta(before, await cpuSnapshot({ app: process.pid }, dbName), 0);
  latencies.sort((a, b) => a - b);
  const result = {
    phase: clients === "one" ? phase : `${phase}, one tenant per connection`,
    concurrency,
    ops,
    perSecond: Math.round((ops * 1000) / wallMs),
    appCpuMs: delta.byGroup.app! / ops,
    pgCpuMs: delta.byGroup.pgBackends! / ops,
    p50Ms: latencies[Math.floor(latencies.length / 2)]!,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)]!,
    otherOnMachineMs: delta.byGroup.otherOnMachine! / ops,
  };
  console.log(JSON.stringify(result));
  return result;
}

async function main(): Promise<void> {
  const dbName = `meterline_statements_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${dbName}"`);
  const database = await openDatabase({ kind: "postgres", url: withDatabase(adminUrl(), dbName), migrate: true, poolSize: 10 });
  const results = [];
  try {
    await database.db.modelPrice.create({
      data: { provider: "anthropic", model: MODEL, inputPer1M: "1", outputPer1M: "5", cachedInputPer1M: "0.1", effectiveFrom: new Date("2025-01-01T00:00:00Z") },
    });
    for (const phase of ["context", "prepare", "full"] as const) {
      results.push(await run(database, dbName, phase, CONCURRENCY, OPS));
      results.push(await run(database, dbName, phase, 1, Math.min(OPS, 1000)));
    }
    results.push(await run(database, dbName, "full", CONCURRENCY, OPS, "per-connection"));
  } finally {
    await database.close();
    await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  }
  console.log(`\n| phase | connections | req/s | app CPU ms/req | PostgreSQL CPU ms/req | p50 ms | p99 ms |\n| --- | --- | --- | --- | --- | --- | --- |`);
  for (const r of results) {
    console.log(`| ${r.phase} | ${r.concurrency} | ${r.perSecond} | ${r.appCpuMs.toFixed(2)} | ${r.pgCpuMs.toFixed(2)} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
