import { randomBytes, randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi, type MockInstance } from "vitest";
import type { TSession } from "@/server/auth/session";
import type { TDbClient } from "@/server/db/client";
import type { PaymentProvider } from "@/server/payments/payment-provider";
import { createStripeProvider } from "@/server/payments/stripe-provider";
import { dismissWebhookEvent, listWebhookEvents, reprocessWebhookEvent } from "@/server/payments/webhook-events";
import { createWebhookHandler } from "@/server/http/webhook-http";
import { createTestAdmin } from "../../support/fixtures";
import { startStripeServer, type TStripeServer } from "../../support/stripe-server";
import { describeEachDatabase } from "../../support/test-database";
import { callerFor, httpCall } from "../plans/plan-test-support";
import { createTestInvoice, invoiceMoney, rejection } from "./payment-test-support";
import { eventIdOf, paymentIntentObject, signer, stripeEvent, WEBHOOK_SECRET, webhookRequest } from "./stripe-webhook-support";

// A webhook naming an object we do not have (an unknown invoice, charge or refund) is
// acknowledged 2xx, so Stripe does not retry it for three days, and kept as unmatched for an
// admin to reprocess or dismiss. Tests share the file's database: each makes its own rows
// and compares counts before and after.
const NOW = new Date("2026-12-02T20:00:00.000Z");
const LATER = new Date("2026-12-03T08:30:00.000Z");

let stripeServer: TStripeServer;
let stripe: PaymentProvider;

beforeAll(async () => {
  stripeServer = await startStripeServer();
  stripe = createStripeProvider({ secretKey: stripeServer.secretKey, webhookSecret: WEBHOOK_SECRET, apiBase: stripeServer.url });
});
afterAll(async () => {
  await stripeServer.close();
});

const pi = () => `pi_${randomBytes(8).toString("hex")}`;
const re = () => `re_${randomBytes(8).toString("hex")}`;

/** Every row a webhook could write besides its own. */
async function writtenElsewhere(db: TDbClient) {
  const [payments, audits, invoices] = await Promise.all([db.payment.count(), db.auditLog.count(), db.invoice.count({ where: { status: { not: "pending" } } })]);
  return { payments, audits, invoices };
}

