import { clockNow } from "@/server/clock";
import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { TSessionUser } from "@/server/auth/session";
import { cancelInvoice } from "@/server/billing/cancel-invoice";
import { AppError } from "@/server/errors/app-error";
import type { PaymentProvider } from "@/server/payments/payment-provider";
import { getPaymentProvider } from "@/server/payments/payment-providers";
import { CHARGE_ANSWER_WINDOW_MS, chargeInvoice } from "@/server/payments/charge-invoice";
import { markInvoicePaid } from "@/server/payments/mark-invoice-paid";
import { refundInvoice } from "@/server/payments/refund-invoice";
import { createStripeProvider } from "@/server/payments/stripe-provider";
import { listWebhookEvents, reprocessWebhookEvent } from "@/server/payments/webhook-events";
import { createWebhookHandler } from "@/server/http/webhook-http";
import { createTestAdmin } from "../../support/fixtures";
import { startStripeServer, type TStripeServer } from "../../support/stripe-server";
import { describeEachDatabase } from "../../support/test-database";
import { createTestInvoice, invoiceMoney, rejection } from "./payment-test-support";
import { eventIdOf, paymentIntentObject, signer, stripeEvent, WEBHOOK_SECRET, webhookRequest } from "./stripe-webhook-support";

let stripeServer: TStripeServer;
let stripe: PaymentProvider;

beforeAll(async () => {
  stripeServer = await startStripeServer();
  stripe = createStripeProvider({ secretKey: stripeServer.secretKey, webhookSecret: WEBHOOK_SECRET, apiBase: stripeServer.url });
});
afterAll(async () => {
  await stripeServer.close();
});

