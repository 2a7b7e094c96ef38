// A provider charge of an invoice, and recording what the provider says about it (our call, its
// webhook, or a reconciliation of a charge whose answer was lost). See invoice-money.ts.
import Decimal from "decimal.js";
import { z } from "zod";
import type { PaymentStatus } from "@/generated/prisma/enums";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { assertInvoiceTransition, canTransition } from "@/server/invoices/invoice-status";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { assertProviderConfigured, ZOptionalProviderId, type PaymentProvider, type TPayableInvoice } from "./payment-provider";
import { paymentProviderLabel, type TGetPaymentProvider } from "./payment-providers";
import { clockNow } from "@/server/clock";
import { type TPaymentActor, type TInvoicePaymentState, type TRecordedPayment, type TLockedInvoice, money, defaultGetProvider, stateOf, lockInvoice, writeInvoiceMoney, writeAudit, PAYMENT_SELECT, toRecorded, withCharge, amountDue, ZPaymentId, writeProviderPayment } from "./invoice-money";
export const ZChargeInvoiceInput = z.object({
  invoiceId: z.uuid(),
  /** A saved payment method at the provider (Stripe: pm_...); default: the client's account's. */
  paymentMethod: ZOptionalProviderId,
});
export type TChargeInvoiceInput = z.input<typeof ZChargeInvoiceInput>;

/**
 * How long a charge we started may go without an outcome before we ask the provider about
 * it ourselves: its answer was lost and no webhook has come. Stripe answers in seconds and
 * sends its webhook within a minute; a bank debit that takes days is "processing".
 */
export const CHARGE_ANSWER_WINDOW_MS = 10 * 60_000;

/**
 * A provider charge that has started and has no outcome yet holds the invoice: while it
 * runs, nobody records a bank transfer, starts another charge or cancels, or the customer
 * pays twice. Call with the invoice locked, after reconcileStaleCharges.
 */
export async function assertNoChargeInFlight(tx: TDbClient, invoice: TLockedInvoice): Promise<void> {
  const inFlight = await tx.payment.findFirst({
    where: { invoiceId: invoice.id, kind: "charge", status: { in: ["pending", "processing"] } },
    orderBy: { createdAt: "desc" },
    select: { provider: true, status: true, amount: true, createdAt: true },
  });
  if (!inFlight) return;
  const amount = money(new Decimal(inFlight.amount.toString()));
  throw new AppError(
    "CHARGE_IN_FLIGHT",
    `A ${paymentProviderLabel(inFlight.provider)} charge of ${amount} ${invoice.currency} on invoice ${invoice.number} is ` +
      `${inFlight.status === "processing" ? "processing at the provider" : "in progress"} (started ${inFlight.createdAt.toISOString()}); ` +
      "wait for its outcome before recording another payment or cancelling.",
    { invoiceNumber: invoice.number, provider: inFlight.provider, status: inFlight.status, amount },
  );
}

/**
 * Asks the provider about the invoice's charges that have waited longer than the answer
 * window, and records what it says: the charge it made (paid, failed, still processing),
 * or, when the attempt made none, the attempt closed as failed. Called before an invoice
 * is paid another way, charged again or cancelled; outside any transaction (network).
 * A provider that cannot be asked makes the caller fail, naming it: the outcome stays unknown.
 */
export async function reconcileStaleCharges(db: TDb, invoiceId: string, getProvider: TGetPaymentProvider, now = clockNow()): Promise<void> {
  const stale = await db.payment.findMany({
    where: { invoiceId, kind: "charge", status: { in: ["pending", "processing"] }, createdAt: { lt: new Date(now.getTime() - CHARGE_ANSWER_WINDOW_MS) } },
    select: { id: true, provider: true, providerPaymentId: true },
  });
  for (const attempt of stale) {
    const provider = getProvider(attempt.provider);
    const found = attempt.providerPaymentId ? await provider.getPaymentStatus(attempt.providerPaymentId) : await provider.findPaymentByAttempt(attempt.id);
    if (!found) {
      await db.payment.updateMany({
        where: { id: attempt.id, status: "pending", providerPaymentId: null },
        data: { status: "failed", failureReason: `${provider.label} has no charge for this attempt: nothing was charged.` },
      });
      continue;
    }
    const report = { ...found, invoiceId, provider: provider.name, paymentId: attempt.id, occurredAt: now };
    await inTransaction(db, (tx) => recordProviderCharge(tx, report, { id: null, email: `reconcile:${provider.name}` }));
  }
}


