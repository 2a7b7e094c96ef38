import { clockNow } from "@/server/clock";
import type { TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { changePlan, previewPlanChange } from "@/server/plans/change-plan";
import { periodOf } from "@/server/usage/period";
import { createTestClient } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { useAdminAndViewer, rejection, httpCall, teamPlan, uniquePlanKey } from "./plan-test-support";

describeEachDatabase("plans: changing a client's plan", (testDb) => {
  const { asAdmin, asViewer, sessions } = useAdminAndViewer(testDb);

  /** A Starter-like (29) and a Pro-like (99) plan, daily proration, and a client on the first. */
  async function starterAndPro(options: { proLimits?: Record<string, number | null> } = {}) {
    const starter = uniquePlanKey("starter");
    const pro = uniquePlanKey("pro");
    await asAdmin().plans.create({
      plan: teamPlan(starter, { name: "Starter", limits: { messagesPerMonth: 5_000 }, pricing: { baseCost: "29", currency: "USD", prorationMode: "daily" } }),
    });
    await asAdmin().plans.create({
      plan: teamPlan(pro, { name: "Pro", limits: options.proLimits ?? { messagesPerMonth: 25_000 }, pricing: { baseCost: "99", currency: "USD", prorationMode: "daily" } }),
    });
    const client = await createTestClient(testDb().db, { planKey: starter });
    return { starter, pro, clientId: client.id };
  }

  it("records a PlanChange with the preview's amounts and an audit entry, and switches the client's plan, in one step", async () => {
    const { db } = testDb();
    const { starter, pro, clientId } = await starterAndPro();
    const at = new Date("2026-11-15T10:00:00Z");

    const preview = await previewPlanChange(db, { clientId, toPlanKey: pro }, at);
    expect(preview).toMatchObject({
      fromPlan: { key: starter, name: "Starter", version: 1 },
      toPlan: { key: pro, name: "Pro", version: 1 },
      prorationMode: "daily",
      currency: "USD",
      period: "2026-11",
      daysInPeriod: 30,
      daysRemaining: 16,
      creditAmount: "15.47",
      chargeAmount: "52.80",
      netAmount: "37.33",
      warnings: [],
      requiresConfirmation: false,
      noop: false,
    });
    expect(preview.periodStart.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(preview.periodEnd.toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(await db.client.findUniqueOrThrow({ where: { id: clientId }, select: { planKey: true } })).toEqual({ planKey: starter });

    const result = await changePlan(db, { clientId, toPlanKey: pro, reason: "needs more messages", confirmWarnings: false }, sessions().admin.user, at);
    const { planChangeId, ...changed } = result;
    expect(changed).toEqual(preview);
    expect(planChangeId).toEqual(expect.any(String));

    const change = await db.planChange.findUniqueOrThrow({ where: { id: planChangeId! } });
    expect(change).toMatchObject({
      clientId,
      fromPlanKey: starter,
      fromPlanVersion: 1,
      toPlanKey: pro,
      toPlanVersion: 1,
      prorationMode: "daily",
      currency: "USD",
      warnings: [],
      changedBy: sessions().admin.user.email,
      reason: "needs more messages",
      invoiceId: null,
    });
    expect(change.effectiveAt.toISOString()).toBe(at.toISOString());
    expect([change.creditAmount.toFixed(2), change.chargeAmount.toFixed(2)]).toEqual([preview.creditAmount, preview.chargeAmount]);

    expect(await db.client.findUniqueOrThrow({ where: { id: clientId }, select: { planKey: true } })).toEqual({ planKey: pro });
    const audit = await db.auditLog.findMany({ where: { clientId, action: "client.plan_change" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorEmail: sessions().admin.user.email,
      entityType: "Client",
      entityId: clientId,
      reason: "needs more messages",
      before: { planKey: starter, planVersion: 1 },
      after: { planKey: pro, planVersion: 1, planChangeId, creditAmount: "15.47", chargeAmount: "52.80", currency: "USD" },
    });
  });

  it("through tRPC: the recorded amounts are the ones previewed and returned", async () => {
    const { db } = testDb();
    const { pro, clientId } = await starterAndPro();
    const preview = await asViewer().plans.previewChange({ clientId, toPlanKey: pro });
    const result = await asAdmin().plans.changePlan({ clientId, toPlanKey: pro, reason: "upgrade", confirmWarnings: false });
    expect(result.noop).toBe(false);
    // Daily proration: the same for the whole UTC day.
    expect([result.creditAmount, result.chargeAmount, result.netAmount]).toEqual([preview.creditAmount, preview.chargeAmount, preview.netAmount]);
    const change = await db.planChange.findUniqueOrThrow({ where: { id: result.planChangeId! } });
    expect([change.creditAmount.toFixed(2), change.chargeAmount.toFixed(2)]).toEqual([result.creditAmount, result.chargeAmount]);
    expect(change.effectiveAt.getTime()).toBe(result.effectiveAt.getTime());
    // Another plan change is a new row; the client page lists them.
    const detail = await asViewer().clients.get({ id: clientId });
    expect(detail.plan.key).toBe(pro);
    expect(detail.planChanges.map((c) => c.id)).toEqual([result.planChangeId]);
  });

  it("a downgrade that this period's usage already exceeds needs confirmWarnings; without it nothing is written", async () => {
    const { db } = testDb();
    const { starter, pro, clientId } = await starterAndPro({ proLimits: { messagesPerMonth: 500, tokensPerMonth: null } });
    await db.usageCounter.create({ data: { clientId, period: periodOf(clockNow()), metric: "messages", value: "600" } });

    const preview = await asViewer().plans.previewChange({ clientId, toPlanKey: pro });
    expect(preview.warnings).toEqual([{ limitKey: "messagesPerMonth", current: "600", newLimit: 500 }]);
    expect(preview.requiresConfirmation).toBe(true);

    const response = await httpCall(db, sessions().admin, "plans.changePlan", { clientId, toPlanKey: pro, reason: "cost cutting", confirmWarnings: false });
    expect(response.status).toBe(409);
    expect(response.error?.message).toMatch(/messagesPerMonth: 600 used, new limit 500/);
    expect(response.error?.data.appError?.warnings).toEqual(preview.warnings);
    expect(await db.client.findUniqueOrThrow({ where: { id: clientId }, select: { planKey: true } })).toEqual({ planKey: starter });
    expect(await db.planChange.count({ where: { clientId } })).toBe(0);
    expect(await db.auditLog.count({ where: { clientId } })).toBe(0);

    const confirmed = await asAdmin().plans.changePlan({ clientId, toPlanKey: pro, reason: "cost cutting", confirmWarnings: true });
    expect(confirmed.warnings).toEqual(preview.warnings);
    const change = await db.planChange.findUniqueOrThrow({ where: { id: confirmed.planChangeId! } });
    expect(change.warnings).toEqual(preview.warnings);
    expect(await db.client.findUniqueOrThrow({ where: { id: clientId }, select: { planKey: true } })).toEqual({ planKey: pro });
  });

  it("the same plan is a no-op that writes nothing", async () => {
    const { db } = testDb();
    const { starter, clientId } = await starterAndPro();
    const result = await asAdmin().plans.changePlan({ clientId, toPlanKey: starter, reason: "no change", confirmWarnings: false });
    expect(result).toMatchObject({ noop: true, planChangeId: null, creditAmount: "0.00", chargeAmount: "0.00", netAmount: "0.00", warnings: [] });
    expect(await db.planChange.count({ where: { clientId } })).toBe(0);
    expect(await db.auditLog.count({ where: { clientId } })).toBe(0);
  });

  it("a change and a change back the same day cancel out (daily proration)", async () => {
    const { db } = testDb();
    const { starter, pro, clientId } = await starterAndPro();
    const up = await changePlan(db, { clientId, toPlanKey: pro, reason: "try Pro", confirmWarnings: false }, sessions().admin.user, new Date("2026-11-15T09:00:00Z"));
    const back = await changePlan(db, { clientId, toPlanKey: starter, reason: "back", confirmWarnings: false }, sessions().admin.user, new Date("2026-11-15T17:00:00Z"));
    expect([up.creditAmount, up.chargeAmount, back.creditAmount, back.chargeAmount]).toEqual(["15.47", "52.80", "52.80", "15.47"]);
    const rows = await db.planChange.findMany({ where: { clientId }, orderBy: { effectiveAt: "asc" } });
    const net = rows.reduce((sum, row) => sum.plus(row.chargeAmount).minus(row.creditAmount), rows[0]!.creditAmount.minus(rows[0]!.creditAmount));
    expect(net.isZero()).toBe(true);
    expect(rows.map((r) => [r.fromPlanKey, r.toPlanKey])).toEqual([
      [starter, pro],
      [pro, starter],
    ]);
  });

  it("refuses an archived target plan and plans priced in another currency than the client's (BAD_REQUEST)", async () => {
    const { db } = testDb();
    const { pro, clientId } = await starterAndPro();
    const archived = uniquePlanKey("old");
    await asAdmin().plans.create({ plan: teamPlan(archived) });
    await asAdmin().plans.archive({ key: archived });
    const toArchived = await rejection(asAdmin().plans.changePlan({ clientId, toPlanKey: archived, reason: "legacy", confirmWarnings: false }));
    expect(toArchived.code).toBe("BAD_REQUEST");
    expect(toArchived.message).toMatch(/archived/);

    await db.client.update({ where: { id: clientId }, data: { currency: "EUR" } });
    const wrongCurrency = await rejection(asViewer().plans.previewChange({ clientId, toPlanKey: pro }));
    expect(wrongCurrency.code).toBe("BAD_REQUEST");
    expect(wrongCurrency.message).toMatch(/invoiced in EUR but "Starter" is priced in USD and "Pro" is priced in USD/);

    const euro = uniquePlanKey("euro");
    await asAdmin().plans.create({ plan: teamPlan(euro, { pricing: { baseCost: "45", currency: "EUR" } }) });
    await db.client.update({ where: { id: clientId }, data: { planKey: euro } });
    const moved = await asAdmin().plans.changePlan({ clientId, toPlanKey: euro, reason: "same", confirmWarnings: false });
    expect(moved.noop).toBe(true);
    expect(await db.planChange.count({ where: { clientId } })).toBe(0);
    expect((await rejection(asAdmin().plans.changePlan({ clientId, toPlanKey: "no-such-plan", reason: "x y z", confirmWarnings: false }))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("archiving a plan and moving a client onto it at the same time never leaves a client on an archived plan", async () => {
    const { db } = testDb();
    for (let round = 0; round < 10; round++) {
      const { pro, clientId } = await starterAndPro();
      const [archived, changed] = await Promise.allSettled([
        asAdmin().plans.archive({ key: pro }),
        asAdmin().plans.changePlan({ clientId, toPlanKey: pro, reason: "race", confirmWarnings: false }),
      ]);
      const plan = await db.planConfig.findUniqueOrThrow({ where: { key: pro }, select: { active: true, _count: { select: { clients: true } } } });
      const outcome = { archived: archived.status, changed: changed.status, active: plan.active, clients: plan._count.clients };
      // Whichever commits first wins; the other sees it and is refused.
      expect([
        { archived: "fulfilled", changed: "rejected", active: false, clients: 0 },
        { archived: "rejected", changed: "fulfilled", active: true, clients: 1 },
      ]).toContainEqual(outcome);
      const refused = (archived.status === "rejected" ? archived.reason : (changed as PromiseRejectedResult).reason) as TRPCError;
      expect(refused.code).toBe(archived.status === "rejected" ? "CONFLICT" : "BAD_REQUEST");
    }
  });
});
