import { clockNow } from "@/server/clock";
import type { TRPCError } from "@trpc/server";
import { expect, it } from "vitest";
import { AppError } from "@/server/errors/app-error";
import { periodOf } from "@/server/usage/period";
import { createTestClient } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { useAdminAndViewer, rejection, definitionOf, httpCall, teamPlan, uniquePlanKey } from "./plan-test-support";

describeEachDatabase("plans: create, update, archive, impact", (testDb) => {
  const { asAdmin, asViewer, sessions } = useAdminAndViewer(testDb);

  it("creates a plan from a copy: limits, features and pricing left out come from the source; version 1 is snapshotted and audited", async () => {
    const { db } = testDb();
    const sourceKey = uniquePlanKey("source");
    const source = await asAdmin().plans.create({
      plan: { ...teamPlan(sourceKey), optimization: { contextBudgetTokens: 3_000, routing: { enabled: true }, degradeAtCostPercent: 90 } },
    });
    expect(source.optimization).toMatchObject({ contextBudgetTokens: 3_000, degradeAtCostPercent: 90, routing: { enabled: true } });
    expect(source).toMatchObject({ key: sourceKey, version: 1, active: true, clientCount: 0 });
    expect(source.pricing).toMatchObject({ baseCost: "49.00", currency: "USD", usageMultiplier: "1", prorationMode: "daily" });

    const copyKey = uniquePlanKey("copy");
    const copy = await asAdmin().plans.create({
      copyFrom: sourceKey,
      plan: { key: copyKey, name: "Team Plus", limits: { messagesPerMonth: 5_000, tokensPerMonth: null } },
    });
    expect(copy).toMatchObject({ key: copyKey, name: "Team Plus", version: 1, active: true, description: null });
    expect(copy.limits).toEqual({ messagesPerMonth: 5_000, tokensPerMonth: null });
    expect(copy.features).toEqual(source.features);
    expect(copy.pricing).toEqual(source.pricing);
    expect(copy.optimization).toEqual(source.optimization);
    expect(await asViewer().plans.get({ key: copyKey })).toEqual(copy);

    const versions = await db.planConfigVersion.findMany({ where: { planKey: copyKey } });
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, createdBy: sessions().admin.user.email });
    expect(versions[0]!.snapshot).toMatchObject({ key: copyKey, version: 1, limits: copy.limits, pricing: copy.pricing });
    const audit = await db.auditLog.findMany({ where: { entityType: "PlanConfig", entityId: copyKey } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "plan.create", actorEmail: sessions().admin.user.email });
    expect(audit[0]!.after).toMatchObject({ key: copyKey, copiedFrom: sourceKey });
  });

  it("refuses a duplicate key (CONFLICT), a copy of a plan that does not exist (NOT_FOUND), and a plan without pricing or a source", async () => {
    const key = uniquePlanKey();
    await asAdmin().plans.create({ plan: teamPlan(key) });
    const duplicate = await rejection(asAdmin().plans.create({ plan: teamPlan(key, { name: "Another" }) }));
    expect(duplicate.code).toBe("CONFLICT");
    expect(duplicate.cause).toMatchObject({ code: "PLAN_KEY_TAKEN" });
    expect(duplicate.message).toMatch(/already exists/);
    expect((await asAdmin().plans.get({ key })).name).toBe(`Team ${key}`);

    const missing = await rejection(asAdmin().plans.create({ copyFrom: "no-such-plan", plan: { key: uniquePlanKey(), name: "X" } }));
    expect(missing.code).toBe("NOT_FOUND");

    const response = await httpCall(testDb().db, sessions().admin, "plans.create", { plan: { key: uniquePlanKey(), name: "Bare" } });
    expect(response.status).toBe(400);
    expect(response.error?.data.zodError?.fieldErrors.plan).toEqual([
      "limits: is required (or give copyFrom to copy it from another plan)",
      "features: is required (or give copyFrom to copy it from another plan)",
      "pricing: is required (or give copyFrom to copy it from another plan)",
    ]);
  });

  it("an update bumps the version, snapshots the whole plan as saved, and audits before and after", async () => {
    const { db } = testDb();
    const key = uniquePlanKey();
    const created = await asAdmin().plans.create({ plan: teamPlan(key) });
    const edited = { ...definitionOf(created), name: "Team (2026)", limits: { ...created.limits, messagesPerMonth: 3_000 } };

    const updated = await asAdmin().plans.update({ key, expectedVersion: 1, plan: edited });
    expect(updated).toMatchObject({ key, version: 2, name: "Team (2026)" });
    expect(updated.limits.messagesPerMonth).toBe(3_000);

    const snapshot = (await db.planConfigVersion.findUniqueOrThrow({ where: { planKey_version: { planKey: key, version: 2 } } })).snapshot;
    const { clientCount: _count, updatedAt: _at, ...saved } = updated;
    expect(snapshot).toEqual(saved);
    expect(await db.planConfigVersion.count({ where: { planKey: key } })).toBe(2);

    const audit = await db.auditLog.findFirstOrThrow({ where: { entityId: key, action: "plan.update" } });
    expect(audit.actorEmail).toBe(sessions().admin.user.email);
    expect(audit.before).toMatchObject({ version: 1, name: `Team ${key}`, limits: { messagesPerMonth: 2_000 } });
    expect(audit.after).toMatchObject({ version: 2, name: "Team (2026)", limits: { messagesPerMonth: 3_000 } });
  });

  it("a save from a stale version is CONFLICT and changes nothing; of two saves from one version exactly one wins", async () => {
    const { db } = testDb();
    const key = uniquePlanKey();
    const created = await asAdmin().plans.create({ plan: teamPlan(key) });
    await asAdmin().plans.update({ key, expectedVersion: 1, plan: { ...definitionOf(created), name: "First" } });

    const stale = await rejection(asAdmin().plans.update({ key, expectedVersion: 1, plan: { ...definitionOf(created), name: "Second" } }));
    expect(stale.code).toBe("CONFLICT");
    expect(stale.cause).toMatchObject({ code: "STALE_PLAN_VERSION", data: { expectedVersion: 1, currentVersion: 2 } });
    expect(stale.message).toBe("The plan was changed by someone else; reload");
    expect(await asAdmin().plans.get({ key })).toMatchObject({ version: 2, name: "First" });

    const results = await Promise.allSettled(
      ["Third", "Fourth"].map((name) => asAdmin().plans.update({ key, expectedVersion: 2, plan: { ...definitionOf(created), name } })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect((refused?.reason as TRPCError).code).toBe("CONFLICT");
    expect(await db.planConfigVersion.count({ where: { planKey: key } })).toBe(3);
    expect((await asAdmin().plans.get({ key })).version).toBe(3);
  });

  it("refuses invalid plans with BAD_REQUEST, naming each field in zod's field errors, and saves nothing", async () => {
    const { db } = testDb();
    const key = uniquePlanKey();
    const created = await asAdmin().plans.create({ plan: teamPlan(key) });
    const base = definitionOf(created);
    const cases: { plan: unknown; message: string }[] = [
      { plan: { ...base, limits: { messagesPerMonth: -1 } }, message: "limits.messagesPerMonth: must be 0 or more (null means unlimited)" },
      {
        plan: { ...base, pricing: { ...base.pricing, currency: "XYZ" } },
        message: "pricing.currency: XYZ is not an ISO 4217 currency code (e.g. USD, EUR, GBP, JPY)",
      },
      {
        plan: {
          ...base,
          pricing: {
            ...base.pricing,
            metrics: {
              tokens: {
                unitPrice: "0.01",
                tiers: { mode: "graduated", tiers: [{ upTo: 1000, unitPrice: "0.01" }, { upTo: 5000, unitPrice: "0.008" }] },
              },
            },
          },
        },
        message: "pricing.metrics.tokens.tiers.tiers.1.upTo: the last tier must be unbounded (upTo: null), else usage above 5000 has no price",
      },
      {
        plan: {
          ...base,
          pricing: {
            ...base.pricing,
            metrics: {
              tokens: {
                unitPrice: "0.01",
                tiers: {
                  mode: "volume",
                  tiers: [
                    { upTo: 5000, unitPrice: "0.01" },
                    { upTo: 1000, unitPrice: "0.008" },
                    { upTo: null, unitPrice: "0.005" },
                  ],
                },
              },
            },
          },
        },
        message: "pricing.metrics.tokens.tiers.tiers.1.upTo: must be greater than the previous tier's upTo (5000); tiers must ascend",
      },
    ];
    for (const { plan, message } of cases) {
      const response = await httpCall(db, sessions().admin, "plans.update", { key, expectedVersion: 1, plan });
      expect(response.status).toBe(400);
      expect(response.error?.data.code).toBe("BAD_REQUEST");
      expect(response.error?.data.zodError?.fieldErrors.plan).toContain(message);
    }
    const created2 = await httpCall(db, sessions().admin, "plans.create", { plan: { ...teamPlan(uniquePlanKey()), limits: { tokensPerMonth: -5 } } });
    expect(created2.error?.data.zodError?.fieldErrors.plan).toEqual(["limits.tokensPerMonth: must be 0 or more (null means unlimited)"]);
    expect((await asAdmin().plans.get({ key })).version).toBe(1);
    expect(await db.planConfigVersion.count({ where: { planKey: key } })).toBe(1);
  });

  it("archiving is refused while clients are on the plan, with their count; an empty plan is archived and audited", async () => {
    const { db } = testDb();
    const key = uniquePlanKey();
    await asAdmin().plans.create({ plan: teamPlan(key) });
    for (let i = 0; i < 3; i++) await createTestClient(db, { planKey: key });

    const response = await httpCall(db, sessions().admin, "plans.archive", { key });
    expect(response.status).toBe(409);
    expect(response.error?.message).toBe("3 clients are on this plan; move them first");
    expect(response.error?.data.appError).toMatchObject({ code: "PLAN_IN_USE", clientCount: 3 });
    expect((await asAdmin().plans.get({ key })).active).toBe(true);

    const emptyKey = uniquePlanKey();
    await asAdmin().plans.create({ plan: teamPlan(emptyKey) });
    expect(await asAdmin().plans.archive({ key: emptyKey })).toMatchObject({ key: emptyKey, active: false, clientCount: 0 });
    const audit = await db.auditLog.findFirstOrThrow({ where: { entityId: emptyKey, action: "plan.archive" } });
    expect(audit).toMatchObject({ actorEmail: sessions().admin.user.email, before: { active: true }, after: { active: false } });
    expect(await rejection(asAdmin().plans.archive({ key: "no-such-plan" }))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("a sessions().viewer reads plans but every change is FORBIDDEN and writes nothing", async () => {
    const { db } = testDb();
    const key = uniquePlanKey();
    const created = await asAdmin().plans.create({ plan: teamPlan(key) });
    const client = await createTestClient(db, { planKey: key });

    expect((await asViewer().plans.get({ key })).key).toBe(key);
    expect((await asViewer().plans.previewImpact({ key, limits: { messagesPerMonth: 1 } })).count).toBe(0);
    const attempts = [
      asViewer().plans.create({ plan: teamPlan(uniquePlanKey()) }),
      asViewer().plans.update({ key, expectedVersion: 1, plan: { ...definitionOf(created), name: "Viewer was here" } }),
      asViewer().plans.archive({ key }),
      asViewer().plans.changePlan({ clientId: client.id, toPlanKey: key, reason: "sessions().viewer tries", confirmWarnings: true }),
    ];
    for (const attempt of attempts) expect((await rejection(attempt)).code).toBe("FORBIDDEN");
    expect(await asAdmin().plans.get({ key })).toMatchObject({ version: 1, name: `Team ${key}`, active: true });
    expect(await db.auditLog.count({ where: { actorEmail: sessions().viewer.user.email } })).toBe(0);

    const anonymous = await httpCall(db, null, "plans.get", { key }, "GET");
    expect(anonymous.status).toBe(401);
  });

  it("previews which clients this period's usage already puts at or over new limits, in one answer", async () => {
    const { db } = testDb();
    const key = uniquePlanKey();
    await asAdmin().plans.create({ plan: teamPlan(key) });
    const period = periodOf(clockNow());
    const [heavy, atLimit, light] = await Promise.all(
      ["Heavy", "At limit", "Light"].map((name) => createTestClient(db, { planKey: key, name: `${name} ${key}` })),
    );
    const elsewhere = await createTestClient(db);
    const counters = [
      { clientId: heavy!.id, period, metric: "messages", value: "600" },
      { clientId: heavy!.id, period, metric: "costUsd", value: "12.5000000001" },
      { clientId: heavy!.id, period, metric: "requests", value: "999" },
      { clientId: heavy!.id, period: "2001-01", metric: "tokens", value: "999999" },
      { clientId: atLimit!.id, period, metric: "messages", value: "300" },
      { clientId: light!.id, period, metric: "messages", value: "10" },
      { clientId: elsewhere.id, period, metric: "messages", value: "5000" },
    ];
    await db.usageCounter.createMany({ data: counters });

    const impact = await asViewer().plans.previewImpact({
      key,
      limits: { messagesPerMonth: 300, costLimitUSD: 12.5, tokensPerMonth: 100, requestsPerMinute: 1, conversationsPerMonth: null },
    });
    expect(impact).toMatchObject({ count: 2, period, truncated: false });
    expect(impact.clients).toEqual([
      { clientId: atLimit!.id, name: `At limit ${key}`, limitKey: "messagesPerMonth", current: "300", newLimit: 300 },
      { clientId: heavy!.id, name: `Heavy ${key}`, limitKey: "costLimitUSD", current: "12.5000000001", newLimit: 12.5 },
      { clientId: heavy!.id, name: `Heavy ${key}`, limitKey: "messagesPerMonth", current: "600", newLimit: 300 },
    ]);

    expect((await asViewer().plans.previewImpact({ key, limits: { messagesPerMonth: 1_000 } })).count).toBe(0);
    expect(await rejection(asViewer().plans.previewImpact({ key: "no-such-plan", limits: {} }))).toMatchObject({ code: "NOT_FOUND" });
    const invalid = await httpCall(db, sessions().viewer, "plans.previewImpact", { key, limits: { messagesPerMonth: -3 } }, "GET");
    expect(invalid.error?.data.zodError?.fieldErrors.limits).toEqual(["messagesPerMonth: must be 0 or more (null means unlimited)"]);
  });

  it("domain errors keep their AppError for direct callers", async () => {
    const error = await rejection(asViewer().plans.get({ key: "no-such-plan" }));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.cause).toBeInstanceOf(AppError);
  });
});
