// Plan inputs that must be refused whole: reserved names as limit keys, and prices or
// limits beyond what the invoice columns hold.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { expect, it } from "vitest";
import { appRouter } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import type { TSession } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import { runBilling } from "@/server/billing/run-billing";
import { changePlan } from "@/server/plans/change-plan";
import { MAX_LIMIT, type TPlanDefinitionInput } from "@/shared/plan-config";
import { createBillingClient, invoicesNotSummingToLines, setCounters } from "../billing/billing-test-support";
import { describeEachDatabase } from "../../support/test-database";
import { definitionOf, httpCall, teamPlan, uniquePlanKey, useAdminAndViewer, type THttpError } from "./plan-test-support";

/**
 * A call whose input is sent as written: a JSON "__proto__" key is an own key of the
 * parsed body, as from any HTTP client (superjson's client refuses to send one).
 */
async function rawCall(db: TDb, session: TSession, path: string, inputJson: string, method: "GET" | "POST" = "POST") {
  const body = `{"json":${inputJson}}`;
  const url = method === "GET" ? `http://test/api/trpc/${path}?input=${encodeURIComponent(body)}` : `http://test/api/trpc/${path}`;
  const request = new Request(url, { method, headers: { "content-type": "application/json" }, body: method === "POST" ? body : undefined });
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: () => createTRPCContext({ db, session, headers: request.headers }),
  });
  const answer = (await response.json()) as { error?: { json: THttpError } };
  return { status: response.status, error: answer.error?.json };
}

/** `json` with `"limits": {...}` given one more key, as raw JSON text. */
function withLimitKey(plan: object, key: string): string {
  const text = JSON.stringify(plan);
  return text.replace('"limits":{', `"limits":{${JSON.stringify(key)}:5,`);
}

/** The largest prices and limits a plan may be saved with. */
function largestPlan(key: string, prorationMode: "daily" | "exact"): TPlanDefinitionInput {
  return teamPlan(key, {
    limits: { messagesPerMonth: MAX_LIMIT, tokensPerMonth: MAX_LIMIT, requestsPerMinute: MAX_LIMIT },
    pricing: {
      baseCost: "9999999999.99",
      currency: "USD",
      usageMultiplier: "999.9999999999",
      prorationMode,
      metrics: {
        messages: { unitPrice: "9999999.9999999999", includedUnits: 0 },
        tokens: { unitPrice: "0.0000000001", includedUnits: 0, unit: 1 },
      },
    },
  });
}

const LEAKS = /numeric|overflow|22003|prisma|sqlstate|invocation/i;

