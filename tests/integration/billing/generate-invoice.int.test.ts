import Decimal from "decimal.js";
import { beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "@/server/auth/session";
import { generateInvoice } from "@/server/billing/generate-invoice";
import { markOverdueInvoices } from "@/server/billing/invoice-status";
import { AppError } from "@/server/errors/app-error";
import { changePlan } from "@/server/plans/change-plan";
import { createTestAdmin } from "../../support/fixtures";
import { callerFor } from "../plans/plan-test-support";
import { describeEachDatabase } from "../../support/test-database";
import {
  STARTER_PRICING,
  createBillingClient,
  createPricedPlan,
  invoiceNumbers,
  invoicesNotSummingToLines,
  setCounters,
} from "./billing-test-support";

const NOW = new Date("2026-12-03T09:00:00Z");

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describeEachDatabase("billing: generating an invoice", (testDb) => {
  let admin: TSessionUser;
  beforeAll(async () => {
    admin = await createTestAdmin(testDb().db, "admin");
  });

  it("prices the period's counters with the plan in force at the period start, rounding each line once", async () => {
    const { db } = testDb();
    const plan = await createPricedPlan(db, STARTER_PRICING, "starter");
    const clientId = await createBillingClient(db, plan);
    await setCounters(db, clientId, "2026-10", { messages: "3500", tokens: "2500000", toolCalls: "12" });
    await setCounters(db, clientId, "2026-09", { messages: "99999" });

    const { invoice, created } = await generateInvoice(db, { clientId, period: "2026-10", now: NOW });
    expect(created).toBe(true);
    expect(invoice).toMatchObject({
      clientId,
      period: "2026-10",
      periodStart: new Date("2026-10-01T00:00:00Z"),
      periodEnd: new Date("2026-11-01T00:00:00Z"),
      currency: "USD",
      status: "pending",
      planKey: plan,
      planVersion: 1,
      subtotal: "33.50",
      tax: "0.00",
      total: "33.50",
      issuedAt: NOW,
      dueAt: new Date("2026-12-17T09:00:00Z"),
      paidAt: null,
    });
    expect(invoice.number).toMatch(/^INV-2026-\d{6}$/);
    expect(invoice.lines.map((l) => [l.kind, l.metric, l.quantity, l.amount])).toEqual([
      ["base", null, "1", "29.00"],
      ["usage", "messages", "1500", "3.00"],
      ["usage", "tokens", "1500000", "1.50"],
    ]);
  });

  it("a second call for the same period returns the existing invoice unchanged", async () => {
    const { db } = testDb();
    const clientId = await createBillingClient(db, await createPricedPlan(db, STARTER_PRICING));
    await setCounters(db, clientId, "2026-10", { messages: "2100" });
    const first = await generateInvoice(db, { clientId, period: "2026-10", now: NOW });

    // Counters moving afterwards (late events) do not rewrite an issued invoice.
    await db.usageCounter.update({
      where: { clientId_period_metric: { clientId, period: "2026-10", metric: "messages" } },
      data: { value: "9000" },
    });
    const second = await generateInvoice(db, { clientId, period: "2026-10", now: new Date("2027-01-20T00:00:00Z") });
    expect(second.created).toBe(false);
    expect(second.invoice).toEqual(first.invoice);
    expect(await db.invoice.count({ where: { clientId } })).toBe(1);
  });

  it("a plan change is billed once, on the invoice of its period: base of the old plan, credit and proration lines", async () => {
    const { db } = testDb();
    const starter = await createPricedPlan(db, STARTER_PRICING, "starter");
    const pro = await createPricedPlan(db, { ...STARTER_PRICING, baseCost: "99", metrics: {} }, "pro");
    const clientId = await createBillingClient(db, starter);
    await setCounters(db, clientId, "2026-10", { messages: "2500", tokens: "10" });
    const change = await changePlan(db, { clientId, toPlanKey: pro, reason: "needs more", confirmWarnings: false }, admin, new Date("2026-10-16T12:00:00Z"));
    // 16 of 31 days: 29 x 16/31 = 14.967... -> 14.97; 99 x 16/31 = 51.096... -> 51.10
    expect(change).toMatchObject({ creditAmount: "14.97", chargeAmount: "51.10" });

    const october = (await generateInvoice(db, { clientId, period: "2026-10", now: NOW })).invoice;
    expect(october.planKey).toBe(starter);
    expect(october.lines.map((l) => [l.kind, l.amount])).toEqual([
      ["base", "29.00"],
      ["usage", "1.00"],
      ["usage", "0.00"],
      ["credit", "-14.97"],
      ["proration", "51.10"],
    ]);
    expect(october.total).toBe("66.13");
    // Described by the plans' names at the versions changed between, not their keys.
    expect(october.lines.filter((l) => l.kind === "credit" || l.kind === "proration").map((l) => l.description)).toEqual([
      `Unused Plan ${starter} plan from 2026-10-16`,
      `Plan ${pro} plan from 2026-10-16`,
    ]);
    const row = await db.planChange.findUniqueOrThrow({ where: { id: change.planChangeId! }, select: { invoiceId: true } });
    expect(row.invoiceId).toBe(october.id);

    // November: the new plan from the start, and the change is not billed again.
    const november = (await generateInvoice(db, { clientId, period: "2026-11", now: NOW })).invoice;
    expect(november.planKey).toBe(pro);
    expect(november.lines.map((l) => [l.kind, l.amount])).toEqual([["base", "99.00"]]);
  });

  it("a client who changed plan after the period is billed that period on the plan it had then", async () => {
    const { db } = testDb();
    const starter = await createPricedPlan(db, STARTER_PRICING, "starter");
    const pro = await createPricedPlan(db, { ...STARTER_PRICING, baseCost: "99" }, "pro");
    const clientId = await createBillingClient(db, starter);
    await changePlan(db, { clientId, toPlanKey: pro, reason: "later upgrade", confirmWarnings: false }, admin, new Date("2026-11-20T12:00:00Z"));
    const september = (await generateInvoice(db, { clientId, period: "2026-09", now: NOW })).invoice;
    expect(september).toMatchObject({ planKey: starter, total: "29.00" });
  });

  it("a free plan with no usage is issued as a zero invoice, already settled", async () => {
    const { db } = testDb();
    const clientId = await createBillingClient(db, await createPricedPlan(db, { baseCost: "0", currency: "USD", prorationMode: "none" }, "free"));
    const { invoice } = await generateInvoice(db, { clientId, period: "2026-10", now: NOW });
    expect(invoice).toMatchObject({ total: "0.00", status: "paid", paidAt: NOW, amountPaid: "0.00" });
    expect(invoice.lines).toHaveLength(1);
  });

  it("refuses a period that has not ended, and writes nothing", async () => {
    const { db } = testDb();
    const clientId = await createBillingClient(db, await createPricedPlan(db, STARTER_PRICING));
    const error = await rejection(generateInvoice(db, { clientId, period: "2026-12", now: NOW }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/has not ended/);
    expect(await db.invoice.count({ where: { clientId } })).toBe(0);
  });

  it("a failed invoice (currency mismatch) rolls back and leaves no gap in the numbers", async () => {
    const { db } = testDb();
    const plan = await createPricedPlan(db, STARTER_PRICING);
    const euroClient = await createBillingClient(db, plan, { currency: "EUR", status: "suspended" });
    const error = await rejection(generateInvoice(db, { clientId: euroClient, period: "2026-10", now: NOW }));
    expect(error.code).toBe("CURRENCY_MISMATCH");
    expect(await db.invoice.count({ where: { clientId: euroClient } })).toBe(0);

    const next = (await generateInvoice(db, { clientId: await createBillingClient(db, plan), period: "2026-10", now: NOW })).invoice;
    const numbers = await invoiceNumbers(db, 2026);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(Number(next.number.slice(-6))).toBe(numbers.length);
    const sequence = await db.invoiceNumberSequence.findUniqueOrThrow({ where: { year: 2026 } });
    expect(sequence.lastValue).toBe(numbers.length);
  });

  it("every invoice's total equals the sum of its lines", async () => {
    expect(await invoicesNotSummingToLines(testDb().db)).toEqual([]);
  });

  it("pending invoices past their due date become overdue; others do not", async () => {
    const { db } = testDb();
    const clientId = await createBillingClient(db, await createPricedPlan(db, STARTER_PRICING));
    const { invoice } = await generateInvoice(db, { clientId, period: "2026-08", now: NOW });
    expect(await markOverdueInvoices(db, new Date(invoice.dueAt.getTime() - 1))).toBe(0);
    const changed = await markOverdueInvoices(db, new Date(invoice.dueAt.getTime() + 1));
    expect(changed).toBeGreaterThanOrEqual(1);
    const after = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id }, select: { status: true, total: true } });
    expect(after.status).toBe("overdue");
    expect(new Decimal(after.total.toString()).eq(invoice.total)).toBe(true);
    // Settled (paid) zero invoices are never marked overdue.
    expect(await db.invoice.count({ where: { status: "overdue", total: { lte: 0 } } })).toBe(0);
  });

  it("the billing router: admins generate, viewers read the invoice with its lines and may not generate", async () => {
    const { db } = testDb();
    const viewer = await createTestAdmin(db, "viewer");
    const clientId = await createBillingClient(db, await createPricedPlan(db, STARTER_PRICING));
    await setCounters(db, clientId, "2025-06", { messages: "2001" });

    await expect(callerFor(db, { user: viewer }).billing.generateInvoice({ clientId, period: "2025-06" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const { invoice, created } = await callerFor(db, { user: admin }).billing.generateInvoice({ clientId, period: "2025-06" });
    expect(created).toBe(true);
    const detail = await callerFor(db, { user: viewer }).billing.invoice({ id: invoice.id });
    expect(detail).toEqual(invoice);
    expect(detail.lines.map((l) => l.amount)).toEqual(["29.00", "0.00", "0.00"]);
    await expect(callerFor(db, { user: admin }).billing.runBilling({ period: "2999-01" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(callerFor(db, null).billing.invoice({ id: invoice.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