export type TProviderChargeReport = {
  invoiceId: string;
  provider: string;
  providerPaymentId: string;
  /** Our Payment row of the attempt, when known (our own call, or the charge's metadata). */
  paymentId?: string;
  status: PaymentStatus;
  /** Major unit, decimal string. */
  amount: string;
  currency: string;
  failureReason?: string | null;
  occurredAt: Date;
};


/**
 * What recording a charge did. applied: the charge moved the invoice's money;
 * already_recorded: this charge was already recorded as succeeded, nothing changed;
 * not_applied: succeeded, but the invoice was no longer payable (paid another way):
 * recorded, not counted; not_final: pending, processing or failed: the Payment row says
 * so, the invoice is untouched.
 */
export const ZChargeOutcome = z.enum(["applied", "already_recorded", "not_applied", "not_final"]);
export type TChargeOutcome = z.infer<typeof ZChargeOutcome>;

/**
 * Records what a provider says about a charge, inside the caller's transaction. Safe in
 * any order and any number of times: a succeeded charge is counted once, and nothing that
 * arrives later (processing, failed) downgrades it or un-pays the invoice.
 */
export async function recordProviderCharge(
  tx: TDbClient,
  report: TProviderChargeReport,
  actor: TPaymentActor,
): Promise<{ outcome: TChargeOutcome; payment: TRecordedPayment; invoice: TInvoicePaymentState }> {
  const invoice = await lockInvoice(tx, report.invoiceId);
  if (report.currency.toUpperCase() !== invoice.currency) {
    throw new AppError("BAD_REQUEST", `Charge ${report.providerPaymentId} is in ${report.currency}, invoice ${invoice.number} in ${invoice.currency}.`, {
      providerPaymentId: report.providerPaymentId,
    });
  }
  const key = { provider_providerPaymentId: { provider: report.provider, providerPaymentId: report.providerPaymentId } };
  const select = { ...PAYMENT_SELECT, invoiceId: true } as const;
  let existing = await tx.payment.findUnique({ where: key, select });
  if (existing && existing.invoiceId !== invoice.id) {
    throw new AppError("CHARGE_OF_ANOTHER_INVOICE", `Charge ${report.providerPaymentId} belongs to another invoice.`, { providerPaymentId: report.providerPaymentId });
  }
  // Not known by the provider's id yet: the attempt we started has the row (its answer
  // may be on its way, or lost).
  const attemptId = ZPaymentId.safeParse(report.paymentId);
  if (!existing && attemptId.success) {
    existing = await tx.payment.findFirst({
      where: { id: attemptId.data, invoiceId: invoice.id, provider: report.provider, kind: "charge", providerPaymentId: null },
      select,
    });
  }
  if (existing?.status === "succeeded") return { outcome: "already_recorded", payment: toRecorded(existing), invoice: stateOf(invoice) };

  const data = {
    status: report.status,
    amount: money(new Decimal(report.amount)),
    failureReason: report.status === "failed" ? (report.failureReason ?? "failed at the provider") : null,
  };
  const payment = await writeProviderPayment(tx, {
    existingId: existing?.id ?? null,
    invoice,
    actor,
    kind: "charge",
    provider: report.provider,
    providerPaymentId: report.providerPaymentId,
    data,
  });
  if (report.status !== "succeeded") return { outcome: "not_final", payment, invoice: stateOf(invoice) };

  if (!canTransition(invoice.status, "paid")) {
    // Money arrived for an invoice that is paid (by bank transfer, say): keep the record,
    // do not count it twice, and leave a trail for whoever refunds the duplicate.
    await tx.payment.update({ where: { id: payment.id }, data: { applied: false } });
    await writeAudit(tx, actor, {
      action: "payment.not_applied",
      invoice,
      after: invoice,
      payment,
      reason: `Invoice ${invoice.number} was ${invoice.status} when this charge succeeded; it was not counted and should be refunded.`,
    });
    return { outcome: "not_applied", payment, invoice: stateOf(invoice) };
  }
  const after = await writeInvoiceMoney(tx, invoice, withCharge(invoice, new Decimal(report.amount), report.occurredAt));
  // The charge was sized when it started; a transfer recorded meanwhile makes it too much.
  // The money did arrive, so it is counted (refundable), and the trail says what to do.
  const overpaid = after.amountPaid.minus(after.total);
  const reason = overpaid.gt(0) ? `Overpaid by ${money(overpaid)} ${invoice.currency}: refund the excess.` : null;
  await writeAudit(tx, actor, { action: "invoice.payment_succeeded", invoice, after, payment, reason });
  return { outcome: "applied", payment, invoice: stateOf(after) };
}

