// A plan's LLM cost settings (PlanConfig.optimization) on the plans' write path: stored,
// versioned and audited with the rest of the plan, refused whole with a 400 naming the
// field, kept by a save from the editor, and given to the demo plans by the seed.
import { expect, it } from "vitest";
import { blankFormState, formStateToPlan, planToFormState } from "@/app/(dashboard)/plans/plan-form-state";
import { inDisplayOrder } from "@/app/(dashboard)/plans/plan-display-order";
import { ZUpdatePlanInput, updatePlan } from "@/server/plans/update-plan";
import { demoPlanVersionRows, demoPlans } from "@/server/seed/generate-demo-tenants";
import { seedReference } from "@/server/seed/demo-reference";
import { createMissingPlans } from "@/server/seed/write-demo-rows";
import { DEFAULT_PLAN_OPTIMIZATION, type TPlanOptimizationInput } from "@/shared/plan-optimization";
import { describeEachDatabase } from "../../support/test-database";
import { definitionOf, httpCall, teamPlan, uniquePlanKey, useAdminAndViewer } from "./plan-test-support";

const TUNED: TPlanOptimizationInput = {
  contextBudgetTokens: 4_000,
  losslessCompression: false,
  summarizeOlderTurns: true,
  routing: {
    enabled: true,
    maxChars: 200,
    maxDepth: 4,
    cheapQuestionTypes: ["greeting", "how_to"],
    neverWhenTools: true,
    cheapModel: { provider: "anthropic", model: "claude-haiku-4-5" },
  },
  degradeAtCostPercent: 80,
};