describeEachDatabase("plans: input rules", (testDb) => {
  const { asAdmin, sessions } = useAdminAndViewer(testDb);

  it("a reserved limit key (__proto__, constructor, prototype) is a 400 naming it; no plan, version or audit entry is written", async () => {
    const { db } = testDb();
    for (const key of ["__proto__", "constructor", "prototype", "toString"]) {
      const planKey = uniquePlanKey("reserved");
      const response = await rawCall(db, sessions().admin, "plans.create", `{"plan":${withLimitKey(teamPlan(planKey), key)}}`);
      expect(response.status, key).toBe(400);
      expect(response.error?.data.zodError?.fieldErrors.plan, key).toEqual([`limits.${key}: is a reserved name; choose another`]);
      expect(await db.planConfig.count({ where: { key: planKey } }), key).toBe(0);
      expect(await db.planConfigVersion.count({ where: { planKey } }), key).toBe(0);
      expect(await db.auditLog.count({ where: { entityType: "PlanConfig", entityId: planKey } }), key).toBe(0);
    }
  });

  it("an update with a reserved limit key is refused whole: the version, its snapshots and the audit stay as they were", async () => {
    const { db } = testDb();
    const key = uniquePlanKey("reserved");
    const created = await asAdmin().plans.create({ plan: teamPlan(key) });
    for (const reserved of ["__proto__", "constructor", "prototype"]) {
      const plan = withLimitKey({ ...definitionOf(created), limits: { ...created.limits, messagesPerMonth: 9 } }, reserved);
      const response = await rawCall(db, sessions().admin, "plans.update", `{"key":"${key}","expectedVersion":1,"plan":${plan}}`);
      expect(response.status, reserved).toBe(400);
      expect(response.error?.data.zodError?.fieldErrors.plan, reserved).toEqual([`limits.${reserved}: is a reserved name; choose another`]);
    }
    expect(await asAdmin().plans.get({ key })).toEqual(created);
    expect(await db.planConfigVersion.count({ where: { planKey: key } })).toBe(1);
    expect(await db.auditLog.count({ where: { entityType: "PlanConfig", entityId: key } })).toBe(1);

    const preview = await rawCall(db, sessions().admin, "plans.previewImpact", `{"key":"${key}","limits":{"__proto__":1}}`, "GET");
    expect(preview.status).toBe(400);
    expect(preview.error?.data.zodError?.fieldErrors.limits).toEqual(["__proto__: is a reserved name; choose another"]);
  });

  it("prices, a multiplier or limits beyond what the invoice columns hold are refused, each field named, and nothing is saved", async () => {
    const { db } = testDb();
    const key = uniquePlanKey("beyond");
    const plan = largestPlan(key, "daily");
    const response = await httpCall(db, sessions().admin, "plans.create", {
      plan: {
        ...plan,
        limits: { messagesPerMonth: MAX_LIMIT + 1 },
        pricing: { ...plan.pricing, baseCost: "10000000000", usageMultiplier: "1000", metrics: { messages: { unitPrice: "10000000" } } },
      },
    });
    expect(response.status).toBe(400);
    expect(response.error?.data.zodError?.fieldErrors.plan).toEqual([
      "limits.messagesPerMonth: must be at most 99,999,999,999,999 (use null for unlimited)",
      "pricing.baseCost: must be less than 10,000,000,000 (at most 10 digits before the point)",
      "pricing.usageMultiplier: must be less than 1,000",
      "pricing.metrics.messages.unitPrice: must be less than 10,000,000 (times the usage multiplier, it is an invoice line's unit price)",
    ]);
    expect(await db.planConfig.count({ where: { key } })).toBe(0);
  });

  it("a client on the largest plan changes plan twice with proration and is invoiced with large usage: every amount is stored", async () => {
    const { db } = testDb();
    const admin = sessions().admin.user;
    const exact = await asAdmin().plans.create({ plan: largestPlan(uniquePlanKey("largest"), "exact") });
    const daily = await asAdmin().plans.create({ plan: largestPlan(uniquePlanKey("largest"), "daily") });
    const clientId = await createBillingClient(db, exact.key);

    const away = await changePlan(db, { clientId, toPlanKey: daily.key, reason: "largest plan", confirmWarnings: false }, admin, new Date("2026-10-15T12:00:00Z"));
    expect(away).toMatchObject({ creditAmount: "5322580645.16", chargeAmount: "5322580645.16" });
    const back = await changePlan(db, { clientId, toPlanKey: exact.key, reason: "and back", confirmWarnings: false }, admin, new Date("2026-10-20T08:00:00Z"));
    expect(back).toMatchObject({ creditAmount: "3870967741.93", chargeAmount: "3870967741.93" });
    // 90 messages at the largest unit price and multiplier (just under 10^12), and every token a limit allows.
    await setCounters(db, clientId, "2026-10", { messages: "90", tokens: String(MAX_LIMIT) });

    const run = await runBilling(db, { period: "2026-10", now: new Date("2026-11-01T06:00:00Z") });
    expect(run.failed).toEqual([]);
    const invoice = await db.invoice.findUniqueOrThrow({ where: { clientId_period: { clientId, period: "2026-10" } }, select: { id: true, total: true } });
    const lines = await db.invoiceLineItem.findMany({ where: { invoiceId: invoice.id }, orderBy: { sortOrder: "asc" }, select: { kind: true, metric: true, amount: true, unitPrice: true } });
    expect(lines.map((line) => [line.kind, line.metric, line.amount.toFixed(2)])).toEqual([
      ["base", null, "9999999999.99"],
      ["usage", "messages", "899999999999.91"],
      ["usage", "tokens", "10000000.00"],
      ["credit", null, "-5322580645.16"],
      ["proration", null, "5322580645.16"],
      ["credit", null, "-3870967741.93"],
      ["proration", null, "3870967741.93"],
    ]);
    expect(invoice.total.toFixed(2)).toBe("910009999999.90");
    expect(await invoicesNotSummingToLines(db)).toEqual([]);
  });

  it("a client whose usage makes an invoice too large to store is reported with a clear message; the other clients of the run are invoiced", async () => {
    const { db } = testDb();
    const plan = await asAdmin().plans.create({ plan: largestPlan(uniquePlanKey("largest"), "daily") });
    const tooLarge = await createBillingClient(db, plan.key);
    const ordinary = await createBillingClient(db, plan.key);
    await setCounters(db, tooLarge, "2026-08", { messages: "101" });
    await setCounters(db, ordinary, "2026-08", { messages: "1" });

    const run = await runBilling(db, { period: "2026-08", now: new Date("2026-09-01T06:00:00Z") });
    const failed = run.failed.find((f) => f.clientId === tooLarge);
    expect(failed?.message).toMatch(/^The 2026-08 invoice of client .* cannot be issued: the messages line comes to 1009999999\d{3}\.\d\d USD, and an invoice line must stay below 1,000,000,000,000\./);
    expect(failed?.message).not.toMatch(LEAKS);
    expect(run.failed.filter((f) => f.clientId !== tooLarge)).toEqual([]);
    expect(await db.invoice.count({ where: { clientId: tooLarge } })).toBe(0);
    expect(await db.invoice.count({ where: { clientId: ordinary, period: "2026-08" } })).toBe(1);

    const single = await httpCall(db, sessions().admin, "billing.generateInvoice", { clientId: tooLarge, period: "2026-08" });
    expect(single.status).toBe(409);
    expect(single.error?.message).toMatch(/cannot be issued: the messages line comes to/);
    expect(JSON.stringify(single.error)).not.toMatch(LEAKS);
  });

  it("a copy of a plan stored under older bounds must meet today's, or be sent with its own pricing", async () => {
    const { db } = testDb();
    const legacy = uniquePlanKey("legacy");
    const pricing = { baseCost: "10", currency: "USD", usageMultiplier: "5000", prorationMode: "daily" as const, metrics: { messages: { unitPrice: "99999999", includedUnits: 0, unit: 1 } } };
    await db.planConfig.create({ data: { key: legacy, name: "Legacy", limits: {}, features: {}, pricing } });
    const copyKey = uniquePlanKey("copy");
    const refused = await httpCall(db, sessions().admin, "plans.create", { copyFrom: legacy, plan: { key: copyKey, name: "Copy" } });
    expect(refused.status).toBe(400);
    expect(refused.error?.message).toBe(
      `The pricing of "${legacy}" cannot be copied as it is: pricing.usageMultiplier: must be less than 1,000; ` +
        "pricing.metrics.messages.unitPrice: must be less than 10,000,000 (times the usage multiplier, it is an invoice line's unit price). Send the pricing with the new plan.",
    );
    expect(await db.planConfig.count({ where: { key: copyKey } })).toBe(0);
    const copied = await asAdmin().plans.create({ copyFrom: legacy, plan: { key: copyKey, name: "Copy", pricing: { ...pricing, usageMultiplier: "1", metrics: {} } } });
    expect(copied.pricing).toMatchObject({ baseCost: "10", usageMultiplier: "1" });
  });
});