describeEachDatabase("payments: Stripe charges, refunds and webhooks", (testDb) => {
  let admin: TSessionUser;
  const handler = () => createWebhookHandler({ getDb: async () => testDb().db, getProvider: () => stripe });
  const eventId = eventIdOf;

  beforeAll(async () => {
    admin = await createTestAdmin(testDb().db, "admin");
  });

  it("charging through the Stripe SDK sends minor units and marks the invoice paid", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "123.45" });
    const result = await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    expect(result.outcome).toBe("applied");
    expect(result.invoice).toMatchObject({ status: "paid", amountPaid: "123.45" });

    const intent = stripeServer.intents.get(result.payment.providerPaymentId!);
    expect(intent).toMatchObject({ amount: 12345, currency: "usd", status: "succeeded", metadata: { invoiceId: invoice.id, invoiceNumber: invoice.number } });
    const payment = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    expect(payment).toMatchObject({ provider: "stripe", providerPaymentId: intent!.id, kind: "charge", status: "succeeded" });
    expect(payment.amount.toFixed(2)).toBe("123.45");
    expect(await db.auditLog.count({ where: { entityId: invoice.id, action: "invoice.payment_succeeded" } })).toBe(1);
    // The provider reads it back through the SDK too.
    expect(await stripe.getPaymentStatus(intent!.id)).toMatchObject({ status: "succeeded", amount: "123.45", currency: "USD" });
  });

  it("a declined card records a failed payment and leaves the invoice pending", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "10.00" });
    const result = await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_chargeDeclined" }, admin);
    expect(result.outcome).toBe("not_final");
    expect(result.payment).toMatchObject({ status: "failed" });
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "pending", amountPaid: "0.00" });
    const payment = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    expect(payment.failureReason).toContain("declined");
  });

  // Stripe's calls go to the local stand-in; bank transfers are recorded.
  const providers = { getProvider: (name: string) => (name === "stripe" ? stripe : getPaymentProvider(name, {})) };
  const intentsOf = (invoice: { id: string }) => [...stripeServer.intents.values()].filter((intent) => intent.metadata.invoiceId === invoice.id);

  it("while a Stripe charge is in flight, another charge, a bank transfer and a cancel are refused; the customer pays once", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "70.00" });
    const atStripe = stripeServer.holdNextRequest();
    const first = chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    await atStripe.arrived;

    const again = await rejection(chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin));
    expect(again).toMatchObject({ code: "CHARGE_IN_FLIGHT" });
    expect((again as AppError).message).toMatch(/A Stripe charge of 70\.00 USD .* is in progress/);
    expect(await rejection(markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-77" }, admin))).toMatchObject({ code: "CHARGE_IN_FLIGHT" });
    expect(await rejection(cancelInvoice(db, { invoiceId: invoice.id, reason: "issued in error" }, admin))).toMatchObject({ code: "CHARGE_IN_FLIGHT" });

    atStripe.release();
    expect(await first).toMatchObject({ outcome: "applied", invoice: { status: "paid", amountPaid: "70.00" } });
    expect(intentsOf(invoice)).toHaveLength(1);
    const payments = await db.payment.findMany({ where: { invoiceId: invoice.id }, select: { status: true, providerPaymentId: true } });
    expect(payments).toEqual([{ status: "succeeded", providerPaymentId: intentsOf(invoice)[0]!.id }]);
  });

  it("two charges of one invoice started at once reach Stripe once", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "33.00" });
    const charge = () => chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    const results = await Promise.allSettled([charge(), charge()]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({ code: expect.stringMatching(/^(CHARGE_IN_FLIGHT|INVOICE_ALREADY_PAID)$/), trpcCode: "CONFLICT" });
    expect(intentsOf(invoice)).toHaveLength(1);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "paid", amountPaid: "33.00" });
  });

  it("a charge whose answer is lost is retried once with the same idempotency key, keeps holding the invoice, and its webhook lands on the same row", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "18.20" });
    stripeServer.dropAnswers(2); // the SDK's one retry loses its answer too
    const lost = await rejection(chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin));
    expect(lost).toMatchObject({ code: "PROVIDERS_UNAVAILABLE" });
    expect((lost as AppError).message).toContain(`Whether invoice ${invoice.number} was charged is not known yet`);
    // The retry was answered from Stripe's idempotency store: one charge, not two.
    const [intent, ...others] = intentsOf(invoice);
    expect(others).toHaveLength(0);
    const attempt = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    expect(attempt).toMatchObject({ status: "pending", providerPaymentId: null });
    expect(intent!.metadata.paymentId).toBe(attempt.id);
    // The card may have been charged: no bank transfer and no second charge meanwhile.
    expect(await rejection(markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-80" }, admin))).toMatchObject({ code: "CHARGE_IN_FLIGHT" });
    expect(await rejection(chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin))).toMatchObject({ code: "CHARGE_IN_FLIGHT" });

    // The money did move at Stripe; its webhook says so and finds our attempt.
    expect((await handler()(webhookRequest(stripeEvent("payment_intent.succeeded", intent)), "stripe")).status).toBe(200);
    const payments = await db.payment.findMany({ where: { invoiceId: invoice.id }, select: { id: true, status: true, providerPaymentId: true, failureReason: true } });
    expect(payments).toEqual([{ id: attempt.id, status: "succeeded", providerPaymentId: intent!.id, failureReason: null }]);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "paid", amountPaid: "18.20" });
  });

  it("an attempt with no outcome past the answer window is looked up at Stripe: the charge it made is recorded before anything else", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "27.00" });
    stripeServer.dropAnswers(2);
    await rejection(chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin));
    // No webhook came; ten minutes later an admin records a bank transfer.
    const attempt = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    await db.payment.update({ where: { id: attempt.id }, data: { createdAt: new Date(clockNow().getTime() - CHARGE_ANSWER_WINDOW_MS - 60_000) } });
    const refused = await rejection(markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-81" }, admin, providers));
    // Stripe had charged the card: recorded first, so the transfer is refused as a second payment.
    expect((refused as AppError).message).toContain(`Invoice ${invoice.number} is already paid`);
    expect(stripeServer.requests).toContain("GET /v1/payment_intents/search");
    expect(await db.payment.findMany({ where: { invoiceId: invoice.id }, select: { id: true, status: true } })).toEqual([{ id: attempt.id, status: "succeeded" }]);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "paid", amountPaid: "27.00" });
  });

  it("an attempt that made no charge at Stripe is closed as failed once the window has passed, and the invoice is released", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "21.00" });
    const abandoned = await db.payment.create({
      data: {
        invoiceId: invoice.id,
        clientId: invoice.clientId,
        provider: "stripe",
        kind: "charge",
        status: "pending",
        amount: "21.00",
        currency: "USD",
        createdAt: new Date(clockNow().getTime() - CHARGE_ANSWER_WINDOW_MS - 60_000),
      },
    });
    expect(await markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-79" }, admin, providers)).toMatchObject({ status: "paid", amountPaid: "21.00" });
    const closed = await db.payment.findUniqueOrThrow({ where: { id: abandoned.id } });
    expect(closed.status).toBe("failed");
    expect(closed.failureReason).toBe("Stripe has no charge for this attempt: nothing was charged.");
  });

  it("a charge processing at the bank holds the invoice until its webhook settles it", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "45.00" });
    const started = await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_processing" }, admin);
    expect(started).toMatchObject({ outcome: "not_final", payment: { status: "processing" } });
    const refused = await rejection(markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-78" }, admin));
    expect(refused).toMatchObject({ code: "CHARGE_IN_FLIGHT" });
    expect((refused as AppError).message).toContain("processing at the provider");
    // Days later, still no webhook: asked again, Stripe says it is still processing.
    await db.payment.updateMany({ where: { invoiceId: invoice.id }, data: { createdAt: new Date(clockNow().getTime() - CHARGE_ANSWER_WINDOW_MS - 60_000) } });
    expect(await rejection(markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-78" }, admin, providers))).toMatchObject({ code: "CHARGE_IN_FLIGHT" });
    expect(stripeServer.requests).toContain(`GET /v1/payment_intents/${started.payment.providerPaymentId}`);

    const intent = stripeServer.intents.get(started.payment.providerPaymentId!)!;
    const settled = { ...intent, status: "succeeded", amount_received: intent.amount };
    expect((await handler()(webhookRequest(stripeEvent("payment_intent.succeeded", settled)), "stripe")).status).toBe(200);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "paid", amountPaid: "45.00" });
    expect(await db.payment.count({ where: { invoiceId: invoice.id } })).toBe(1);
  });

  it("a refund of a Stripe charge goes through Stripe's refunds API, in minor units", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "80.00" });
    const { payment } = await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    const state = await refundInvoice(db, { invoiceId: invoice.id, amount: "20.50", reason: "goodwill" }, admin, { getProvider: () => stripe });
    expect(state).toMatchObject({ status: "partially_refunded", amountRefunded: "20.50" });
    const refunds = [...stripeServer.refunds.values()].filter((r) => r.payment_intent === payment.providerPaymentId);
    expect(refunds.map((r) => r.amount)).toEqual([2050]);
    const recorded = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, kind: "refund" } });
    expect(recorded).toMatchObject({ provider: "stripe", providerPaymentId: refunds[0]!.id, status: "succeeded" });
  });

  it("an invoice paid partly by transfer and partly by card is refunded charge by charge, each the way its money came", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "100.00" });
    await markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-60", amount: "60.00" }, admin);
    const { payment: card } = await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    const transfer = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, reference: "BANK-60" } });
    const stripeRefunds = () => [...stripeServer.refunds.values()].filter((r) => r.payment_intent === card.providerPaymentId).map((r) => r.amount);
    const refundRows = () => db.payment.findMany({ where: { invoiceId: invoice.id, kind: "refund" }, orderBy: { createdAt: "asc" }, select: { provider: true, amount: true, refundOfId: true } });

    // No one charge holds 100.00: refused, naming what each can give back; nothing sent or written.
    const tooMuch = await rejection(refundInvoice(db, { invoiceId: invoice.id, amount: "100.00", reason: "cancelled contract" }, admin, providers));
    expect(tooMuch).toMatchObject({ code: "BAD_REQUEST" });
    expect((tooMuch as AppError).message).toMatch(/Stripe pi_\w+ of .*: 40\.00 USD; Bank transfer BANK-60 of .*: 60\.00 USD/);
    expect(stripeRefunds()).toEqual([]);
    expect(await refundRows()).toEqual([]);

    // Asked for by the admin: from the transfer (sent back by hand; Stripe is not called).
    await refundInvoice(db, { invoiceId: invoice.id, amount: "5.00", reason: "goodwill", paymentId: transfer.id }, admin, providers);
    // Not named: the newest charge that covers it, the card, through Stripe.
    await refundInvoice(db, { invoiceId: invoice.id, amount: "40.00", reason: "cancelled contract" }, admin, providers);
    // The card is spent; the rest comes from the transfer.
    const state = await refundInvoice(db, { invoiceId: invoice.id, amount: "55.00", reason: "cancelled contract" }, admin, providers);

    expect(state).toMatchObject({ status: "refunded", amountPaid: "100.00", amountRefunded: "100.00" });
    expect(stripeRefunds()).toEqual([4000]);
    expect((await refundRows()).map((r) => [r.provider, r.amount.toFixed(2), r.refundOfId])).toEqual([
      ["manual", "5.00", transfer.id],
      ["stripe", "40.00", card.id],
      ["manual", "55.00", transfer.id],
    ]);
  });

  it("a validly signed payment_intent.succeeded is stored, processed once, and pays the invoice", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "49.99" });
    const payload = stripeEvent("payment_intent.succeeded", paymentIntentObject(invoice, { status: "succeeded", amount: 4999 }));
    const response = await handler()(webhookRequest(payload), "stripe");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: true, status: "processed", kind: "payment_succeeded" });

    expect(await invoiceMoney(db, invoice.id)).toEqual({ status: "paid", amountPaid: "49.99", amountRefunded: "0.00", paid: true });
    const stored = await db.webhookEvent.findUniqueOrThrow({ where: { provider_eventId: { provider: "stripe", eventId: eventId(payload) } } });
    expect(stored).toMatchObject({ type: "payment_intent.succeeded", attempts: 1, lastError: null });
    expect(stored.processedAt).not.toBeNull();
    const audit = await db.auditLog.findFirstOrThrow({ where: { entityId: invoice.id } });
    expect(audit).toMatchObject({ action: "invoice.payment_succeeded", actorId: null, actorEmail: "webhook:stripe" });
  });

  it("a bad signature is a 400 and nothing is stored", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db);
    const payload = stripeEvent("payment_intent.succeeded", paymentIntentObject(invoice, { status: "succeeded", amount: 10000 }));
    const forged = signer.webhooks.generateTestHeaderString({ payload, secret: "whsec_not_the_right_secret" });
    const tampered = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });

    for (const request of [
      webhookRequest(payload, forged),
      webhookRequest(payload.replace('"amount": 10000', '"amount": 1'), tampered),
      webhookRequest(payload, ""),
    ]) {
      const response = await handler()(request, "stripe");
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/signature/i);
    }
    // An old (replayed-after-the-window) signature is refused too.
    const stale = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await handler()(webhookRequest(payload, stale), "stripe")).status).toBe(400);

    expect(await db.webhookEvent.count({ where: { eventId: eventId(payload) } })).toBe(0);
    expect(await db.payment.count({ where: { invoiceId: invoice.id } })).toBe(0);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "pending", amountPaid: "0.00" });
  });

  it("the same event delivered again is acknowledged and ignored", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "30.00" });
    const payload = stripeEvent("payment_intent.succeeded", paymentIntentObject(invoice, { status: "succeeded", amount: 3000 }));
    expect(await (await handler()(webhookRequest(payload), "stripe")).json()).toMatchObject({ status: "processed" });
    const replay = await handler()(webhookRequest(payload), "stripe");
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ status: "duplicate" });

    expect(await db.webhookEvent.count({ where: { eventId: eventId(payload) } })).toBe(1);
    expect(await db.payment.count({ where: { invoiceId: invoice.id } })).toBe(1);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "paid", amountPaid: "30.00" });
  });

  it("events out of order (succeeded, then processing and failed) leave the invoice paid", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "25.00" });
    const intentId = `pi_${randomBytes(8).toString("hex")}`;
    const t = Math.floor(Date.now() / 1000);
    const succeeded = stripeEvent("payment_intent.succeeded", paymentIntentObject(invoice, { id: intentId, status: "succeeded", amount: 2500 }), t);
    const processing = stripeEvent("payment_intent.processing", paymentIntentObject(invoice, { id: intentId, status: "processing", amount: 2500 }), t - 5);
    const failed = stripeEvent("payment_intent.payment_failed", paymentIntentObject(invoice, { id: intentId, status: "requires_payment_method", amount: 2500 }), t - 10);
    for (const payload of [succeeded, processing, failed]) {
      expect((await handler()(webhookRequest(payload), "stripe")).status).toBe(200);
    }
    expect(await invoiceMoney(db, invoice.id)).toEqual({ status: "paid", amountPaid: "25.00", amountRefunded: "0.00", paid: true });
    const payments = await db.payment.findMany({ where: { invoiceId: invoice.id } });
    expect(payments.map((p) => [p.providerPaymentId, p.status])).toEqual([[intentId, "succeeded"]]);
  });

  it("processing before succeeded (the usual order) ends paid, counted once", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "12.00" });
    const intentId = `pi_${randomBytes(8).toString("hex")}`;
    await handler()(webhookRequest(stripeEvent("payment_intent.processing", paymentIntentObject(invoice, { id: intentId, status: "processing", amount: 1200 }))), "stripe");
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "pending" });
    await handler()(webhookRequest(stripeEvent("payment_intent.succeeded", paymentIntentObject(invoice, { id: intentId, status: "succeeded", amount: 1200 }))), "stripe");
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "paid", amountPaid: "12.00" });
    expect(await db.payment.count({ where: { invoiceId: invoice.id } })).toBe(1);
  });

  it("the webhook for a charge we already recorded does not count it twice", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "60.00" });
    const { payment } = await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    const intent = stripeServer.intents.get(payment.providerPaymentId!)!;
    const response = await handler()(webhookRequest(stripeEvent("payment_intent.succeeded", intent)), "stripe");
    expect(response.status).toBe(200);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "paid", amountPaid: "60.00" });
    expect(await db.payment.count({ where: { invoiceId: invoice.id } })).toBe(1);
  });

  it("a Stripe success for an invoice already paid by bank transfer is recorded but not counted", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "40.00" });
    await markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-9" }, admin);
    const payload = stripeEvent("payment_intent.succeeded", paymentIntentObject(invoice, { status: "succeeded", amount: 4000 }));
    expect((await handler()(webhookRequest(payload), "stripe")).status).toBe(200);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "paid", amountPaid: "40.00" });
    expect(await db.auditLog.count({ where: { entityId: invoice.id, action: "payment.not_applied" } })).toBe(1);
  });

  it("a duplicate Stripe charge on an invoice paid by transfer is given back from itself; the invoice's amounts do not move", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "40.00" });
    await markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-DUP" }, admin);
    // The customer also paid by card (a payment link, say): a real intent at the stand-in.
    const { hostname, port } = new URL(stripeServer.url);
    const customerSide = new Stripe(stripeServer.secretKey, { host: hostname, port, protocol: "http" });
    const intent = await customerSide.paymentIntents.create({ amount: 4000, currency: "usd", confirm: true, payment_method: "pm_card_visa", metadata: { invoiceId: invoice.id } });
    expect((await handler()(webhookRequest(stripeEvent("payment_intent.succeeded", intent)), "stripe")).status).toBe(200);
    const duplicate = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, providerPaymentId: intent.id } });
    expect(duplicate).toMatchObject({ status: "succeeded", applied: false });

    // Not named: a refund comes from the counted transfer, never from the duplicate.
    const tooMuch = await rejection(refundInvoice(db, { invoiceId: invoice.id, amount: "40.01", reason: "x" }, admin, providers));
    expect((tooMuch as AppError).message).toContain("exceeds what can be refunded");

    // Named: Stripe gives the duplicate back; the invoice stays paid, 40.00 paid, nothing refunded.
    const state = await refundInvoice(db, { invoiceId: invoice.id, amount: "40.00", reason: "paid twice", paymentId: duplicate.id }, admin, providers);
    expect(state).toMatchObject({ status: "paid", amountPaid: "40.00", amountRefunded: "0.00" });
    expect([...stripeServer.refunds.values()].filter((r) => r.payment_intent === intent.id).map((r) => r.amount)).toEqual([4000]);
    expect(await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, kind: "refund" } })).toMatchObject({ refundOfId: duplicate.id, applied: false, status: "succeeded" });
    expect(await db.auditLog.count({ where: { entityId: invoice.id, action: "payment.duplicate_refund" } })).toBe(1);
    // Nothing is left of the duplicate; the transfer is still refundable in full.
    expect(await rejection(refundInvoice(db, { invoiceId: invoice.id, amount: "1.00", reason: "again", paymentId: duplicate.id }, admin, providers))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await refundInvoice(db, { invoiceId: invoice.id, amount: "40.00", reason: "contract ended" }, admin, providers)).toMatchObject({ status: "refunded", amountRefunded: "40.00" });
  });

  it("a refund of a duplicate made in Stripe's dashboard leaves the invoice's amounts alone", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "25.00" });
    await markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-DUP-2" }, admin);
    const intent = paymentIntentObject(invoice, { status: "succeeded", amount: 2500 });
    await handler()(webhookRequest(stripeEvent("payment_intent.succeeded", intent)), "stripe");
    const refund = { id: `re_${randomBytes(8).toString("hex")}`, object: "refund", amount: 2500, currency: "usd", status: "succeeded", payment_intent: intent.id, metadata: {} };
    expect((await handler()(webhookRequest(stripeEvent("refund.created", refund)), "stripe")).status).toBe(200);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "paid", amountPaid: "25.00", amountRefunded: "0.00" });
    expect(await db.payment.findFirstOrThrow({ where: { providerPaymentId: refund.id } })).toMatchObject({ applied: false });
  });

  it("a refund whose answer is lost stays pending and holds its amount; Stripe's webhook lands on the same row, counted once", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "44.00" });
    const { payment: charge } = await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    stripeServer.dropAnswers(2);
    const lost = await rejection(refundInvoice(db, { invoiceId: invoice.id, amount: "44.00", reason: "cancelled order" }, admin, providers));
    expect(lost).toMatchObject({ code: "PROVIDERS_UNAVAILABLE" });
    expect((lost as AppError).message).toContain("is not known yet");
    // One refund at Stripe (the SDK's retry was answered from the idempotency store), carrying our row's id.
    const atStripe = [...stripeServer.refunds.values()].filter((r) => r.payment_intent === charge.providerPaymentId);
    expect(atStripe).toHaveLength(1);
    const row = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, kind: "refund" } });
    expect(row).toMatchObject({ status: "pending", providerPaymentId: null, refundOfId: charge.id });
    expect(atStripe[0]!.metadata.paymentId).toBe(row.id);
    // Clicking again does not refund twice: the pending refund holds the amount.
    expect(await rejection(refundInvoice(db, { invoiceId: invoice.id, amount: "44.00", reason: "cancelled order" }, admin, providers))).toMatchObject({ code: "BAD_REQUEST" });

    expect((await handler()(webhookRequest(stripeEvent("refund.created", atStripe[0])), "stripe")).status).toBe(200);
    expect(await db.payment.findMany({ where: { invoiceId: invoice.id, kind: "refund" }, select: { id: true, status: true, providerPaymentId: true } })).toEqual([
      { id: row.id, status: "succeeded", providerPaymentId: atStripe[0]!.id },
    ]);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "refunded", amountRefunded: "44.00" });
  });

  it("a refund with no outcome past the answer window is looked up at Stripe before the next refund", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "52.00" });
    const { payment: charge } = await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    stripeServer.dropAnswers(2);
    await rejection(refundInvoice(db, { invoiceId: invoice.id, amount: "52.00", reason: "cancelled order" }, admin, providers));
    // No webhook came. Ten minutes later the admin tries again.
    await db.payment.updateMany({ where: { invoiceId: invoice.id, kind: "refund" }, data: { createdAt: new Date(clockNow().getTime() - CHARGE_ANSWER_WINDOW_MS - 60_000) } });
    const again = await rejection(refundInvoice(db, { invoiceId: invoice.id, amount: "52.00", reason: "cancelled order" }, admin, providers));
    // Stripe had refunded: recorded first, so the second is refused and nothing is sent twice.
    expect(again).toMatchObject({ code: "INVOICE_STATUS_CONFLICT" });
    expect(stripeServer.requests).toContain("GET /v1/refunds");
    expect([...stripeServer.refunds.values()].filter((r) => r.payment_intent === charge.providerPaymentId)).toHaveLength(1);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "refunded", amountRefunded: "52.00" });
    expect(await db.payment.count({ where: { invoiceId: invoice.id, kind: "refund", status: "succeeded" } })).toBe(1);
  });

  it("a refund Stripe never received is closed as failed once the window has passed, and its amount can be refunded", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "16.00" });
    const { payment: charge } = await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    const lost = await db.payment.create({
      data: {
        invoiceId: invoice.id,
        clientId: invoice.clientId,
        provider: "stripe",
        kind: "refund",
        status: "pending",
        amount: "16.00",
        currency: "USD",
        refundOfId: charge.id,
        createdAt: new Date(clockNow().getTime() - CHARGE_ANSWER_WINDOW_MS - 60_000),
      },
    });
    expect(await refundInvoice(db, { invoiceId: invoice.id, amount: "16.00", reason: "cancelled order" }, admin, providers)).toMatchObject({ status: "refunded" });
    expect(await db.payment.findUniqueOrThrow({ where: { id: lost.id } })).toMatchObject({ status: "failed", failureReason: "Stripe has no refund for this request: nothing was refunded." });
  });

  it("a refund through a provider that is not configured is refused before anything is written", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "11.00" });
    await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    const unconfigured = { getProvider: (name: string) => getPaymentProvider(name, {}) };
    expect(await rejection(refundInvoice(db, { invoiceId: invoice.id, amount: "11.00", reason: "x" }, admin, unconfigured))).toMatchObject({ code: "PROVIDERS_UNAVAILABLE" });
    expect(await db.payment.count({ where: { invoiceId: invoice.id, kind: "refund" } })).toBe(0);
  });

  it("a refund left pending at Stripe holds its amount; when Stripe says it failed, the amount can be refunded again", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "30.00" });
    const { payment: charge } = await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    stripeServer.leaveNextRefundPending();
    expect(await refundInvoice(db, { invoiceId: invoice.id, amount: "30.00", reason: "closing the account" }, admin, providers)).toMatchObject({ status: "paid", amountRefunded: "0.00" });
    const pending = await db.payment.findFirstOrThrow({ where: { invoiceId: invoice.id, kind: "refund" } });
    expect(pending).toMatchObject({ status: "pending", refundOfId: charge.id });
    // On its way back: not refundable twice.
    expect(await rejection(refundInvoice(db, { invoiceId: invoice.id, amount: "1.00", reason: "again" }, admin, providers))).toMatchObject({ code: "BAD_REQUEST" });

    // At Stripe the refund fails (the card was closed), and Stripe says so.
    stripeServer.refunds.get(pending.providerPaymentId!)!.status = "failed";
    const failed = { id: pending.providerPaymentId, object: "refund", amount: 3000, currency: "usd", status: "failed", failure_reason: "expired_or_canceled_card", payment_intent: charge.providerPaymentId, metadata: {} };
    expect((await handler()(webhookRequest(stripeEvent("refund.failed", failed)), "stripe")).status).toBe(200);
    expect(await db.payment.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ status: "failed", failureReason: "failed at Stripe: expired_or_canceled_card" });
    expect(await refundInvoice(db, { invoiceId: invoice.id, amount: "30.00", reason: "closing the account" }, admin, providers)).toMatchObject({ status: "refunded", amountRefunded: "30.00" });
  });

  it("a refund made in Stripe's dashboard arrives by webhook and is counted once", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "50.00" });
    const { payment } = await chargeInvoice(db, stripe, { invoiceId: invoice.id, paymentMethod: "pm_card_visa" }, admin);
    const refund = { id: `re_${randomBytes(8).toString("hex")}`, object: "refund", amount: 5000, currency: "usd", status: "succeeded", payment_intent: payment.providerPaymentId, metadata: {} };
    const payload = stripeEvent("refund.created", refund);
    expect((await handler()(webhookRequest(payload), "stripe")).status).toBe(200);
    expect((await handler()(webhookRequest(stripeEvent("refund.updated", refund)), "stripe")).status).toBe(200);
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "refunded", amountRefunded: "50.00" });
    const refunds = await db.payment.findMany({ where: { invoiceId: invoice.id, kind: "refund" }, select: { refundOfId: true } });
    expect(refunds).toEqual([{ refundOfId: payment.id }]);
  });

  it("an event that cannot be applied is kept with its error, answered non-2xx, and applied on redelivery", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "15.00" });
    // Amount in a currency the invoice is not in: refused, nothing half-written.
    const object = { ...paymentIntentObject(invoice, { status: "succeeded", amount: 1500 }), currency: "eur" };
    const payload = stripeEvent("payment_intent.succeeded", object);
    const response = await handler()(webhookRequest(payload), "stripe");
    expect(response.status).toBe(400);
    const stored = await db.webhookEvent.findUniqueOrThrow({ where: { provider_eventId: { provider: "stripe", eventId: eventId(payload) } } });
    expect(stored).toMatchObject({ processedAt: null, attempts: 1 });
    expect(stored.lastError).toContain("EUR");
    expect(await db.payment.count({ where: { invoiceId: invoice.id } })).toBe(0);

    // Stored but unprocessed: a redelivery tries again (and fails the same way, counted).
    expect((await handler()(webhookRequest(payload), "stripe")).status).toBe(400);
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ processedAt: null, attempts: 2 });
  });

  it("a refund that arrives before its charge is acknowledged and kept unmatched; an admin reprocesses it once the charge is known", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "30.00" });
    const intentId = `pi_${randomBytes(8).toString("hex")}`;
    const refund = { id: `re_${randomBytes(8).toString("hex")}`, object: "refund", amount: 1000, currency: "usd", status: "succeeded", payment_intent: intentId, metadata: {} };
    const refundPayload = stripeEvent("refund.created", refund);
    const warned = vi.spyOn(console, "warn").mockImplementation(() => {});
    const response = await handler()(webhookRequest(refundPayload), "stripe");
    warned.mockRestore();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ received: true, status: "unmatched", kind: "refund_succeeded" });
    const stored = await db.webhookEvent.findUniqueOrThrow({ where: { provider_eventId: { provider: "stripe", eventId: eventId(refundPayload) } } });

    const listed = await listWebhookEvents(db, { unprocessed: true, pageSize: 200 });
    expect(listed.unprocessedTotal).toBeGreaterThanOrEqual(1);
    expect(listed.items.find((item) => item.id === stored.id)).toMatchObject({ type: "refund.created", state: "unmatched", processedAt: null, attempts: 1, lastError: null });
    expect(listed.items.find((item) => item.id === stored.id)?.unmatchedReason).toContain(`no payment with id ${intentId}`);

    // Reprocessing before the cause is fixed keeps it unmatched, counted.
    expect(await reprocessWebhookEvent(db, { id: stored.id }, { now: clockNow(), getProvider: () => stripe })).toMatchObject({ status: "unmatched" });
    expect(await db.webhookEvent.findUniqueOrThrow({ where: { id: stored.id } })).toMatchObject({ processedAt: null, attempts: 2 });

    // The charge's own event arrives; now the refund applies, once.
    const charged = stripeEvent("payment_intent.succeeded", paymentIntentObject(invoice, { id: intentId, status: "succeeded", amount: 3000 }));
    expect((await handler()(webhookRequest(charged), "stripe")).status).toBe(200);
    expect(await reprocessWebhookEvent(db, { id: stored.id }, { now: clockNow(), getProvider: () => stripe })).toMatchObject({ status: "processed", kind: "refund_succeeded" });
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "partially_refunded", amountPaid: "30.00", amountRefunded: "10.00" });
    expect(await rejection(reprocessWebhookEvent(db, { id: stored.id }, { now: clockNow(), getProvider: () => stripe }))).toMatchObject({ code: "WEBHOOK_EVENT_CLOSED" });
    expect(await db.payment.count({ where: { invoiceId: invoice.id, kind: "refund" } })).toBe(1);
    expect((await listWebhookEvents(db, { unprocessed: true, pageSize: 200 })).items.some((item) => item.id === stored.id)).toBe(false);
  });

  it("a signed event whose object we cannot read is stored with the error, not lost", async () => {
    const { db } = testDb();
    const payload = stripeEvent("payment_intent.succeeded", { id: "pi_broken", object: "payment_intent" });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await handler()(webhookRequest(payload), "stripe");
    const logLines = logged.mock.calls.map((call) => call.map(String).join(" "));
    logged.mockRestore();
    expect(response.status).toBe(500);
    const stored = await db.webhookEvent.findUniqueOrThrow({ where: { provider_eventId: { provider: "stripe", eventId: eventId(payload) } } });
    expect(stored).toMatchObject({ processedAt: null, attempts: 1 });
    // What the dashboard shows is an id to find the whole error in the log, never the error's
    // own text (an unexpected error may carry SQL or ORM details).
    const logId = /\(log ([0-9a-f-]{36})\)/.exec(stored.lastError ?? "")?.[1];
    expect(logId, stored.lastError ?? "").toBeDefined();
    expect(logLines.some((line) => line.includes(logId!) && line.includes(eventId(payload)))).toBe(true);
  });

  it("an event type we do not act on is stored and acknowledged", async () => {
    const { db } = testDb();
    const payload = stripeEvent("customer.created", { id: "cus_123", object: "customer" });
    const response = await handler()(webhookRequest(payload), "stripe");
    expect(await response.json()).toMatchObject({ status: "ignored", kind: "ignored" });
    expect(await db.webhookEvent.count({ where: { eventId: eventId(payload) } })).toBe(1);
  });

  it("a provider that is not configured says which variables are missing", async () => {
    const error = await rejection(Promise.resolve().then(() => getPaymentProvider("stripe", {})));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "PROVIDERS_UNAVAILABLE", data: { missing: ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"] } });
    expect((error as AppError).message).toContain("STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET");

    const { db } = testDb();
    const invoice = await createTestInvoice(db);
    const unconfigured = createStripeProvider({});
    expect(await rejection(chargeInvoice(db, unconfigured, { invoiceId: invoice.id }, admin))).toMatchObject({ code: "PROVIDERS_UNAVAILABLE" });

    const route = createWebhookHandler({ getDb: async () => db, getProvider: (name) => getPaymentProvider(name, {}) });
    const response = await route(webhookRequest(stripeEvent("payment_intent.succeeded", {})), "stripe");
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toContain("STRIPE_WEBHOOK_SECRET");
    const unknown = await route(webhookRequest("{}"), "paypal");
    expect(unknown.status).toBe(404);
  });
});
