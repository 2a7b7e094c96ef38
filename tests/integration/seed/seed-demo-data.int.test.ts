import { expect, it } from "vitest";
import { seedDemoData } from "@/server/seed/seed-demo-data";
import { verifyPassword } from "@/server/auth/password";
import { describeEachDatabase } from "../../support/test-database";

const NOW = new Date("2026-11-25T07:00:00Z");

describeEachDatabase("demo seed", (testDb) => {
  // Failed calls (status error) are kept for reference but never counted or charged.
  it("a second run adds nothing, and counters agree with the events they summarise", async () => {
    const { db, sql } = testDb();
    const first = await seedDemoData(db, { now: NOW, clients: 5 });
    expect(first.totals.clients).toBe(5);
    expect(first.totals.usageEvents).toBeGreaterThan(1000);
    expect(first.totals.adminUsers).toBe(2);

    const second = await seedDemoData(db, { now: NOW, clients: 5 });
    expect(second.totals).toEqual(first.totals);
    expect(second.inserted.usageEvents).toBe(0);
    expect(second.inserted.clients).toBe(0);

    const mismatches = await sql.query(`
      WITH from_events AS (
        SELECT "clientId", to_char("occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM') AS period,
               count(*) FILTER (WHERE status <> 'error')::numeric AS messages, sum("costUsd") AS cost
        FROM "UsageEvent" GROUP BY 1, 2
      )
      SELECT e.* FROM from_events e
      LEFT JOIN "UsageCounter" m ON m."clientId" = e."clientId" AND m.period = e.period AND m.metric = 'messages'
      LEFT JOIN "UsageCounter" c ON c."clientId" = e."clientId" AND c.period = e.period AND c.metric = 'costUsd'
      WHERE m.value IS DISTINCT FROM e.messages OR c.value IS DISTINCT FROM e.cost`);
    expect(mismatches).toEqual([]);
  });

  it("the demo users sign in with the printed passwords and have their roles", async () => {
    const { db } = testDb();
    const users = await db.adminUser.findMany({
      where: { email: { in: ["admin@meterline.local", "viewer@meterline.local"] } },
      select: { email: true, role: true, passwordHash: true },
      orderBy: { email: "asc" },
    });
    expect(users.map((u) => [u.email, u.role])).toEqual([
      ["admin@meterline.local", "admin"],
      ["viewer@meterline.local", "viewer"],
    ]);
    expect(await verifyPassword("meterline-admin", users[0]!.passwordHash)).toBe(true);
    expect(await verifyPassword("meterline-viewer", users[1]!.passwordHash)).toBe(true);
  });
});
