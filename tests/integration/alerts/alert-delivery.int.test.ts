import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { fanOutAlerts } from "@/server/alerts/alert-outbox";
import { deliverDueNotifications, emailTransportFromConfig, type TDeliveryOptions } from "@/server/alerts/deliver-notifications";
import { runAlertWorkerTick } from "@/server/alerts/alert-worker";
import { enqueueDailySummaries } from "@/server/alerts/daily-summary";
import { MAX_DELIVERY_ATTEMPTS, nominalRetryDelayMs } from "@/server/alerts/notification-retry";
import { openDatabase } from "@/server/db/client";
import { createAlert, createAlertClient, startEndpoint, verifyStandardWebhook, type TEndpoint } from "./alert-test-support";
import { describeEachDatabase } from "../../support/test-database";

// The alert outbox from the alert row on: fan-out into one row per recipient, delivery by
// any number of workers, retries on the schedule, 410, dead endpoints, stored and Resend
// emails. Tests share the file's database and start from an empty outbox.
const NOW = new Date("2026-11-20T10:00:00.000Z");
const STORED: TDeliveryOptions = { email: { kind: "stored" }, webhookTimeoutMs: 2_000, random: () => 0.5 };

let endpoint: TEndpoint;
beforeAll(async () => {
  endpoint = await startEndpoint();
});
afterAll(async () => {
  await endpoint.close();
});