describeEachDatabase("payments: webhooks naming objects we do not have", (testDb) => {
  let admin: TSession;
  let viewer: TSession;
  let warned: MockInstance<typeof console.warn>;
  const handler = () => createWebhookHandler({ getDb: async () => testDb().db, getProvider: () => stripe, now: () => NOW });
  const deliver = async (payload: string) => {
    const response = await handler()(webhookRequest(payload), "stripe");
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const storedRow = (payload: string) =>
    testDb().db.webhookEvent.findUniqueOrThrow({ where: { provider_eventId: { provider: "stripe", eventId: eventIdOf(payload) } } });
  /** An unmatched event already delivered: a charge for an invoice id we do not have. */
  async function unmatchedEvent() {
    const payload = stripeEvent("payment_intent.succeeded", paymentIntentObject({ id: randomUUID() }, { status: "succeeded", amount: 1200 }));
    expect((await deliver(payload)).body).toMatchObject({ status: "unmatched" });
    return storedRow(payload);
  }

  beforeAll(async () => {
    const { db } = testDb();
    admin = { user: await createTestAdmin(db, "admin") };
    viewer = { user: await createTestAdmin(db, "viewer") };
  });
  beforeEach(() => {
    // An unmatched event is logged as a warning; kept quiet here, asserted where it matters.
    warned = vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => {
    warned.mockRestore();
  });

  it("an event naming an unknown invoice, payment or refund is acknowledged 2xx and stored unmatched with its payload and what was not found; nothing else is written", async () => {
    const { db } = testDb();
    const missingInvoice = randomUUID();
    const unknownCharge = pi();
    const unknownRefund = re();
    const cases = [
      {
        payload: stripeEvent("payment_intent.succeeded", paymentIntentObject({ id: missingInvoice }, { status: "succeeded", amount: 4999 })),
        kind: "payment_succeeded",
        reason: `no invoice with id ${missingInvoice}`,
      },
      {
        // Not even a uuid: it names no invoice of ours (and is never cast in SQL).
        payload: stripeEvent("payment_intent.payment_failed", paymentIntentObject({ id: "in_1Pq2Rs3Tu" }, { status: "requires_payment_method", amount: 500 })),
        kind: "payment_failed",
        reason: "no invoice with id in_1Pq2Rs3Tu",
      },
      {
        payload: stripeEvent("payment_intent.processing", { ...paymentIntentObject({ id: "" }, { id: unknownCharge, status: "processing", amount: 700 }), metadata: {} }),
        kind: "payment_processing",
        reason: `no payment with id ${unknownCharge}, and no invoice id in its metadata`,
      },
      {
        payload: stripeEvent("refund.created", { id: unknownRefund, object: "refund", amount: 300, currency: "usd", status: "succeeded", payment_intent: pi(), metadata: {} }),
        kind: "refund_succeeded",
        reason: "no payment with id pi_",
      },
      {
        payload: stripeEvent("refund.updated", { id: re(), object: "refund", amount: 300, currency: "usd", status: "succeeded", payment_intent: null, metadata: { invoiceId: missingInvoice } }),
        kind: "refund_succeeded",
        reason: `no invoice with id ${missingInvoice}`,
      },
    ];
    const before = await writtenElsewhere(db);
    const waitingBefore = await listWebhookEvents(db, { unprocessed: true });

    for (const { payload, kind, reason } of cases) {
      const { status, body } = await deliver(payload);
      expect(status).toBe(200);
      expect(body).toMatchObject({ received: true, eventId: eventIdOf(payload), status: "unmatched", kind });
      expect(body.unmatchedReason).toContain(reason);

      const stored = await storedRow(payload);
      expect(stored).toMatchObject({ processedAt: null, dismissedAt: null, lastError: null, attempts: 1, unmatchedAt: NOW });
      expect(stored.unmatchedReason).toContain(reason);
      expect(stored.payload).toEqual(JSON.parse(payload));
    }
    expect(warned).toHaveBeenCalledTimes(cases.length);
    expect(String(warned.mock.calls[0]?.[0])).toContain(`no invoice with id ${missingInvoice}`);
    expect(await writtenElsewhere(db)).toEqual(before);

    const waiting = await listWebhookEvents(db, { unprocessed: true, pageSize: 200 });
    expect(waiting.unprocessedTotal).toBe(waitingBefore.unprocessedTotal + cases.length);
    expect(waiting.unmatchedTotal).toBe(waitingBefore.unmatchedTotal + cases.length);
    const listed = waiting.items.find((item) => item.eventId === eventIdOf(cases[0]!.payload));
    expect(listed).toMatchObject({ state: "unmatched", unmatchedReason: `no invoice with id ${missingInvoice}`, unmatchedAt: NOW });
  });

  it("the same unmatched event delivered again is still one row, acknowledged, and tried again", async () => {
    const { db } = testDb();
    const payload = stripeEvent("payment_intent.succeeded", paymentIntentObject({ id: randomUUID() }, { status: "succeeded", amount: 1500 }));
    expect(await deliver(payload)).toMatchObject({ status: 200, body: { status: "unmatched" } });
    expect(await deliver(payload)).toMatchObject({ status: 200, body: { status: "unmatched" } });
    expect(await db.webhookEvent.count({ where: { eventId: eventIdOf(payload) } })).toBe(1);
    expect(await storedRow(payload)).toMatchObject({ processedAt: null, attempts: 2 });
  });

  it("reprocessing an unmatched event once its invoice exists applies it exactly once", async () => {
    const { db } = testDb();
    const invoiceId = randomUUID();
    const payload = stripeEvent("payment_intent.succeeded", paymentIntentObject({ id: invoiceId }, { status: "succeeded", amount: 4200 }));
    expect((await deliver(payload)).body).toMatchObject({ status: "unmatched" });
    const stored = await storedRow(payload);

    // Still missing: it stays unmatched, and the row says what this attempt found, when.
    await db.webhookEvent.update({ where: { id: stored.id }, data: { unmatchedReason: "stale reason" } });
    expect(await reprocessWebhookEvent(db, { id: stored.id }, { now: LATER, getProvider: () => stripe })).toMatchObject({
      status: "unmatched",
      unmatchedReason: `no invoice with id ${invoiceId}`,
    });
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({
      processedAt: null,
      attempts: 2,
      unmatchedAt: LATER,
      unmatchedReason: `no invoice with id ${invoiceId}`,
    });

    // The invoice now exists (it was issued late, or the data was fixed).
    await createTestInvoice(db, { id: invoiceId, total: "42.00" });
    const results = await Promise.allSettled([
      reprocessWebhookEvent(db, { id: stored.id }, { now: LATER, getProvider: () => stripe }),
      reprocessWebhookEvent(db, { id: stored.id }, { now: LATER, getProvider: () => stripe }),
    ]);
    const applied = results.filter((r) => r.status === "fulfilled" && r.value.status === "processed");
    expect(applied).toHaveLength(1);
    // The other one found it claimed or applied: a duplicate or WEBHOOK_EVENT_CLOSED, never a second charge.
    for (const other of results.filter((r) => !applied.includes(r))) {
      if (other.status === "fulfilled") expect(other.value.status).toBe("duplicate");
      else expect(other.reason).toMatchObject({ code: "WEBHOOK_EVENT_CLOSED" });
    }
    expect(await invoiceMoney(db, invoiceId)).toEqual({ status: "paid", amountPaid: "42.00", amountRefunded: "0.00", paid: true });
    expect(await db.payment.count({ where: { invoiceId } })).toBe(1);
    expect(await db.auditLog.count({ where: { entityId: invoiceId, action: "invoice.payment_succeeded" } })).toBe(1);
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ processedAt: LATER, unmatchedAt: null, unmatchedReason: null });

    // Applied: reprocessing again is refused, a redelivery is a duplicate; still one payment.
    expect(await rejection(reprocessWebhookEvent(db, { id: stored.id }, { now: LATER, getProvider: () => stripe }))).toMatchObject({ code: "WEBHOOK_EVENT_CLOSED" });
    expect(await deliver(payload)).toMatchObject({ status: 200, body: { status: "duplicate" } });
    expect(await db.payment.count({ where: { invoiceId } })).toBe(1);
    expect((await listWebhookEvents(db, { unprocessed: true, pageSize: 200 })).items.some((item) => item.id === stored.id)).toBe(false);
  });

  it("an admin dismisses an unmatched event: audited with the admin's id, off the list of things to act on, never applied afterwards", async () => {
    const { db } = testDb();
    const stored = await unmatchedEvent();
    const waitingBefore = await listWebhookEvents(db, { unprocessed: true, pageSize: 200 });
    expect(waitingBefore.items.some((item) => item.id === stored.id)).toBe(true);

    const api = callerFor(db, admin);
    const dismissed = await api.billing.dismissWebhookEvent({ id: stored.id });
    expect(dismissed).toMatchObject({ id: stored.id, eventId: stored.eventId });

    const audit = await db.auditLog.findFirstOrThrow({ where: { entityType: "WebhookEvent", entityId: stored.id } });
    expect(audit).toMatchObject({ action: "webhook_event.dismiss", actorId: admin.user.id, actorEmail: admin.user.email });
    expect(audit.before).toMatchObject({ state: "unmatched", eventId: stored.eventId, unmatchedReason: stored.unmatchedReason });
    expect(audit.after).toEqual({ state: "dismissed" });

    const waiting = await api.billing.webhookEvents({ unprocessed: true, pageSize: 200 });
    expect(waiting.items.some((item) => item.id === stored.id)).toBe(false);
    expect(waiting.unprocessedTotal).toBe(waitingBefore.unprocessedTotal - 1);
    expect(waiting.unmatchedTotal).toBe(waitingBefore.unmatchedTotal - 1);
    const all = await api.billing.webhookEvents({ pageSize: 200 });
    expect(all.items.find((item) => item.id === stored.id)).toMatchObject({ state: "dismissed", processedAt: null });

    // Dismissed is final: not dismissed twice, not reprocessed, a redelivery is acknowledged
    // and ignored even once its invoice exists.
    expect(await rejection(api.billing.dismissWebhookEvent({ id: stored.id }))).toMatchObject({ code: "CONFLICT" });
    expect(await rejection(reprocessWebhookEvent(db, { id: stored.id }, { now: LATER, getProvider: () => stripe }))).toMatchObject({ code: "WEBHOOK_EVENT_CLOSED" });
    const invoiceId = (stored.payload as { data: { object: { metadata: { invoiceId: string } } } }).data.object.metadata.invoiceId;
    await createTestInvoice(db, { id: invoiceId, total: "12.00" });
    const redelivered = await handler()(webhookRequest(JSON.stringify(stored.payload)), "stripe");
    expect(await redelivered.json()).toMatchObject({ status: "duplicate" });
    expect(await invoiceMoney(db, invoiceId)).toMatchObject({ status: "pending", amountPaid: "0.00" });
    expect(await db.auditLog.count({ where: { entityType: "WebhookEvent", entityId: stored.id } })).toBe(1);
  });

  it("only an unmatched event can be dismissed: a failed one (the provider retries it) is refused as WEBHOOK_EVENT_CLOSED", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "15.00" });
    // A known invoice, a currency it is not in: a failure (400), not unmatched.
    const payload = stripeEvent("payment_intent.succeeded", { ...paymentIntentObject(invoice, { status: "succeeded", amount: 1500 }), currency: "eur" });
    expect((await deliver(payload)).status).toBe(400);
    const stored = await storedRow(payload);
    expect(stored).toMatchObject({ processedAt: null, unmatchedAt: null });
    expect(await rejection(dismissWebhookEvent(db, { id: stored.id }, admin.user, { now: LATER }))).toMatchObject({ code: "WEBHOOK_EVENT_CLOSED" });
    expect(await rejection(dismissWebhookEvent(db, { id: randomUUID() }, admin.user, { now: LATER }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ dismissedAt: null });
  });

  it("a bad signature or a malformed body is a 400 and nothing is stored, even for an unknown invoice", async () => {
    const { db } = testDb();
    const before = await db.webhookEvent.count();
    const payload = stripeEvent("payment_intent.succeeded", paymentIntentObject({ id: randomUUID() }, { status: "succeeded", amount: 1000 }));
    const forged = signer.webhooks.generateTestHeaderString({ payload, secret: "whsec_not_the_right_secret" });
    const sign = (body: string) => signer.webhooks.generateTestHeaderString({ payload: body, secret: WEBHOOK_SECRET });
    for (const request of [
      webhookRequest(payload, forged),
      webhookRequest(payload, ""),
      // Signed, but not JSON, or JSON that is not a Stripe event.
      webhookRequest("{not json", sign("{not json")),
      webhookRequest('{"hello":"world"}', sign('{"hello":"world"}')),
    ]) {
      const response = await handler()(request, "stripe");
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: string };
      expect(body.error).not.toMatch(/prisma|select|insert|\bat\s+\S+\s+\(/i);
    }
    expect(await db.webhookEvent.count()).toBe(before);
    expect(warned).not.toHaveBeenCalled();
  });

  it("a viewer sees unmatched events with their reason but cannot reprocess or dismiss them (FORBIDDEN)", async () => {
    const { db } = testDb();
    const stored = await unmatchedEvent();
    const api = callerFor(db, viewer);
    const listed = await api.billing.webhookEvents({ unprocessed: true, pageSize: 200 });
    expect(listed.items.find((item) => item.id === stored.id)).toMatchObject({ state: "unmatched", unmatchedReason: stored.unmatchedReason });

    for (const attempt of [api.billing.reprocessWebhookEvent({ id: stored.id }), api.billing.dismissWebhookEvent({ id: stored.id })]) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(TRPCError);
      expect(error).toMatchObject({ code: "FORBIDDEN" });
    }
    expect((await httpCall(db, viewer, "billing.dismissWebhookEvent", { id: stored.id })).status).toBe(403);
    expect((await httpCall(db, null, "billing.dismissWebhookEvent", { id: stored.id })).status).toBe(401);

    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ attempts: stored.attempts, dismissedAt: null, processedAt: null });
    expect(await db.auditLog.count({ where: { entityType: "WebhookEvent", entityId: stored.id } })).toBe(0);
  });
});
