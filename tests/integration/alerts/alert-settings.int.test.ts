import { beforeAll, expect, it } from "vitest";
import type { TSession } from "@/server/auth/session";
import { setAlertWebhook } from "@/server/alerts/alert-settings";
import { AppError } from "@/server/errors/app-error";
import { createTestAdmin, createTestClient } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { callerFor, httpCall } from "../plans/plan-test-support";
import { rejection } from "../payments/payment-test-support";

// A client's alert settings through tRPC's HTTP handler: what the dashboard sends and sees.
const NOW = new Date("2026-11-20T10:00:00.000Z");
const NO_INTERNALS = /prisma|sql|select |insert |update |stack|at \w+ \(/i;

describeEachDatabase("alerts: client alert settings", (testDb) => {
  let admin: TSession;
  let viewer: TSession;
  beforeAll(async () => {
    const { db } = testDb();
    admin = { user: await createTestAdmin(db, "admin") };
    viewer = { user: await createTestAdmin(db, "viewer") };
  });

  it("alert emails are validated: a bad address or too many is a 400 naming the field, with no ORM or SQL text, and nothing is saved", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    for (const alertEmails of [["ops@example.com", "not-an-email"], Array.from({ length: 11 }, (_, i) => `a${i}@example.com`)]) {
      const response = await httpCall(db, admin, "alerts.updateSettings", { clientId: client.id, alertEmails, dailyUsageSummary: false });
      expect(response.status).toBe(400);
      expect(Object.keys(response.error!.data.zodError!.fieldErrors)).toEqual(["alertEmails"]);
      expect(JSON.stringify(response.error)).not.toMatch(NO_INTERNALS);
    }
    expect((await db.client.findUniqueOrThrow({ where: { id: client.id } })).alertEmails).toEqual([]);

    const saved = await httpCall(db, admin, "alerts.updateSettings", { clientId: client.id, alertEmails: [" Ops@Example.com", "ops@example.com", "cto@example.com"], dailyUsageSummary: true });
    expect(saved.status).toBe(200);
    expect(saved.data).toMatchObject({ alertEmails: ["ops@example.com", "cto@example.com"], dailyUsageSummary: true });
    const audit = await db.auditLog.findFirstOrThrow({ where: { clientId: client.id, action: "client.alert_settings" } });
    expect(audit).toMatchObject({ actorId: admin.user.id, after: { alertEmails: ["ops@example.com", "cto@example.com"], dailyUsageSummary: true } });
  });

  it("a webhook URL must be https (http only for localhost outside production), without credentials: else a 400 naming url", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    for (const url of ["not a url", "ftp://example.com/hook", "http://example.com/hook", "https://user:pw@example.com/hook", "javascript:alert(1)"]) {
      const response = await httpCall(db, admin, "alerts.setWebhook", { clientId: client.id, url });
      expect(response.status, url).toBe(400);
      expect(Object.keys(response.error!.data.zodError!.fieldErrors)).toEqual(["url"]);
      expect(JSON.stringify(response.error)).not.toMatch(NO_INTERNALS);
    }
    // In production even localhost needs https.
    const refused = await rejection(setAlertWebhook(db, { clientId: client.id, url: "http://localhost:4000/hook" }, admin.user, NOW, { allowHttpLocalhost: false }));
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).httpStatus).toBe(400);
    expect((refused as AppError).message).toMatch(/^url: must be an https/);
    expect((await db.client.findUniqueOrThrow({ where: { id: client.id } })).alertWebhookUrl).toBeNull();
  });

  it("saving a webhook URL returns its whsec_ secret in that response only; the settings, the audit and a second read never carry it; saving again rotates it and re-enables a disabled endpoint", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const saved = await httpCall(db, admin, "alerts.setWebhook", { clientId: client.id, url: "https://hooks.example.com/meterline" });
    expect(saved.status).toBe(200);
    const { secret, settings } = saved.data as { secret: string; settings: Record<string, unknown> };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(settings).toMatchObject({ webhookUrl: "https://hooks.example.com/meterline", webhookDisabledAt: null });

    const read = await httpCall(db, viewer, "alerts.settings", { clientId: client.id }, "GET");
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.data)).not.toContain(secret.slice(6, 20));
    const audits = await db.auditLog.findMany({ where: { clientId: client.id } });
    expect(JSON.stringify(audits)).not.toContain(secret.slice(6, 20));
    expect(audits.map((a) => a.action)).toEqual(["client.alert_webhook_set"]);

    await db.client.update({ where: { id: client.id }, data: { alertWebhookDisabledAt: NOW } });
    const again = await callerFor(db, admin).alerts.setWebhook({ clientId: client.id, url: "https://hooks.example.com/meterline" });
    expect(again.secret).not.toBe(secret);
    expect(again.settings.webhookDisabledAt).toBeNull();
    const removed = await callerFor(db, admin).alerts.setWebhook({ clientId: client.id, url: null });
    expect(removed).toMatchObject({ secret: null, settings: { webhookUrl: null } });
  });

  it("a viewer reads settings and the outbox but every change is FORBIDDEN; signed out is UNAUTHORIZED", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    for (const [path, input] of [
      ["alerts.setWebhook", { clientId: client.id, url: "https://hooks.example.com/x" }],
      ["alerts.updateSettings", { clientId: client.id, alertEmails: [], dailyUsageSummary: false }],
      ["alerts.sendTest", { clientId: client.id }],
      ["alerts.resend", { id: "00000000-0000-4000-8000-000000000000" }],
    ] as const) {
      expect((await httpCall(db, viewer, path, input)).status, path).toBe(403);
      expect((await httpCall(db, null, path, input)).status, path).toBe(401);
    }
    expect((await httpCall(db, viewer, "alerts.outbox", {}, "GET")).status).toBe(200);
    expect((await httpCall(db, viewer, "alerts.list", {}, "GET")).status).toBe(200);
  });

  it("send a test queues alert.test for each recipient; with none it is a 409 saying what to add", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const none = await httpCall(db, admin, "alerts.sendTest", { clientId: client.id });
    expect(none.status).toBe(409);
    expect(none.error!.message).toMatch(/add an alert email or a webhook URL/);
    const caller = callerFor(db, admin);
    await caller.alerts.updateSettings({ clientId: client.id, alertEmails: ["ops@example.com"], dailyUsageSummary: false });
    await caller.alerts.setWebhook({ clientId: client.id, url: "https://hooks.example.com/t" });
    expect(await caller.alerts.sendTest({ clientId: client.id })).toEqual({ queued: 2 });
    const rows = await db.notification.findMany({ where: { clientId: client.id }, orderBy: { channel: "asc" } });
    expect(rows.map((r) => [r.kind, r.channel, r.status])).toEqual([
      ["alert.test", "email", "pending"],
      ["alert.test", "webhook", "pending"],
    ]);
  });

  it("an admin resends a failed message (pending again, due now, attempts reset, audited); a message that is not failed is a 409", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const failed = await db.notification.create({
      data: { clientId: client.id, kind: "alert.test", channel: "email", dedupeKey: `test:${client.id}:1`, recipient: "ops@example.com", payload: {}, status: "failed", attempts: 12, lastError: "boom", nextAttemptAt: new Date("2026-01-01T00:00:00Z") },
    });
    const response = await httpCall(db, admin, "alerts.resend", { id: failed.id });
    expect(response.status).toBe(200);
    const row = await db.notification.findUniqueOrThrow({ where: { id: failed.id } });
    expect(row).toMatchObject({ status: "pending", attempts: 0 });
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(new Date("2026-01-01T00:00:00Z").getTime());
    expect(await db.auditLog.count({ where: { entityId: failed.id, action: "notification.resend" } })).toBe(1);
    const twice = await httpCall(db, admin, "alerts.resend", { id: failed.id });
    expect(twice.status).toBe(409);
    expect(twice.error!.message).toMatch(/Only a failed message can be resent; this one is pending/);
  });
});
