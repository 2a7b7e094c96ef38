import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type TDatabase } from "@/server/db/client";
import { clockNow } from "@/server/clock";
import { ATTEMPT_LEASE_MS, expireChatAttempts } from "@/server/chat/chat-attempts";
import { listAbandonedAttempts } from "@/server/chat/list-abandoned-attempts";
import { periodOf } from "@/server/usage/period";
import Decimal from "decimal.js";
import { startLlmServers, type TLlmServers } from "../../support/llm-servers";
import { createChatClient } from "../../support/chat-fixtures";
import { createPostgresDatabase } from "../../support/test-database";
import { spawnChatServer } from "../../support/chat-server-process";

// kill -9 of an app process under load: the requests it had in flight hold their
// reservations (never billed: they are not settled usage) until their lease is over;
// then the sweeper gives them back, and the counters equal the settled events.
describe("an app process killed mid-request [postgres, two app processes]", () => {
  let servers: TLlmServers;
  let database: TDatabase;
  let dropDatabase: () => Promise<void>;
  let url: string;
  const processes: ChildProcess[] = [];

  async function startApp() {
    const app = await spawnChatServer({ databaseUrl: url, servers });
    processes.push(app.child);
    return app;
  }

  beforeAll(async () => {
    // Every answer takes a while: many requests are at the provider when the process dies.
    servers = await startLlmServers({ behaviour: { answerDelayMs: 400 } });
    const created = await createPostgresDatabase();
    url = created.url;
    dropDatabase = created.drop;
    database = await openDatabase({ kind: "postgres", url, migrate: true });
  }, 120_000);

  afterAll(async () => {
    for (const child of processes) {
      try {
        if (child.pid) process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone (the one this test killed)
      }
    }
    await database?.close();
    await dropDatabase?.();
    await servers?.close();
  });

  it("after kill -9 the dead process's reservations are held, never billed, and given back once their lease is over", async () => {
    const [victim, survivor] = await Promise.all([startApp(), startApp()]);
    // No cost limit: the abandoned calls still carry what they were estimated to cost.
    const chat = await createChatClient(database.db, { limits: { messagesPerMonth: 10_000, tokensPerMonth: 10_000_000 } });
    const send = (port: number, index: number) =>
      fetch(`http://127.0.0.1:${port}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${chat.secretKey}` },
        body: JSON.stringify({ message: `Question ${index}`, idempotencyKey: `crash-${index}` }),
      }).then(
        async (response) => ({ status: response.status, body: await response.text() }),
        () => ({ status: 0, body: "connection lost" }),
      );
    const inFlight = Array.from({ length: 80 }, (_, index) => send(index % 4 === 0 ? survivor.port : victim.port, index));
    // Wait until the victim's requests are at the provider, then kill it without warning.
    const deadline = Date.now() + 10_000;
    while (servers.anthropic.stats.requests < 30 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    process.kill(-victim.child.pid!, "SIGKILL");
    const results = await Promise.all(inFlight);
    expect(results.filter((r) => r.status === 0).length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status !== 0).every((r) => r.status === 200)).toBe(true);

    const db = database.db;
    const settled = async () => {
      const [row] = await database.sql.query<{ events: string; tokens: string | null }>(
        `SELECT count(*)::text AS events, sum("inputTokens" + "outputTokens")::text AS tokens FROM "UsageEvent" WHERE "clientId" = $1`,
        [chat.clientId],
      );
      return { messages: row!.events, tokens: row!.tokens ?? "0" };
    };
    const counters = async () =>
      Object.fromEntries(
        (await db.usageCounter.findMany({ where: { clientId: chat.clientId, metric: { in: ["messages", "tokens"] }, period: { not: { startsWith: "m" } } } })).map(
          (c) => [c.metric, { value: c.value.toString(), reserved: c.reserved.toString() }],
        ),
      );

    // Right after the crash: settled usage equals the events; the dead requests still hold.
    const events = await settled();
    const before = await counters();
    expect(before.messages!.value).toBe(events.messages);
    expect(before.tokens!.value).toBe(events.tokens);
    expect(Number(before.messages!.reserved)).toBeGreaterThan(0);
    const stuck = await db.chatAttempt.count({ where: { clientId: chat.clientId, status: "in_flight" } });
    expect(stuck).toBe(Number(before.messages!.reserved));
    // Not swept before the lease is over.
    expect(await expireChatAttempts(db, clockNow())).toBe(0);

    // Past the lease: given back, and the counters equal the settled events.
    expect(await expireChatAttempts(db, new Date(clockNow().getTime() + ATTEMPT_LEASE_MS + 60_000))).toBe(stuck);
    const after = await counters();
    expect(after).toEqual({ messages: { value: events.messages, reserved: "0" }, tokens: { value: events.tokens, reserved: "0" } });
    // The dead requests are visible as abandoned, with what their provider calls were estimated to cost.
    const abandoned = await db.chatAttempt.findMany({ where: { clientId: chat.clientId, status: "abandoned" }, select: { estimatedCostUsd: true } });
    expect(abandoned).toHaveLength(stuck);
    expect(abandoned.every((a) => a.estimatedCostUsd.gt(0))).toBe(true);
    // Admins see them as unmetered spend for the period.
    const report = await listAbandonedAttempts(db, { period: periodOf(clockNow()) });
    const mine = report.clients.find((c) => c.clientId === chat.clientId);
    expect(mine?.abandoned).toBe(stuck);
    expect(mine?.estimatedCostUsd).toBe(abandoned.reduce((sum, a) => sum.plus(a.estimatedCostUsd.toString()), new Decimal(0)).toString());
    // The provider did the work for at least the settled calls; the rest were cut off by the crash.
    expect(servers.anthropic.stats.requests).toBeGreaterThanOrEqual(Number(events.messages));
  });
});
