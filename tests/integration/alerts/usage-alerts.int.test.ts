import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type TDatabase, type TDb } from "@/server/db/client";
import { changePlan } from "@/server/plans/change-plan";
import { resolveEndedPeriodAlerts } from "@/server/alerts/resolve-alerts";
import { startLlmServers, type TLlmServers } from "../../support/llm-servers";
import { chatHandlerFor, chatRequest, createChatClient } from "../../support/chat-fixtures";
import { createTestAdmin, uniqueSuffix } from "../../support/fixtures";
import { createPostgresDatabase, describeEachDatabase } from "../../support/test-database";
import { postChatTo, spawnChatServer, stopChatServers } from "../../support/chat-server-process";
import { runAlertWorkerTick, startAlertWorkerLoop } from "@/server/alerts/alert-worker";
import { startEndpoint, verifyStandardWebhook, type TEndpoint } from "./alert-test-support";

const WEBHOOK_SECRET = `whsec_${Buffer.from("usage-alerts-test-secret-0123456").toString("base64")}`;

/** The client's alert channels: one email address and a webhook to `endpoint`. */
async function subscribe(db: TDb, clientId: string, endpoint: TEndpoint): Promise<void> {
  await db.client.update({
    where: { id: clientId },
    data: { alertEmails: ["ops@example.com"], alertWebhookUrl: `${endpoint.url}/hooks/meterline`, alertWebhookSecret: WEBHOOK_SECRET },
  });
}

/** The webhook events the endpoint received, checked against the Standard Webhooks signature. */
function receivedEvents(endpoint: TEndpoint): Array<{ id: string; type: string; threshold: number }> {
  return endpoint.received.map((hit) => {
    // Each was sent at the worker's (pinned) instant, which is what its timestamp says.
    const sentAt = new Date(Number(hit.headers["webhook-timestamp"]) * 1000);
    expect(verifyStandardWebhook(WEBHOOK_SECRET, hit.headers, hit.body, sentAt)).toBe(true);
    const event = JSON.parse(hit.body) as { type: string; data: { threshold: number } };
    return { id: String(hit.headers["webhook-id"]), type: event.type, threshold: event.data.threshold };
  });
}

// Usage alerts are decided by the statement that settles a chat call: crossing a threshold
// of a monthly limit records one UsageAlert per (client, period, limit, threshold); a plan
// change or a new period that puts usage back under it resolves it.

type TAlertRow = { limitKey: string; threshold: number; value: string; limit: string; resolvedReason: string | null };

async function alertsOf(db: TDb, clientId: string): Promise<TAlertRow[]> {
  const rows = await db.usageAlert.findMany({
    where: { clientId },
    orderBy: [{ limitKey: "asc" }, { threshold: "asc" }],
    select: { limitKey: true, threshold: true, value: true, limit: true, resolvedReason: true },
  });
  return rows.map((row) => ({ ...row, value: row.value.toString(), limit: row.limit.toString() }));
}

async function createBiggerPlan(db: TDb, messagesPerMonth: number, baseCost: string): Promise<string> {
  const key = `big_${uniqueSuffix()}`;
  await db.planConfig.create({
    data: {
      key,
      name: `Big ${key}`,
      limits: { messagesPerMonth },
      features: { llmProvider: "anthropic", llmModel: "claude-sonnet-5-5" },
      pricing: { baseCost, currency: "USD", usageMultiplier: "1", prorationMode: "daily", metrics: {} },
    },
  });
  return key;
}