describeEachDatabase("plans: LLM cost settings", (testDb) => {
  const { asAdmin, sessions } = useAdminAndViewer(testDb);

  it("an update stores the settings, snapshots them with the new version and audits before and after", async () => {
    const { db } = testDb();
    const key = uniquePlanKey("cost");
    const created = await asAdmin().plans.create({ plan: teamPlan(key) });
    expect(created.optimization).toEqual(DEFAULT_PLAN_OPTIMIZATION);

    const updated = await asAdmin().plans.update({ key, expectedVersion: 1, plan: { ...definitionOf(created), optimization: TUNED } });
    expect(updated.version).toBe(2);
    expect(updated.optimization).toEqual(TUNED);
    expect((await asAdmin().plans.get({ key })).optimization).toEqual(TUNED);
    expect((await db.planConfig.findUniqueOrThrow({ where: { key }, select: { optimization: true } })).optimization).toEqual(TUNED);

    const versions = await db.planConfigVersion.findMany({ where: { planKey: key }, orderBy: { version: "asc" } });
    expect(versions.map((v) => (v.snapshot as { optimization: unknown }).optimization)).toEqual([DEFAULT_PLAN_OPTIMIZATION, TUNED]);

    const audit = await db.auditLog.findFirstOrThrow({ where: { entityType: "PlanConfig", entityId: key, action: "plan.update" } });
    expect(audit.actorEmail).toBe(sessions().admin.user.email);
    expect((audit.before as { optimization: unknown }).optimization).toEqual(DEFAULT_PLAN_OPTIMIZATION);
    expect((audit.after as { optimization: unknown }).optimization).toEqual(TUNED);
  });

  it("the domain function versions the settings at the `now` it is given", async () => {
    const { db } = testDb();
    const key = uniquePlanKey("cost");
    const created = await asAdmin().plans.create({ plan: teamPlan(key) });
    const now = new Date("2027-03-15T10:00:00Z");
    const optimization = { ...TUNED, routing: { ...TUNED.routing, cheapModel: undefined } };
    const input = ZUpdatePlanInput.parse({ key, expectedVersion: 1, plan: { ...definitionOf(created), optimization } });
    const updated = await updatePlan(db, input, sessions().admin.user, now);
    expect(updated.optimization.routing.cheapModel).toBeUndefined();
    const version = await db.planConfigVersion.findUniqueOrThrow({ where: { planKey_version: { planKey: key, version: 2 } } });
    expect(version.createdAt).toEqual(now);
    expect((version.snapshot as { optimization: { routing: object } }).optimization.routing).not.toHaveProperty("cheapModel");
  });

  it("a save from the editor, unchanged, keeps every setting (an update replaces the whole plan)", async () => {
    const key = uniquePlanKey("cost");
    await asAdmin().plans.create({ plan: teamPlan(key, { optimization: TUNED }) });
    const opened = await asAdmin().plans.get({ key });
    const { key: _key, ...definition } = formStateToPlan(planToFormState(inDisplayOrder(opened)));
    const saved = await asAdmin().plans.update({ key, expectedVersion: opened.version, plan: definition });
    expect(saved.version).toBe(opened.version + 1);
    expect(saved.optimization).toEqual(TUNED);
  });

  it("a plan created from the editor's blank form gets the default settings", async () => {
    const key = uniquePlanKey("cost");
    const blank = blankFormState();
    const created = await asAdmin().plans.create({ plan: formStateToPlan({ ...blank, key, name: "Blank" }) });
    expect(created.optimization).toEqual(DEFAULT_PLAN_OPTIMIZATION);
  });

  it("refuses bad settings with a 400 naming the field, and writes nothing", async () => {
    const { db } = testDb();
    const key = uniquePlanKey("cost");
    const created = await asAdmin().plans.create({ plan: teamPlan(key, { optimization: TUNED }) });
    const routing = TUNED.routing!;
    const cases: { optimization: unknown; message: string }[] = [
      { optimization: { ...TUNED, contextBudgetTokens: 100 }, message: "optimization.contextBudgetTokens: must be at least 256 tokens" },
      { optimization: { ...TUNED, contextBudgetTokens: 4000.5 }, message: "optimization.contextBudgetTokens: must be a whole number of tokens" },
      { optimization: { ...TUNED, contextBudgetTokens: "4000" }, message: "optimization.contextBudgetTokens: must be a whole number of tokens, or null for no budget" },
      {
        optimization: { ...TUNED, contextBudgetTokens: null, summarizeOlderTurns: true },
        message: "optimization.summarizeOlderTurns: needs a context budget: summaries replace the turns the budget leaves out",
      },
      {
        optimization: { ...TUNED, routing: { ...routing, cheapQuestionTypes: ["greeting", "factual", "greeting"] } },
        message: "optimization.routing.cheapQuestionTypes: must not repeat a question type",
      },
      { optimization: { ...TUNED, routing: { ...routing, maxChars: 0 } }, message: "optimization.routing.maxChars: must be at least 1" },
      { optimization: { ...TUNED, routing: { ...routing, neverWhenTools: false } }, message: "optimization.routing.neverWhenTools: must be true: tool calls always stay on the primary model" },
      { optimization: { ...TUNED, routing: { ...routing, cheapModel: { provider: "anthropic", model: " " } } }, message: "optimization.routing.cheapModel.model: model is required" },
      { optimization: { ...TUNED, degradeAtCostPercent: 100 }, message: "optimization.degradeAtCostPercent: must be at most 99 (at 100 the limit refuses)" },
      { optimization: { ...TUNED, degradeAtCostPercent: 0 }, message: "optimization.degradeAtCostPercent: must be at least 1" },
    ];
    for (const { optimization, message } of cases) {
      const response = await httpCall(db, sessions().admin, "plans.update", { key, expectedVersion: 1, plan: { ...definitionOf(created), optimization } });
      expect(response.status, message).toBe(400);
      expect(response.error?.data.code, message).toBe("BAD_REQUEST");
      expect(response.error?.data.zodError?.fieldErrors.plan, message).toEqual([message]);
    }
    // An unknown question type is named at its index; an unknown provider at the provider.
    const unknown = await httpCall(db, sessions().admin, "plans.update", {
      key,
      expectedVersion: 1,
      plan: { ...definitionOf(created), optimization: { ...TUNED, routing: { ...routing, cheapQuestionTypes: ["greeting", "chitchat"], cheapModel: { provider: "mistral", model: "small" } } } },
    });
    expect(unknown.status).toBe(400);
    const paths = (unknown.error?.data.zodError?.fieldErrors.plan ?? []).map((line) => line.split(": ")[0]);
    expect(paths.sort()).toEqual(["optimization.routing.cheapModel.provider", "optimization.routing.cheapQuestionTypes.1"]);

    const stored = await asAdmin().plans.get({ key });
    expect(stored.version).toBe(1);
    expect(stored.optimization).toEqual(TUNED);
    expect(await db.planConfigVersion.count({ where: { planKey: key } })).toBe(1);
    expect(await db.auditLog.count({ where: { entityType: "PlanConfig", entityId: key, action: "plan.update" } })).toBe(0);

    // The same rules hold for a new plan: nothing is created.
    const newKey = uniquePlanKey("cost");
    const refused = await httpCall(db, sessions().admin, "plans.create", { plan: teamPlan(newKey, { optimization: { degradeAtCostPercent: 150 } }) });
    expect(refused.status).toBe(400);
    expect(refused.error?.data.zodError?.fieldErrors.plan).toEqual(["optimization.degradeAtCostPercent: must be at most 99 (at 100 the limit refuses)"]);
    expect(await db.planConfig.count({ where: { key: newKey } })).toBe(0);
  });

  it("the seed gives the demo plans their settings, in the row and in version 1's snapshot", async () => {
    const { db } = testDb();
    const plans = demoPlans();
    const now = new Date("2026-11-01T00:05:00Z");
    await createMissingPlans(db, plans, now);
    const stored = new Map((await db.planConfig.findMany({ where: { key: { in: plans.map((p) => p.key) } }, select: { key: true, optimization: true } })).map((p) => [p.key, p.optimization]));
    for (const plan of plans) expect(stored.get(plan.key), plan.key).toEqual(plan.optimization);
    expect(stored.get("free")).toEqual(DEFAULT_PLAN_OPTIMIZATION);
    expect(stored.get("starter")).toMatchObject({ contextBudgetTokens: 4_000, routing: { enabled: true } });
    expect(stored.get("pro")).toMatchObject({ contextBudgetTokens: 8_000, routing: { enabled: true }, degradeAtCostPercent: 80 });
    // Degradation is a share of costLimitUSD: a plan that degrades has a cost limit.
    for (const plan of plans) {
      if (plan.optimization.degradeAtCostPercent !== null) expect(typeof plan.limits.costLimitUSD, plan.key).toBe("number");
    }
    const [proVersion] = demoPlanVersionRows(plans.filter((p) => p.key === "pro"), [], seedReference(now));
    expect((proVersion!.snapshot as { optimization: unknown }).optimization).toEqual(plans.find((p) => p.key === "pro")!.optimization);
  });
});