/**
 * Charges what is due on the invoice through the provider, then records the result, in
 * three steps so that no lock is held over the network and no invoice is charged twice:
 *   1. under the invoice lock, refuse if a charge is already in flight, and write this
 *      attempt's Payment row (pending, the amount due): the in-flight marker;
 *   2. call the provider, with the row's id as idempotency key and in the charge's metadata;
 *   3. record the answer on that row. If the call failed, the row is closed as failed;
 *      a charge that went through anyway arrives by webhook and lands on the same row.
 */
export async function chargeInvoice(
  db: TDb,
  provider: PaymentProvider,
  rawInput: TChargeInvoiceInput,
  actor: TPaymentActor,
  options: { getProvider?: TGetPaymentProvider } = {},
): Promise<{ outcome: TChargeOutcome; payment: TRecordedPayment; invoice: TInvoicePaymentState }> {
  const input = parseInput(ZChargeInvoiceInput, rawInput);
  assertProviderConfigured(provider);
  await reconcileStaleCharges(db, input.invoiceId, options.getProvider ?? ((name) => (name === provider.name ? provider : defaultGetProvider(name))));
  const { payable, paymentId, paymentMethod, customerId } = await inTransaction(db, async (tx) => {
    const invoice = await lockInvoice(tx, input.invoiceId);
    assertInvoiceTransition(invoice, "paid");
    if (!provider.canCharge) {
      throw new AppError("BAD_REQUEST", `A ${provider.label.toLowerCase()} cannot be charged; mark invoice ${invoice.number} paid once the money has arrived.`, {
        invoiceId: invoice.id,
        provider: provider.name,
      });
    }
    await assertNoChargeInFlight(tx, invoice);
    // The client's account at the provider: the customer to charge and its saved method.
    const account = await tx.paymentAccount.findUnique({
      where: { clientId_provider: { clientId: invoice.clientId, provider: provider.name } },
      select: { customerId: true, paymentMethodId: true },
    });
    const paymentMethod = input.paymentMethod ?? account?.paymentMethodId ?? undefined;
    if (!paymentMethod) {
      throw new AppError(
        "BAD_REQUEST",
        `The client of invoice ${invoice.number} has no saved ${provider.label} payment method: set one on the client's page, or give one for this charge.`,
        { invoiceId: invoice.id, provider: provider.name },
      );
    }
    const due = money(amountDue(invoice));
    const attempt = await tx.payment.create({
      data: { createdAt: clockNow(), invoiceId: invoice.id, clientId: invoice.clientId, provider: provider.name, kind: "charge", status: "pending", amount: due, currency: invoice.currency, createdBy: actor.email },
      select: { id: true },
    });
    const payable: TPayableInvoice = { id: invoice.id, number: invoice.number, clientId: invoice.clientId, currency: invoice.currency, amountDue: due };
    return { payable, paymentId: attempt.id, paymentMethod, customerId: account?.customerId };
  });

  let result: Awaited<ReturnType<PaymentProvider["processPayment"]>>;
  try {
    result = await provider.processPayment(payable, { paymentMethod, customerId, paymentId });
  } catch (error) {
    if (error instanceof AppError && error.code === "BAD_REQUEST") {
      // Refused (a 4xx): nothing was charged. Only a row still waiting is closed: the webhook may have won.
      await db.payment.updateMany({
        where: { id: paymentId, status: "pending", providerPaymentId: null },
        data: { status: "failed", failureReason: error.message.slice(0, 1000) },
      });
      throw error;
    }
    // No answer, or a provider error: the card may have been charged. The attempt keeps
    // holding the invoice until the provider's webhook says, or reconcileStaleCharges asks.
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError(
      "PROVIDERS_UNAVAILABLE",
      `${reason} Whether invoice ${payable.number} was charged is not known yet: it is held until ${provider.label} reports the outcome ` +
        `(its webhook, or a check after ${CHARGE_ANSWER_WINDOW_MS / 60_000} minutes). Do not charge it another way meanwhile.`,
      { invoiceId: payable.id, paymentId },
    );
  }
  return inTransaction(db, (tx) =>
    recordProviderCharge(
      tx,
      {
        invoiceId: payable.id,
        provider: provider.name,
        providerPaymentId: result.providerPaymentId,
        paymentId,
        status: result.status,
        amount: result.amount,
        currency: result.currency,
        failureReason: result.failureReason,
        occurredAt: clockNow(),
      },
      actor,
    ),
  );
}