describeEachDatabase("usage alerts", (testDb) => {
  let servers: TLlmServers;
  beforeAll(async () => {
    servers = await startLlmServers();
  });
  afterAll(async () => {
    await servers?.close();
  });

  it("walks the loop: 80% alert, 100% alert, 429 with the upgrade URL, a prorated plan change, the next request passes, alerts resolved, each message delivered once", async () => {
    const { db } = testDb();
    const endpoint = await startEndpoint(200);
    const deliver = (at: Date) => runAlertWorkerTick(db, at, { email: { kind: "stored" } });
    let now = new Date("2026-11-14T10:00:00.000Z");
    const handler = chatHandlerFor(db, servers, 5_000, () => now);
    const chat = await createChatClient(db, {
      limits: { messagesPerMonth: 10, tokensPerMonth: null },
      upgradeUrl: "https://meterline.test/upgrade",
      alertThresholds: [80, 100],
      baseCost: "10",
    });
    await subscribe(db, chat.clientId, endpoint);
    const send = async (message: string) => {
      const response = await handler.POST(chatRequest(chat.secretKey, { message }));
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    for (let index = 1; index <= 7; index += 1) expect((await send(`question ${index}`)).status).toBe(200);
    expect(await alertsOf(db, chat.clientId)).toEqual([]);

    expect((await send("question 8")).status).toBe(200);
    expect(await alertsOf(db, chat.clientId)).toEqual([
      { limitKey: "messagesPerMonth", threshold: 80, value: "8", limit: "10", resolvedReason: null },
    ]);
    const crossed80 = await db.usageAlert.findFirstOrThrow({ where: { clientId: chat.clientId, threshold: 80 } });
    expect(crossed80).toMatchObject({ period: "2026-11", counter: "messages", planKey: chat.planKey, resolvedAt: null, notifiedAt: null });
    expect(crossed80.crossedAt.getTime()).toBeGreaterThan(new Date("2026-11-14T10:00:00.000Z").getTime());

    expect((await send("question 9")).status).toBe(200);
    expect((await send("question 10")).status).toBe(200);
    expect(await alertsOf(db, chat.clientId)).toEqual([
      { limitKey: "messagesPerMonth", threshold: 80, value: "8", limit: "10", resolvedReason: null },
      { limitKey: "messagesPerMonth", threshold: 100, value: "10", limit: "10", resolvedReason: null },
    ]);

    await deliver(now);
    // One worker run delivers its batch concurrently: in any order.
    expect(receivedEvents(endpoint).map((e) => `${e.type}@${e.threshold}`).sort()).toEqual([
      "alert.threshold_crossed@100",
      "alert.threshold_crossed@80",
    ]);

    const refused = await send("question 11");
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: "Plan limit exceeded", upgradeUrl: "https://meterline.test/upgrade", metric: "messagesPerMonth" });
    // A refused request settles nothing, so it crosses nothing either.
    expect(await db.usageAlert.count({ where: { clientId: chat.clientId } })).toBe(2);

    now = new Date("2026-11-16T00:00:00.000Z");
    const big = await createBiggerPlan(db, 100, "50");
    const admin = await createTestAdmin(db, "admin");
    const change = await changePlan(db, { clientId: chat.clientId, toPlanKey: big, reason: "hit the limit", confirmWarnings: false }, admin, now);
    // 15 of November's 30 days remain: half of the old base credited, half of the new charged.
    expect({ credit: change.creditAmount, charge: change.chargeAmount, net: change.netAmount }).toEqual({ credit: "5.00", charge: "25.00", net: "20.00" });
    expect(await alertsOf(db, chat.clientId)).toEqual([
      { limitKey: "messagesPerMonth", threshold: 80, value: "8", limit: "10", resolvedReason: "plan_change" },
      { limitKey: "messagesPerMonth", threshold: 100, value: "10", limit: "10", resolvedReason: "plan_change" },
    ]);

    expect((await send("question 11, again")).status).toBe(200);
    // 11 of 100 crosses nothing on the new plan.
    expect(await db.usageAlert.count({ where: { clientId: chat.clientId } })).toBe(2);

    // The resolutions go out; running the worker again sends nothing twice.
    await deliver(now);
    await deliver(new Date(now.getTime() + 60_000));
    const events = receivedEvents(endpoint);
    expect(events.slice(2).map((e) => `${e.type}@${e.threshold}`).sort()).toEqual(["alert.resolved@100", "alert.resolved@80"]);
    expect(events).toHaveLength(4);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    const emails = await db.notification.findMany({ where: { clientId: chat.clientId, channel: "email" }, orderBy: [{ createdAt: "asc" }, { threshold: "asc" }] });
    expect(emails.map((n) => [n.kind, n.threshold, n.recipient, n.status, n.deliveredVia, n.attempts])).toEqual([
      ["alert.threshold_crossed", 80, "ops@example.com", "sent", "stored", 1],
      ["alert.threshold_crossed", 100, "ops@example.com", "sent", "stored", 1],
      ["alert.resolved", 80, "ops@example.com", "sent", "stored", 1],
      ["alert.resolved", 100, "ops@example.com", "sent", "stored", 1],
    ]);
    await endpoint.close();
  });

  it("a dead webhook endpoint is retried by the worker and never slows a chat request", async () => {
    const { db } = testDb();
    const handler = chatHandlerFor(db, servers);
    const dead = await startEndpoint("hang");
    const chat = await createChatClient(db, { limits: { messagesPerMonth: 1000 }, alertThresholds: [1, 2, 3, 4, 5] });
    await subscribe(db, chat.clientId, dead);
    const timeChats = async (count: number) => {
      const took: number[] = [];
      for (let index = 0; index < count; index += 1) {
        const started = performance.now();
        const response = await handler.POST(chatRequest(chat.secretKey, { message: `question ${index}` }));
        expect(response.status).toBe(200);
        await response.arrayBuffer();
        took.push(performance.now() - started);
      }
      return took.sort((a, b) => a - b)[Math.floor(count / 2)]!;
    };
    const quiet = await timeChats(10);
    // The worker runs beside the chat, as inside `npm start`, against an endpoint that never answers.
    const webhookTimeoutMs = 5_000;
    const worker = startAlertWorkerLoop({
      getDb: async () => db,
      now: () => new Date(),
      options: () => ({ email: { kind: "stored" }, webhookTimeoutMs }),
      intervalMs: 20,
      label: "usage-alerts test",
    });
    try {
      // 50 messages cross five thresholds (1% .. 5% of 1,000): five alerts, five webhooks that hang.
      const busy = await timeChats(50);
      await expect.poll(() => dead.received.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      console.log(`chat p50 with the alert webhook endpoint down: ${busy.toFixed(1)} ms (without the worker: ${quiet.toFixed(1)} ms)`);
      // A chat waiting on the webhook would take the webhook's timeout; it takes a small part of it.
      expect(busy).toBeLessThan(webhookTimeoutMs / 10);
    } finally {
      await worker.stop();
      await dead.close();
    }
    expect(await db.usageAlert.count({ where: { clientId: chat.clientId } })).toBe(5);
  });

  it("a new period resolves last period's open alerts at its first instant, not a millisecond before", async () => {
    const { db } = testDb();
    const now = new Date("2026-11-30T23:59:59.000Z");
    const handler = chatHandlerFor(db, servers, 5_000, () => now);
    const chat = await createChatClient(db, { limits: { messagesPerMonth: 2 }, alertThresholds: [50] });
    expect((await handler.POST(chatRequest(chat.secretKey, { message: "one" }))).status).toBe(200);
    expect(await alertsOf(db, chat.clientId)).toEqual([
      { limitKey: "messagesPerMonth", threshold: 50, value: "1", limit: "2", resolvedReason: null },
    ]);

    await resolveEndedPeriodAlerts(db, new Date("2026-11-30T23:59:59.999Z"));
    expect((await alertsOf(db, chat.clientId))[0]!.resolvedReason).toBeNull();
    await resolveEndedPeriodAlerts(db, new Date("2026-12-01T00:00:00.000Z"));
    const [alert] = await db.usageAlert.findMany({ where: { clientId: chat.clientId } });
    expect(alert).toMatchObject({ resolvedReason: "new_period", resolvedAt: new Date("2026-12-01T00:00:00.000Z") });
  });

  it("every threshold a single call jumps over is recorded, limits of zero and unlimited ones alert nothing", async () => {
    const { db } = testDb();
    const now = new Date("2028-02-29T23:55:00.000Z");
    const handler = chatHandlerFor(db, servers, 5_000, () => now);
    // One message is 50% of a limit of 2 and 100% of a limit of 1; a tool-less plan's toolCalls limit is 0.
    const chat = await createChatClient(db, {
      limits: { messagesPerMonth: 2, conversationsPerMonth: 1, toolCallsPerMonth: 0, tokensPerMonth: null },
      alertThresholds: [25, 50, 100],
    });
    expect((await handler.POST(chatRequest(chat.secretKey, { message: "hello" }))).status).toBe(200);
    expect((await alertsOf(db, chat.clientId)).map((a) => `${a.limitKey}@${a.threshold}`)).toEqual([
      "conversationsPerMonth@25",
      "conversationsPerMonth@50",
      "conversationsPerMonth@100",
      "messagesPerMonth@25",
      "messagesPerMonth@50",
    ]);
    expect((await db.usageAlert.findMany({ where: { clientId: chat.clientId } })).every((a) => a.period === "2028-02")).toBe(true);
  });

  it("editing a plan's limits does not resolve alerts the usage is still over", async () => {
    const { db } = testDb();
    const now = new Date("2026-11-20T12:00:00.000Z");
    const handler = chatHandlerFor(db, servers, 5_000, () => now);
    const chat = await createChatClient(db, { limits: { messagesPerMonth: 4 }, alertThresholds: [50, 100] });
    for (const message of ["a", "b"]) expect((await handler.POST(chatRequest(chat.secretKey, { message }))).status).toBe(200);
    const { resolveAlertsForNewLimits } = await import("@/server/alerts/resolve-alerts");
    // 2 of 3 is still over 50% of the new limit; nothing to resolve.
    expect(await resolveAlertsForNewLimits(db, { scope: { planKey: chat.planKey }, period: "2026-11", limits: { messagesPerMonth: 3 }, now })).toBe(0);
    // 2 of 5 is under 50%: resolved.
    expect(await resolveAlertsForNewLimits(db, { scope: { planKey: chat.planKey }, period: "2026-11", limits: { messagesPerMonth: 5 }, now })).toBe(1);
    expect((await alertsOf(db, chat.clientId))[0]).toMatchObject({ threshold: 50, resolvedReason: "plan_change" });
  });
});