describeEachDatabase("alerts: the outbox", (testDb, kind) => {
  let warned: MockInstance<typeof console.warn>;
  beforeEach(async () => {
    const { db } = testDb();
    await db.notification.deleteMany();
    await db.usageAlert.deleteMany();
    endpoint.received.length = 0;
    endpoint.respond(200);
    warned = vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => {
    warned.mockRestore();
  });

  it("an alert fans out once into one row per recipient (each email, the webhook), however often the fan-out runs; its resolution follows the crossing", async () => {
    const { db } = testDb();
    const client = await createAlertClient(db, { emails: ["ops@example.com", "cto@example.com"], webhookUrl: `${endpoint.url}/hook` });
    const alert = await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW });

    expect(await fanOutAlerts(db, NOW)).toEqual({ crossed: 1, resolved: 0, notifications: 3 });
    expect(await fanOutAlerts(db, NOW)).toEqual({ crossed: 0, resolved: 0, notifications: 0 });
    await Promise.all([fanOutAlerts(db, NOW), fanOutAlerts(db, NOW)]);
    const rows = await db.notification.findMany({ where: { alertId: alert.id }, orderBy: { recipient: "asc" } });
    expect(rows.map((r) => [r.kind, r.channel, r.recipient, r.status])).toEqual([
      ["alert.threshold_crossed", "email", "cto@example.com", "pending"],
      ["alert.threshold_crossed", "webhook", `${endpoint.url}/hook`, "pending"],
      ["alert.threshold_crossed", "email", "ops@example.com", "pending"],
    ].sort((a, b) => a[2]!.localeCompare(b[2]!)));
    expect(rows[0]!.payload).toMatchObject({
      type: "alert.threshold_crossed",
      timestamp: NOW.toISOString(),
      data: { alertId: alert.id, clientId: client.id, limitKey: "messagesPerMonth", counter: "messages", threshold: 80, limit: "1000", value: "800", period: "2026-11" },
    });
    expect((await db.usageAlert.findUniqueOrThrow({ where: { id: alert.id } })).notifiedAt).toEqual(NOW);

    const resolvedAt = new Date(NOW.getTime() + 60_000);
    await db.usageAlert.update({ where: { id: alert.id }, data: { resolvedAt, resolvedReason: "plan_change" } });
    expect(await fanOutAlerts(db, resolvedAt)).toEqual({ crossed: 0, resolved: 1, notifications: 3 });
    expect(await fanOutAlerts(db, resolvedAt)).toEqual({ crossed: 0, resolved: 0, notifications: 0 });
    const resolved = await db.notification.findMany({ where: { alertId: alert.id, kind: "alert.resolved" } });
    expect(resolved).toHaveLength(3);
    expect(resolved[0]!.payload).toMatchObject({ type: "alert.resolved", data: { resolvedReason: "plan_change" } });
  });

  it("an alert crossed and resolved before any fan-out sends the crossing first, then the resolution", async () => {
    const { db } = testDb();
    const client = await createAlertClient(db, { webhookUrl: `${endpoint.url}/hook` });
    await db.usageAlert.create({
      data: { clientId: client.id, period: "2026-10", limitKey: "messagesPerMonth", counter: "messages", threshold: 100, limit: "10", value: "10", planKey: client.planKey, crossedAt: new Date("2026-10-30T00:00:00Z"), resolvedAt: NOW, resolvedReason: "new_period" },
    });
    await runAlertWorkerTick(db, NOW, { ...STORED, batchSize: 1 });
    expect(endpoint.received.map((r) => (JSON.parse(r.body) as { type: string }).type)).toEqual(["alert.threshold_crossed", "alert.resolved"]);
  });

  it("a webhook is POSTed with Standard Webhooks headers that verify with the endpoint's secret (a verifier written from the spec); the id is the notification's", async () => {
    const { db } = testDb();
    const client = await createAlertClient(db, { webhookUrl: `${endpoint.url}/hook` });
    await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW });
    await fanOutAlerts(db, NOW);
    expect(await deliverDueNotifications(db, NOW, STORED)).toEqual({ claimed: 1, sent: 1, retrying: 0, failed: 0 });

    const [request] = endpoint.received;
    const row = await db.notification.findFirstOrThrow({ where: { clientId: client.id } });
    expect(request!.headers["webhook-id"]).toBe(row.id);
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(verifyStandardWebhook(client.secret!, request!.headers, request!.body, NOW)).toBe(true);
    // The verifier can fail: another secret, or a body changed by one character.
    expect(verifyStandardWebhook(`whsec_${Buffer.alloc(32, 7).toString("base64")}`, request!.headers, request!.body, NOW)).toBe(false);
    expect(verifyStandardWebhook(client.secret!, request!.headers, request!.body.replace("800", "801"), NOW)).toBe(false);
    expect(JSON.parse(request!.body)).toMatchObject({ type: "alert.threshold_crossed", data: { clientId: client.id, threshold: 80 } });
    expect(row).toMatchObject({ status: "sent", deliveredVia: "webhook", responseStatus: 200, attempts: 1, sentAt: NOW, lastError: null, lockedUntil: null });
    expect(await deliverDueNotifications(db, new Date(NOW.getTime() + 3_600_000), STORED)).toMatchObject({ claimed: 0 });
  });

  it("a failing endpoint is retried on the backoff schedule with the same webhook-id, then marked failed with the last error after the last attempt", async () => {
    const { db } = testDb();
    const client = await createAlertClient(db, { webhookUrl: `${endpoint.url}/hook` });
    await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW });
    await fanOutAlerts(db, NOW);
    endpoint.respond(503);
    let now = NOW;
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      // Nothing is sent before the row is due.
      expect(await deliverDueNotifications(db, new Date(now.getTime() - 1), STORED)).toMatchObject({ claimed: 0 });
      expect(await deliverDueNotifications(db, now, STORED)).toMatchObject({ claimed: 1 });
      const row = await db.notification.findFirstOrThrow({ where: { clientId: client.id } });
      expect(row.attempts).toBe(attempt);
      expect(row.lastError).toBe("the endpoint answered HTTP 503");
      expect(row.responseStatus).toBe(503);
      if (attempt < MAX_DELIVERY_ATTEMPTS) {
        expect(row.status).toBe("pending");
        // random() = 0.5: exactly the nominal delay.
        expect(row.nextAttemptAt.getTime() - now.getTime()).toBe(nominalRetryDelayMs(attempt));
        now = row.nextAttemptAt;
      } else {
        expect(row.status).toBe("failed");
      }
    }
    const hours = (now.getTime() - NOW.getTime()) / 3_600_000;
    expect(hours).toBeGreaterThan(18);
    expect(hours).toBeLessThan(24);
    expect(new Set(endpoint.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect(endpoint.received).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    expect(warned.mock.calls.at(-1)?.[0]).toMatch(/failed for good: the endpoint answered HTTP 503/);
  });

  it("410 Gone disables the client's endpoint: the row fails, the other queued messages for it fail, nothing more is queued for it, and it is logged", async () => {
    const { db } = testDb();
    const client = await createAlertClient(db, { emails: ["ops@example.com"], webhookUrl: `${endpoint.url}/gone` });
    await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW, threshold: 80 });
    await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW, threshold: 100 });
    await fanOutAlerts(db, NOW);
    endpoint.respond(410);
    // Batches of two until the outbox is drained: which rows share a batch is the order of
    // equal due times, so whether the 410 comes first or the emails do is not fixed.
    let claimed = 0;
    for (let batch = 0; batch < 4; batch++) {
      const outcome = await deliverDueNotifications(db, NOW, { ...STORED, batchSize: 2 });
      claimed += outcome.claimed;
      if (outcome.claimed === 0) break;
    }
    expect(claimed).toBeGreaterThanOrEqual(3);
    const webhooks = await db.notification.findMany({ where: { clientId: client.id, channel: "webhook" } });
    expect(webhooks.map((r) => r.status)).toEqual(["failed", "failed"]);
    expect(endpoint.received.length).toBeGreaterThanOrEqual(1);
    expect(webhooks.some((r) => r.responseStatus === 410 && /410 Gone/.test(r.lastError ?? ""))).toBe(true);
    const stored = await db.client.findUniqueOrThrow({ where: { id: client.id }, select: { alertWebhookDisabledAt: true } });
    expect(stored.alertWebhookDisabledAt).toEqual(NOW);
    expect(warned.mock.calls.some(([message]) => /410 Gone; webhook disabled/.test(String(message)))).toBe(true);

    // A new alert goes to the emails only.
    await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW, threshold: 90 });
    expect(await fanOutAlerts(db, NOW)).toMatchObject({ crossed: 1, notifications: 1 });
  });

  it("a dead endpoint (connection refused) and a hanging one (no answer) are retried with backoff; a hanging one costs one timeout", async () => {
    const { db } = testDb();
    const dead = await startEndpoint();
    const deadUrl = `${dead.url}/hook`;
    await dead.close();
    const hanging = await startEndpoint("hang");
    try {
      const refused = await createAlertClient(db, { webhookUrl: deadUrl });
      const silent = await createAlertClient(db, { webhookUrl: `${hanging.url}/hook` });
      await createAlert(db, { clientId: refused.id, planKey: refused.planKey, crossedAt: NOW });
      await createAlert(db, { clientId: silent.id, planKey: silent.planKey, crossedAt: NOW });
      await fanOutAlerts(db, NOW);
      const started = performance.now();
      expect(await deliverDueNotifications(db, NOW, { ...STORED, webhookTimeoutMs: 300 })).toMatchObject({ claimed: 2, retrying: 2 });
      expect(performance.now() - started).toBeLessThan(5_000);
      const refusedRow = await db.notification.findFirstOrThrow({ where: { clientId: refused.id } });
      const silentRow = await db.notification.findFirstOrThrow({ where: { clientId: silent.id } });
      expect(refusedRow).toMatchObject({ status: "pending", attempts: 1, lockedUntil: null });
      expect(refusedRow.lastError).toMatch(/could not reach the endpoint: ECONNREFUSED/);
      expect(silentRow.lastError).toBe("no answer within 300 ms");
      for (const row of [refusedRow, silentRow]) expect(row.nextAttemptAt.getTime() - NOW.getTime()).toBe(nominalRetryDelayMs(1));
      expect(hanging.received).toHaveLength(1);
    } finally {
      await hanging.close();
    }
  });

  it("several workers at once deliver each message exactly once", async () => {
    const { db } = testDb();
    const clients = await Promise.all(Array.from({ length: 10 }, () => createAlertClient(db, { webhookUrl: `${endpoint.url}/hook` })));
    for (const client of clients) {
      for (const threshold of [50, 80, 100]) await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW, threshold });
    }
    await fanOutAlerts(db, NOW);
    expect(await db.notification.count({ where: { status: "pending" } })).toBe(30);
    // On PostgreSQL each worker has its own pool, as separate processes would; PGlite is one
    // connection, so its workers interleave on it.
    const extra = kind === "postgres" ? await Promise.all([1, 2, 3].map(() => openDatabase({ kind: "postgres", url: testDb().url!, poolSize: 4 }))) : [];
    try {
      const workers = [db, ...extra.map((d) => d.db)];
      const runs = await Promise.all(
        workers.flatMap((workerDb) => [0, 1].map(() => runAlertWorkerTick(workerDb, NOW, { ...STORED, batchSize: 3 }))),
      );
      expect(runs.reduce((sum, run) => sum + run.delivery.sent, 0)).toBe(30);
    } finally {
      await Promise.all(extra.map((d) => d.close()));
    }
    const ids = endpoint.received.map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    expect(await db.notification.count({ where: { status: "sent" } })).toBe(30);
  });

  it("a worker that died mid-send lets the row go when its lease ends; the late worker's result is not written over the new attempt", async () => {
    const { db } = testDb();
    const client = await createAlertClient(db, { webhookUrl: `${endpoint.url}/hook` });
    await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW });
    await fanOutAlerts(db, NOW);
    const { claimDueNotifications } = await import("@/server/alerts/deliver-notifications");
    const [claimed] = await claimDueNotifications(db, NOW, { leaseMs: 60_000 });
    expect(claimed).toBeDefined();
    expect(await claimDueNotifications(db, new Date(NOW.getTime() + 59_999))).toEqual([]);
    const later = new Date(NOW.getTime() + 60_000);
    expect(await deliverDueNotifications(db, later, STORED)).toMatchObject({ claimed: 1, sent: 1 });
    const row = await db.notification.findFirstOrThrow({ where: { clientId: client.id } });
    expect(row).toMatchObject({ status: "sent", attempts: 2, sentAt: later });
  });

  it("without RESEND_API_KEY an email is rendered and stored (sent, via 'stored'); with one it goes to Resend's API with subject, HTML and text", async () => {
    const { db } = testDb();
    const client = await createAlertClient(db, { emails: ["ops@example.com"], name: "Émile & Søn 株式会社" });
    await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW });
    await fanOutAlerts(db, NOW);
    expect(await deliverDueNotifications(db, NOW, STORED)).toMatchObject({ sent: 1 });
    expect(await db.notification.findFirstOrThrow({ where: { clientId: client.id } })).toMatchObject({ status: "sent", deliveredVia: "stored", sentAt: NOW });

    const resendApi = await startEndpoint(200);
    try {
      await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW, threshold: 100 });
      await fanOutAlerts(db, NOW);
      const email = emailTransportFromConfig({ apiKey: "re_test_key", baseUrl: resendApi.url, from: "Alerts <alerts@example.com>" });
      expect(await deliverDueNotifications(db, NOW, { ...STORED, email })).toMatchObject({ sent: 1 });
      const [request] = resendApi.received;
      expect(request!.path).toBe("/emails");
      expect(request!.headers.authorization).toBe("Bearer re_test_key");
      const sent = JSON.parse(request!.body) as { from: string; to: string[]; subject: string; html: string; text: string };
      expect(sent.to).toEqual(["ops@example.com"]);
      expect(sent.subject).toBe("Émile & Søn 株式会社: 100% of the messages per month limit reached (2026-11)");
      expect(sent.html).toContain("Émile &amp; Søn 株式会社");
      expect(sent.text).toContain("800 of 1,000");
      expect(request!.headers["idempotency-key"]).toMatch(/^notification-/);

      // Resend refusing (422: unverified domain) will not get better: failed at once, with its message.
      resendApi.respond(422);
      await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW, threshold: 90 });
      await fanOutAlerts(db, NOW);
      vi.spyOn(console, "error").mockImplementation(() => {});
      expect(await deliverDueNotifications(db, NOW, { ...STORED, email })).toMatchObject({ failed: 1 });
      const refused = await db.notification.findFirstOrThrow({ where: { clientId: client.id, threshold: 90 } });
      expect(refused.lastError).toMatch(/^Resend refused the email/);
    } finally {
      vi.mocked(console.error).mockRestore?.();
      await resendApi.close();
    }
  });

  it("a client opted in to the daily summary gets one per day, whoever runs the worker and how often", async () => {
    const { db } = testDb();
    const client = await createAlertClient(db, { emails: ["ops@example.com", "cfo@example.com"] });
    await db.client.update({ where: { id: client.id }, data: { dailyUsageSummary: true } });
    await db.usageCounter.create({ data: { clientId: client.id, period: "2026-11", metric: "messages", value: "420" } });
    const first = await enqueueDailySummaries(db, NOW);
    expect(first).toBeGreaterThanOrEqual(2);
    expect(await enqueueDailySummaries(db, new Date(NOW.getTime() + 3_600_000))).toBe(0);
    const rows = await db.notification.findMany({ where: { clientId: client.id, kind: "usage.daily_summary" } });
    expect(rows.map((r) => r.recipient).sort()).toEqual(["cfo@example.com", "ops@example.com"]);
    expect(rows[0]!.payload).toMatchObject({ data: { date: "2026-11-20", period: "2026-11", metrics: [{ counter: "messages", value: "420", limitKey: "messagesPerMonth", limit: "1000" }] } });
    // The next day, one more.
    expect(await enqueueDailySummaries(db, new Date("2026-11-21T00:01:00Z"))).toBeGreaterThanOrEqual(2);
    expect(await db.notification.count({ where: { clientId: client.id, kind: "usage.daily_summary" } })).toBe(4);
  });
});

