import { clockNow } from "@/server/clock";
import { TRPCError } from "@trpc/server";
import { beforeAll, expect, it } from "vitest";
import type { TSession } from "@/server/auth/session";
import { createCronHandlers } from "@/server/http/cron-http";
import { generateInvoice } from "@/server/billing/generate-invoice";
import { listInvoices } from "@/server/billing/list-invoices";
import { listPaymentProviders } from "@/server/payments/provider-status";
import { createTestAdmin } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { callerFor, httpCall } from "../plans/plan-test-support";
import { STARTER_PRICING, createBillingClient, createPricedPlan, setCounters } from "./billing-test-support";

// Everything the billing page does, through the tRPC router (and the HTTP handler where
// the status code matters), plus the cron endpoints. Each test makes its own clients and
// scopes its queries to them: other tests in the file share the database.
const NOW = new Date("2026-12-03T09:00:00Z");

describeEachDatabase("billing router: invoices, payments, cancellation, cron", (testDb) => {
  let admin: TSession;
  let viewer: TSession;

  beforeAll(async () => {
    const { db } = testDb();
    admin = { user: await createTestAdmin(db, "admin") };
    viewer = { user: await createTestAdmin(db, "viewer") };
  });

  /** A client on the starter plan (29 base, 2,000 messages included at 0.002) invoiced for October. */
  async function invoicedClient(messages: number) {
    const { db } = testDb();
    const plan = await createPricedPlan(db, STARTER_PRICING);
    const clientId = await createBillingClient(db, plan);
    await setCounters(db, clientId, "2026-10", { messages: String(messages) });
    const { invoice } = await generateInvoice(db, { clientId, period: "2026-10", now: NOW, actor: admin.user });
    return { clientId, invoice };
  }

  it("filters invoices by client, period, status, amount range and search", async () => {
    const { db } = testDb();
    const small = await invoicedClient(2_000); // 29.00
    const large = await invoicedClient(52_000); // 29 + 50,000 × 0.002 = 129.00
    expect([small.invoice.total, large.invoice.total]).toEqual(["29.00", "129.00"]);
    const api = callerFor(db, viewer);

    const byClient = await api.billing.invoices({ clientId: large.clientId });
    expect(byClient.items.map((i) => i.number)).toEqual([large.invoice.number]);
    expect(await api.billing.clientInvoices({ clientId: large.clientId })).toEqual(byClient);
    expect(byClient.items[0]).toMatchObject({ total: "129.00", amountPaid: "0.00", amountRefunded: "0.00", status: "pending", period: "2026-10" });

    expect((await api.billing.invoices({ clientId: large.clientId, period: "2026-09" })).total).toBe(0);
    expect((await api.billing.invoices({ clientId: large.clientId, status: "paid" })).total).toBe(0);
    expect((await api.billing.invoices({ clientId: large.clientId, minTotal: "129", maxTotal: "129.00" })).total).toBe(1);
    expect((await api.billing.invoices({ clientId: large.clientId, minTotal: "129.01" })).total).toBe(0);
    expect((await api.billing.invoices({ clientId: small.clientId, maxTotal: "28.99" })).total).toBe(0);

    const byName = await api.billing.invoices({ search: small.invoice.clientName.toUpperCase() });
    expect(byName.items.map((i) => i.id)).toEqual([small.invoice.id]);
    const byNumber = await api.billing.invoices({ search: large.invoice.number.toLowerCase() });
    expect(byNumber.items.map((i) => i.id)).toEqual([large.invoice.id]);
    // A search matching more clients than the id lookup takes joins Client instead: same result.
    const joined = await listInvoices(db, { search: small.invoice.clientName.toLowerCase() }, { searchClientIdsMax: 0 });
    expect(joined.items.map((i) => i.id)).toEqual([small.invoice.id]);
  });

  it('"open" means pending or overdue; sort "due" puts the earliest due date first', async () => {
    const { db } = testDb();
    const first = await invoicedClient(2_000);
    const second = await invoicedClient(2_000);
    await db.invoice.update({ where: { id: first.invoice.id }, data: { status: "overdue", dueAt: new Date("2026-11-20T00:00:00Z") } });
    const admin_ = callerFor(db, admin);
    const both = { status: "open" as const, sort: "due" as const, search: "Billing " };
    const open = (await admin_.billing.invoices(both)).items.filter((i) => [first.clientId, second.clientId].includes(i.clientId));
    expect(open.map((i) => [i.id, i.status])).toEqual([
      [first.invoice.id, "overdue"],
      [second.invoice.id, "pending"],
    ]);
    await admin_.billing.markPaid({ invoiceId: second.invoice.id, reference: "BANK-OPEN" });
    expect((await admin_.billing.invoices({ status: "open", clientId: second.clientId })).total).toBe(0);
    expect((await admin_.billing.invoices({ status: "open", clientId: first.clientId })).total).toBe(1);
  });

  it("rejects a bad filter with 400 naming the field", async () => {
    const { db } = testDb();
    const inverted = await httpCall(db, viewer, "billing.invoices", { minTotal: "50", maxTotal: "10" }, "GET");
    expect(inverted.status).toBe(400);
    expect(inverted.error?.data.zodError?.fieldErrors.minTotal).toEqual(["must not be above the maximum"]);
    const notAmount = await httpCall(db, viewer, "billing.invoices", { maxTotal: "-3" }, "GET");
    expect(notAmount.status).toBe(400);
    expect(notAmount.error?.data.zodError?.fieldErrors.maxTotal).toBeDefined();
    const badPeriod = await httpCall(db, viewer, "billing.invoices", { period: "2026-13" }, "GET");
    expect(badPeriod.status).toBe(400);
  });

  it("issuing writes one audit entry per invoice, naming who issued it and the total", async () => {
    const { db } = testDb();
    const { invoice } = await invoicedClient(3_000); // 29 + 1,000 × 0.002 = 31.00
    const audit = await db.auditLog.findMany({ where: { entityId: invoice.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "invoice.issue", entityType: "Invoice", actorId: admin.user.id, actorEmail: admin.user.email });
    expect(audit[0]!.after).toEqual({
      number: invoice.number,
      period: "2026-10",
      status: "pending",
      currency: "USD",
      total: "31.00",
      planKey: invoice.planKey,
      planVersion: 1,
      issuedAt: NOW.toISOString(),
    });
    // Returning the existing invoice issues nothing and audits nothing.
    await generateInvoice(db, { clientId: invoice.clientId, period: "2026-10", now: NOW });
    expect(await db.auditLog.count({ where: { entityId: invoice.id } })).toBe(1);
  });

  it("a bank transfer dated in the past sets paidAt; the detail lists the payment; viewers may not pay", async () => {
    const { db } = testDb();
    const { invoice } = await invoicedClient(2_000);
    const forbidden = await httpCall(db, viewer, "billing.markPaid", { invoiceId: invoice.id, reference: "BANK-1" });
    expect(forbidden.status).toBe(403);
    expect((await callerFor(db, viewer).billing.invoice({ id: invoice.id })).status).toBe("pending");

    const future = await httpCall(db, admin, "billing.markPaid", { invoiceId: invoice.id, reference: "BANK-1", receivedAt: new Date(clockNow().getTime() + 86_400_000) });
    expect(future.status).toBe(400);
    expect(future.error?.data.zodError?.fieldErrors.receivedAt).toEqual(["cannot be in the future"]);

    // Three days before the app's clock, whatever it reads (APP_NOW may pin it).
    const receivedAt = new Date(Math.floor(clockNow().getTime() / 1000) * 1000 - 3 * 86_400_000);
    const api = callerFor(db, admin);
    const state = await api.billing.markPaid({ invoiceId: invoice.id, reference: "BANK-1", receivedAt });
    expect(state).toMatchObject({ status: "paid", amountPaid: "29.00", paidAt: receivedAt });
    const detail = await api.billing.invoice({ id: invoice.id });
    expect(detail.history.map((entry) => [entry.action, entry.actorEmail, entry.reason])).toEqual([
      ["invoice.issue", admin.user.email, null],
      ["invoice.mark_paid", admin.user.email, "BANK-1"],
    ]);
    expect(detail.payments).toEqual([
      expect.objectContaining({ provider: "manual", kind: "charge", status: "succeeded", amount: "29.00", reference: "BANK-1", createdAt: receivedAt }),
    ]);
  });

  it("a partial refund shows in the payment history, newest first; more than refundable is refused", async () => {
    const { db } = testDb();
    const { invoice, clientId } = await invoicedClient(7_000); // 29 + 10.00 = 39.00
    const api = callerFor(db, admin);
    await api.billing.markPaid({ invoiceId: invoice.id, reference: "BANK-2" });
    expect(await api.billing.refund({ invoiceId: invoice.id, amount: "4.50", reason: "service credit" })).toMatchObject({
      status: "partially_refunded",
      amountPaid: "39.00",
      amountRefunded: "4.50",
    });
    const tooMuch = await httpCall(db, admin, "billing.refund", { invoiceId: invoice.id, amount: "34.51", reason: "too much" });
    expect(tooMuch.status).toBe(400);

    const history = await api.billing.payments({ clientId });
    expect(history.total).toBe(2);
    expect(history.items.map((p) => [p.kind, p.amount, p.invoiceNumber])).toEqual([
      ["refund", "4.50", invoice.number],
      ["charge", "39.00", invoice.number],
    ]);
    expect((await api.billing.payments({ invoiceId: invoice.id })).total).toBe(2);
  });

  it("cancels an unpaid invoice with an audit entry; a paid one cannot be cancelled, a cancelled one cannot be paid", async () => {
    const { db } = testDb();
    const api = callerFor(db, admin);
    const unpaid = (await invoicedClient(2_000)).invoice;
    expect(await api.billing.cancel({ invoiceId: unpaid.id, reason: "issued in error" })).toMatchObject({ status: "cancelled", total: "29.00" });
    const audit = await db.auditLog.findFirstOrThrow({ where: { entityId: unpaid.id, action: "invoice.cancel" } });
    expect(audit).toMatchObject({ actorEmail: admin.user.email, reason: "issued in error", after: { status: "cancelled", total: "29.00" } });
    const payCancelled = await httpCall(db, admin, "billing.markPaid", { invoiceId: unpaid.id, reference: "late" });
    expect(payCancelled.status).toBe(409);
    expect(payCancelled.error?.message).toBe(`Invoice ${unpaid.number} is cancelled; it cannot become paid.`);

    const partlyPaid = (await invoicedClient(2_000)).invoice;
    await api.billing.markPaid({ invoiceId: partlyPaid.id, reference: "part", amount: "10.00" });
    const cancelPaid = await httpCall(db, admin, "billing.cancel", { invoiceId: partlyPaid.id, reason: "oops" });
    expect(cancelPaid.status).toBe(409);
    expect(cancelPaid.error?.message).toContain("refund it before cancelling");
    expect((await api.billing.invoice({ id: partlyPaid.id })).status).toBe("pending");
  });

  it("charging: a bank transfer cannot be charged, an unknown provider is named", async () => {
    const { db } = testDb();
    const { invoice } = await invoicedClient(2_000);
    const manual = await httpCall(db, admin, "billing.charge", { invoiceId: invoice.id, provider: "manual" });
    expect(manual.status).toBe(400);
    expect(manual.error?.message).toContain("A bank transfer cannot be charged");
    const unknown = await httpCall(db, admin, "billing.charge", { invoiceId: invoice.id, provider: "paypal" });
    expect(unknown.status).toBe(404);
    expect(unknown.error?.message).toContain('Unknown payment provider "paypal"');
    await expect(callerFor(db, viewer).billing.charge({ invoiceId: invoice.id, provider: "stripe" })).rejects.toThrow(TRPCError);
  });

  it("provider status says which providers are configured and what is missing", () => {
    expect(listPaymentProviders({})).toEqual([
      { name: "manual", label: "Bank transfer", configured: true, missing: [], canCharge: false },
      { name: "stripe", label: "Stripe", configured: false, missing: ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"], canCharge: true },
    ]);
    const stripe = listPaymentProviders({ STRIPE_SECRET_KEY: "sk_test_x", STRIPE_WEBHOOK_SECRET: "whsec_x" }).find((p) => p.name === "stripe");
    expect(stripe).toMatchObject({ configured: true, missing: [] });
  });

  it("cron: refuses without a configured secret or the right token; runs the billing once and marks overdue", async () => {
    const { db } = testDb();
    const plan = await createPricedPlan(db, STARTER_PRICING);
    const clientId = await createBillingClient(db, plan);
    const secret = "cron-secret-0123456789abcdef";
    const request = (path: string, token?: string) =>
      new Request(`http://test${path}`, { method: "POST", headers: token ? { authorization: `Bearer ${token}` } : {} });

    const unconfigured = createCronHandlers({ getDb: async () => db, cronSecret: () => undefined, now: () => NOW });
    const refused = await unconfigured.billingRun(request("/api/cron/billing-run", secret));
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: "Scheduled jobs are not configured: set CRON_SECRET." });

    const cron = createCronHandlers({ getDb: async () => db, cronSecret: () => secret, now: () => NOW });
    expect((await cron.billingRun(request("/api/cron/billing-run"))).status).toBe(401);
    expect((await cron.billingRun(request("/api/cron/billing-run", `${secret}x`))).status).toBe(401);
    expect((await cron.overdue(request("/api/cron/overdue", "wrong"))).status).toBe(401);
    expect(await db.invoice.count({ where: { clientId } })).toBe(0);

    const bad = await cron.billingRun(request("/api/cron/billing-run?period=2026-13", secret));
    expect(bad.status).toBe(400);

    // Default period: the month before `now` (November 2026).
    const first = await cron.billingRun(request("/api/cron/billing-run", secret));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ period: "2026-11", failed: [] });
    const issued = await db.invoice.findFirstOrThrow({ where: { clientId, period: "2026-11" }, select: { id: true, dueAt: true } });
    const audit = await db.auditLog.findFirstOrThrow({ where: { entityId: issued.id } });
    expect(audit).toMatchObject({ action: "invoice.issue", actorId: null, actorEmail: "system:cron" });

    const second = await cron.billingRun(request("/api/cron/billing-run", secret));
    expect(await second.json()).toMatchObject({ period: "2026-11", created: 0 });
    expect(await db.invoice.count({ where: { clientId } })).toBe(1);

    // Overdue: nothing yet at NOW; after the due date, this invoice (and any other past due).
    const later = createCronHandlers({ getDb: async () => db, cronSecret: () => secret, now: () => new Date(issued.dueAt.getTime() + 1) });
    const marked = await later.overdue(request("/api/cron/overdue", secret));
    expect(marked.status).toBe(200);
    expect(((await marked.json()) as { markedOverdue: number }).markedOverdue).toBeGreaterThanOrEqual(1);
    expect((await db.invoice.findUniqueOrThrow({ where: { id: issued.id } })).status).toBe("overdue");
  });
});