describe("usage alerts under concurrency [postgres, two app processes]", () => {
  let servers: TLlmServers;
  let database: TDatabase;
  let dropDatabase: () => Promise<void>;
  const processes: ChildProcess[] = [];
  const ports: number[] = [];

  beforeAll(async () => {
    servers = await startLlmServers();
    const created = await createPostgresDatabase();
    dropDatabase = created.drop;
    database = await openDatabase({ kind: "postgres", url: created.url, migrate: true });
    for (const app of await Promise.all([0, 1].map(() => spawnChatServer({ databaseUrl: created.url, servers })))) {
      processes.push(app.child);
      ports.push(app.port);
    }
  }, 120_000);

  afterAll(async () => {
    stopChatServers(processes);
    await database?.close();
    await dropDatabase?.();
    await servers?.close();
  });

  it("200 concurrent requests crossing three thresholds of a 100-message limit: exactly one alert each", async () => {
    const chat = await createChatClient(database.db, { limits: { messagesPerMonth: 100 }, alertThresholds: [50, 80, 100] });
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, index) => postChatTo(ports[index % 2]!, chat.secretKey, `question ${index}`)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(100);
    const alerts = await database.db.usageAlert.findMany({ where: { clientId: chat.clientId }, orderBy: { threshold: "asc" } });
    expect(alerts.map((a) => a.threshold)).toEqual([50, 80, 100]);
    // Each was recorded by the settle that reached it: the counter's value then.
    expect(alerts.map((a) => a.value.toString())).toEqual(["50", "80", "100"]);
  });
});
