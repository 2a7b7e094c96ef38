import { expect, it } from "vitest";
import { DEMO_WEBHOOK_URL } from "@/server/seed/seed-demo-alerts";
import { seedDemoData } from "@/server/seed/seed-demo-data";
import { describeEachDatabase } from "../../support/test-database";

// The demo leaves alerts and their messages to look at: a stored email, a failed webhook, a
// resolved alert of last period and an open one of this period; at any instant (pinned to a
// month's first minutes or to a leap day's last), nothing dated after now, nothing pending
// that the worker would send, and a second run adds nothing.
for (const now of [new Date("2026-11-01T00:05:00.000Z"), new Date("2028-02-29T23:55:00.000Z")]) {
  describeEachDatabase(`seed: demo alerts at ${now.toISOString()}`, (testDb) => {
    it("leaves a resolved alert of last period and an open one of this period, a stored email and a failed webhook, nothing after now, and a re-run adds nothing", async () => {
      const { db } = testDb();
      await seedDemoData(db, { now, clients: 5, invoices: false });
      const alerts = await db.usageAlert.findMany({ orderBy: { crossedAt: "asc" } });
      expect(alerts.map((a) => [a.resolvedAt ? "resolved" : "open", a.period])).toEqual([
        ["resolved", new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7)],
        ["open", now.toISOString().slice(0, 7)],
      ]);
      const messages = await db.notification.findMany();
      expect(messages.some((m) => m.channel === "email" && m.status === "sent" && m.deliveredVia === "stored")).toBe(true);
      expect(messages.filter((m) => m.channel === "webhook").map((m) => [m.status, m.recipient])).toEqual([["failed", DEMO_WEBHOOK_URL]]);
      expect(messages.filter((m) => m.status === "pending")).toEqual([]);
      for (const at of [...alerts.flatMap((a) => [a.crossedAt, a.resolvedAt, a.notifiedAt]), ...messages.flatMap((m) => [m.createdAt, m.sentAt, m.nextAttemptAt])]) {
        if (at) expect(at.getTime()).toBeLessThanOrEqual(now.getTime());
      }
      await seedDemoData(db, { now, clients: 5, invoices: false });
      expect(await db.usageAlert.count()).toBe(2);
      expect(await db.notification.count()).toBe(messages.length);
    });
  }, ["pglite"]);
}
