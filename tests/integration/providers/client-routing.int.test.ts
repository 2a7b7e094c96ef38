import { beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "@/server/auth/session";
import { getClientRouting, setClientRouting } from "@/server/clients/set-client-routing";
import { createTestAdmin, createTestClient } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { rejection } from "../payments/payment-test-support";
import { callerFor } from "../plans/plan-test-support";

const NOW = new Date("2026-12-03T09:00:00Z");

describeEachDatabase("client routing switch", (testDb) => {
  let admin: TSessionUser;
  let viewer: TSessionUser;
  beforeAll(async () => {
    admin = await createTestAdmin(testDb().db, "admin");
    viewer = await createTestAdmin(testDb().db, "viewer");
  });

  it("an admin switches routing off and on; each change is audited with before and after; the same value again writes nothing", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    await db.planConfig.update({ where: { key: client.planKey }, data: { optimization: { contextBudgetTokens: 4000, routing: { enabled: true, maxChars: 200 }, degradeAtCostPercent: 90 } } });

    const before = await getClientRouting(db, { id: client.id });
    expect(before).toMatchObject({ id: client.id, routingEnabled: true, routingActive: true, plan: { key: client.planKey } });
    expect(before.optimization).toMatchObject({ contextBudgetTokens: 4000, losslessCompression: true, summarizeOlderTurns: false, degradeAtCostPercent: 90, routing: { enabled: true, maxChars: 200, maxDepth: 6 } });

    expect(await setClientRouting(db, { id: client.id, enabled: false }, admin, NOW)).toEqual({ id: client.id, routingEnabled: false });
    expect(await getClientRouting(db, { id: client.id })).toMatchObject({ routingEnabled: false, routingActive: false });
    await setClientRouting(db, { id: client.id, enabled: false }, admin, NOW); // no change
    await setClientRouting(db, { id: client.id, enabled: true }, admin, new Date(NOW.getTime() + 1000));

    const audits = await db.auditLog.findMany({ where: { entityId: client.id, action: "client.routing_change" }, orderBy: { createdAt: "asc" } });
    expect(audits).toEqual([
      expect.objectContaining({ actorEmail: admin.email, clientId: client.id, before: { routingEnabled: true }, after: { routingEnabled: false } }),
      expect.objectContaining({ actorEmail: admin.email, before: { routingEnabled: false }, after: { routingEnabled: true } }),
    ]);
  });

  it("the plan's rules off: the switch is on but nothing is routed; a viewer reads but cannot switch; bad input names the field; unknown client is 404", async () => {
    const { db } = testDb();
    const client = await createTestClient(db); // the test plan stores optimization {}: routing off
    expect(await getClientRouting(db, { id: client.id })).toMatchObject({ routingEnabled: true, routingActive: false, optimization: { routing: { enabled: false }, contextBudgetTokens: null } });

    const asViewer = callerFor(db, { user: viewer });
    expect((await asViewer.clients.routing({ id: client.id })).routingEnabled).toBe(true);
    await expect(asViewer.clients.setRouting({ id: client.id, enabled: false })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await db.client.findUniqueOrThrow({ where: { id: client.id } })).routingEnabled).toBe(true);

    expect(await rejection(setClientRouting(db, { id: client.id, enabled: "no" as unknown as boolean }, admin, NOW))).toMatchObject({ code: "BAD_REQUEST", data: { issues: [{ field: "enabled" }] } });
    expect(await rejection(setClientRouting(db, { id: "00000000-0000-4000-8000-000000000000", enabled: false }, admin, NOW))).toMatchObject({ code: "NOT_FOUND" });
    await expect(callerFor(db, { user: admin }).clients.setRouting({ id: client.id, enabled: false })).resolves.toEqual({ id: client.id, routingEnabled: false });
    expect(await db.auditLog.count({ where: { entityId: client.id, action: "client.routing_change" } })).toBe(1);
  });
});
