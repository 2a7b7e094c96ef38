import { describe, expect, it, vi } from "vitest";
import { startAlertWorkerLoop } from "@/server/alerts/alert-worker";
import { createCronHandlers } from "@/server/http/cron-http";
import { createAlert, createAlertClient } from "./alert-test-support";
import { describeEachDatabase } from "../../support/test-database";

// The ways the worker runs besides the tests' direct calls: the protected cron route and
// the in-process loop, which must survive a database that is down without flooding the log.
const NOW = new Date("2026-11-20T10:00:00.000Z");
const SECRET = "cron-secret-for-the-alerts-test-0123456789";

describeEachDatabase("alerts: the cron route", (testDb) => {
  it("POST /api/cron/alerts wants the cron secret, then runs one pass: the alert's email is stored as sent", async () => {
    const { db } = testDb();
    const handlers = createCronHandlers({ getDb: async () => db, cronSecret: () => SECRET, now: () => NOW, alertDelivery: () => ({ email: { kind: "stored" } }) });
    const client = await createAlertClient(db, { emails: ["ops@example.com"] });
    await createAlert(db, { clientId: client.id, planKey: client.planKey, crossedAt: NOW });

    const refused = await handlers.alerts(new Request("http://test/api/cron/alerts", { method: "POST" }));
    expect(refused.status).toBe(401);
    expect(await db.notification.count({ where: { clientId: client.id } })).toBe(0);

    const response = await handlers.alerts(new Request("http://test/api/cron/alerts", { method: "POST", headers: { authorization: `Bearer ${SECRET}` } }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ fannedOut: { crossed: 1, notifications: 1 }, delivery: { sent: 1 }, at: NOW.toISOString() });
    expect(await db.notification.findFirstOrThrow({ where: { clientId: client.id } })).toMatchObject({ status: "sent", deliveredVia: "stored" });
  });
}, ["pglite"]);

describe("alerts: the worker loop", () => {
  it("a database that keeps failing never throws out of the loop; the same error is logged once, not on every run", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    let calls = 0;
    const loop = startAlertWorkerLoop({
      getDb: async () => {
        calls++;
        throw new Error("connect ECONNREFUSED 127.0.0.1:5432");
      },
      now: () => NOW,
      options: () => ({ email: { kind: "stored" } }),
      intervalMs: 5,
      label: "test worker",
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await loop.stop();
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]![0])).toMatch(/test worker: a run failed/);
    errors.mockRestore();
  });
});