describe("alert emails", () => {
  it("each event renders to HTML and text naming the client, the limit and the values as decimals", async () => {
    const { renderAlertEmail } = await import("@/server/alerts/alert-email");
    const data = {
      alertId: "a1", clientId: "c1", clientName: "Acme <Corp>", period: "2026-11", limitKey: "costLimitUSD", counter: "costUsd",
      threshold: 100, limit: "50.0000000000", value: "50.1234500000", planKey: "pro", upgradeUrl: "https://example.com/upgrade",
    };
    const crossed = await renderAlertEmail({ type: "alert.threshold_crossed", timestamp: NOW.toISOString(), data });
    expect(crossed.subject).toBe("Acme <Corp>: 100% of the cost (USD) limit reached (2026-11)");
    expect(crossed.html).toContain("Acme &lt;Corp&gt;");
    expect(crossed.html).toContain('href="https://example.com/upgrade"');
    expect(crossed.text).toContain("50.12345 of 50");
    expect(crossed.text).toContain("Further requests that need this limit are refused");
    const resolved = await renderAlertEmail({ type: "alert.resolved", timestamp: NOW.toISOString(), data: { ...data, resolvedReason: "new_period" } });
    expect(resolved.text).toContain("a new billing period started");
    const test = await renderAlertEmail({ type: "alert.test", timestamp: NOW.toISOString(), data: { clientId: "c1", clientName: "Acme", message: "It works." } });
    expect(test.text).toContain("It works.");
  });
});
