// Refunds: an admin refunds (part of) a paid invoice from one of its charges, and what the
// provider says about a refund is recorded. See invoice-money.ts.
import Decimal from "decimal.js";
import { z } from "zod";
import type { InvoiceStatus } from "@/generated/prisma/enums";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { assertInvoiceTransition, canTransition } from "@/server/invoices/invoice-status";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { type PaymentProvider } from "./payment-provider";
import { paymentProviderLabel, type TGetPaymentProvider } from "./payment-providers";
import { chooseRefundSource, refundableCharges, type TRefundableCharge } from "./refund-source";
import { clockNow } from "@/server/clock";
import { type TPaymentActor, ZMoneyAmount, ZCurrencyAssertion, assertInvoiceCurrency, type TInvoicePaymentState, type TLockedInvoice, money, defaultGetProvider, stateOf, readInvoice, lockInvoice, writeInvoiceMoney, writeAudit, PAYMENT_SELECT, ZPaymentId, writeProviderPayment } from "./invoice-money";
import { CHARGE_ANSWER_WINDOW_MS } from "./charge-invoice";
export const ZRefundInvoiceInput = z.strictObject({
  invoiceId: z.uuid(),
  amount: ZMoneyAmount,
  reason: z.string().trim().min(1, "is required").max(500),
  /** The charge to refund from (its Payment id); default: the newest that covers the amount. */
  paymentId: z.uuid("must be a payment id").optional(),
  /** If sent: must be the invoice's currency. */
  currency: ZCurrencyAssertion,
});

export type TRefundInvoiceInput = z.input<typeof ZRefundInvoiceInput>;
export type TProviderRefundReport = {
  invoiceId: string;
  provider: string;
  /** The refund's own id at the provider (null for a manual refund). */
  providerRefundId: string | null;
  /** Our Payment row of the charge it refunds, when known. */
  refundOfId: string | null;
  /** Our Payment row of this refund, when we started it (our call, or the refund's metadata). */
  refundId?: string;
  amount: string;
  reason: string | null;
};

function refundTooLarge(invoice: TLockedInvoice, amount: Decimal, onTheirWay: Decimal): AppError {
  const refundable = Decimal.max(invoice.amountPaid.minus(invoice.amountRefunded).minus(onTheirWay), 0);
  const pending = onTheirWay.gt(0) ? `, ${money(onTheirWay)} on its way back` : "";
  return new AppError(
    "BAD_REQUEST",
    `Refund of ${money(amount)} ${invoice.currency} exceeds what can be refunded on invoice ${invoice.number}: ` +
      `${money(refundable)} ${invoice.currency} (paid ${money(invoice.amountPaid)}, already refunded ${money(invoice.amountRefunded)}${pending}).`,
    { amount: money(amount), refundable: money(refundable), amountPaid: money(invoice.amountPaid), amountRefunded: money(invoice.amountRefunded), onTheirWay: money(onTheirWay) },
  );
}

/**
 * The invoice after refunding `amount`; refuses more than paid minus refunded minus what
 * pending refunds are already taking back (`onTheirWay`).
 */
function refundedState(invoice: TLockedInvoice, amount: Decimal, onTheirWay: Decimal = new Decimal(0)) {
  // Only a paid (or partly refunded) invoice has anything to refund: CONFLICT first.
  if (!canTransition(invoice.status, "refunded")) assertInvoiceTransition(invoice, "refunded");
  const amountRefunded = invoice.amountRefunded.plus(amount);
  if (amountRefunded.plus(onTheirWay).gt(invoice.amountPaid)) throw refundTooLarge(invoice, amount, onTheirWay);
  const status: InvoiceStatus = amountRefunded.eq(invoice.amountPaid) ? "refunded" : "partially_refunded";
  assertInvoiceTransition(invoice, status);
  return { status, amountPaid: invoice.amountPaid, amountRefunded, paidAt: invoice.paidAt };
}

/**
 * Counts a succeeded refund on a locked invoice, inside the caller's transaction. A refund
 * id already counted is not counted again (our call, then the provider's webhook).
 */
export async function recordSucceededRefund(
  tx: TDbClient,
  report: TProviderRefundReport,
  actor: TPaymentActor,
  at?: Date,
): Promise<{ outcome: "applied" | "already_recorded"; invoice: TInvoicePaymentState }> {
  const invoice = await lockInvoice(tx, report.invoiceId);
  const key = report.providerRefundId ? { provider_providerPaymentId: { provider: report.provider, providerPaymentId: report.providerRefundId } } : null;
  let existing = key ? await tx.payment.findUnique({ where: key, select: PAYMENT_SELECT }) : null;
  // Not known by the provider's id yet: the refund we started has the row.
  const refundId = ZPaymentId.safeParse(report.refundId);
  if (!existing && refundId.success) {
    existing = await tx.payment.findFirst({
      where: { id: refundId.data, invoiceId: invoice.id, provider: report.provider, kind: "refund", providerPaymentId: null },
      select: PAYMENT_SELECT,
    });
  }
  if (existing?.status === "succeeded") return { outcome: "already_recorded", invoice: stateOf(invoice) };

  const amount = new Decimal(report.amount);
  // Giving back a duplicate that was never counted leaves the invoice's amounts alone.
  const source = report.refundOfId ? await tx.payment.findUnique({ where: { id: report.refundOfId }, select: { applied: true } }) : null;
  const counted = source?.applied ?? true;
  const next = counted ? refundedState(invoice, amount) : invoice;
  const data = {
    status: "succeeded" as const,
    amount: money(amount),
    failureReason: null,
    applied: counted,
    ...(report.refundOfId ? { refundOfId: report.refundOfId } : {}),
  };
  const payment = await writeProviderPayment(tx, {
    existingId: existing?.id ?? null,
    invoice,
    actor,
    kind: "refund",
    provider: report.provider,
    providerPaymentId: report.providerRefundId,
    data,
    reference: report.reason,
  });
  if (!counted) {
    await writeAudit(tx, actor, { action: "payment.duplicate_refund", invoice, after: invoice, payment, reason: report.reason });
    return { outcome: "applied", invoice: stateOf(invoice) };
  }
  const after = await writeInvoiceMoney(tx, invoice, next);
  await writeAudit(tx, actor, { action: "payment.refund", invoice, after, payment, reason: report.reason, at });
  return { outcome: "applied", invoice: stateOf(after) };
}

const REFUND_SOURCE_SELECT = {
  id: true,
  provider: true,
  providerPaymentId: true,
  reference: true,
  kind: true,
  status: true,
  amount: true,
  refundOfId: true,
  applied: true,
  createdAt: true,
} as const;

/** The invoice's charges with what is left to refund of each (refund-source.ts), newest first. */
async function listRefundableCharges(tx: TDbClient, invoiceId: string): Promise<TRefundableCharge[]> {
  const payments = await tx.payment.findMany({ where: { invoiceId }, select: REFUND_SOURCE_SELECT });
  return refundableCharges(
    payments.map((payment) => ({ ...payment, amount: payment.amount.toString() })),
    paymentProviderLabel,
  );
}

/**
 * Asks the provider about the invoice's refunds still pending after the answer window,
 * and records what it says: the refund it made (succeeded, failed, still pending), or,
 * for a refund we never heard back about and that it does not have, the row closed as
 * failed so that its amount can be refunded again. Outside any transaction (network).
 */
export async function reconcileStaleRefunds(db: TDb, invoiceId: string, getProvider: TGetPaymentProvider, now = clockNow()): Promise<void> {
  const stale = await db.payment.findMany({
    where: { invoiceId, kind: "refund", status: { in: ["pending", "processing"] }, createdAt: { lt: new Date(now.getTime() - CHARGE_ANSWER_WINDOW_MS) } },
    select: { id: true, provider: true, providerPaymentId: true, currency: true, reference: true, refundOfId: true, refundOf: { select: { providerPaymentId: true } } },
  });
  for (const refund of stale) {
    const provider = getProvider(refund.provider);
    const found = await provider.findRefundByAttempt({ providerPaymentId: refund.refundOf?.providerPaymentId ?? null, currency: refund.currency, invoiceId }, refund.id);
    if (!found) {
      // Known to the provider (it gave us an id) but not found by ours: leave it to its webhook.
      if (refund.providerPaymentId) continue;
      await db.payment.updateMany({
        where: { id: refund.id, status: { in: ["pending", "processing"] }, providerPaymentId: null },
        data: { status: "failed", failureReason: `${provider.label} has no refund for this request: nothing was refunded.` },
      });
    } else if (found.status === "succeeded") {
      const report = { invoiceId, provider: provider.name, providerRefundId: found.providerRefundId, refundOfId: refund.refundOfId, refundId: refund.id, amount: found.amount, reason: refund.reference };
      await inTransaction(db, (tx) => recordSucceededRefund(tx, report, { id: null, email: `reconcile:${provider.name}` }));
    } else {
      await db.payment.updateMany({
        where: { id: refund.id, status: { in: ["pending", "processing"] } },
        data: { status: found.status, providerPaymentId: found.providerRefundId, failureReason: found.status === "failed" ? (found.failureReason ?? "failed at the provider") : null },
      });
    }
  }
}

/**
 * Refunds part or all of what was paid, never more than paid minus refunded, from one
 * charge and never more than is left of it (refund-source.ts), back through that charge's
 * provider (a bank transfer: the admin has sent the money; we record it). Like a charge,
 * in three steps so that no lock is held over the network and nothing is refunded twice:
 *   1. under the invoice lock, check the limits (refunds on their way back count) and
 *      write this refund's Payment row, pending: it holds its amount;
 *   2. ask the provider, with the row's id as idempotency key and in the refund's metadata;
 *   3. record the answer on that row. A refusal closes it as failed; with no answer it
 *      stays pending, holding its amount, until the provider's webhook settles it.
 */
export async function refundInvoice(
  db: TDb,
  rawInput: TRefundInvoiceInput,
  actor: TPaymentActor,
  options: { getProvider?: TGetPaymentProvider; now?: Date } = {},
): Promise<TInvoicePaymentState> {
  const input = parseInput(ZRefundInvoiceInput, rawInput);
  const getProvider = options.getProvider ?? defaultGetProvider;
  const now = options.now ?? clockNow();
  const amount = new Decimal(input.amount);
  await reconcileStaleRefunds(db, input.invoiceId, getProvider, now);
  const { invoice, charge, provider, refundId } = await inTransaction(db, async (tx) => {
    const invoice = await lockInvoice(tx, input.invoiceId);
    assertInvoiceCurrency(invoice, input.currency);
    const charges = await listRefundableCharges(tx, invoice.id);
    // A duplicate that was never counted is given back whatever the invoice's state.
    const named = charges.find((c) => c.id === input.paymentId);
    if (!named || named.applied) {
      const onTheirWay = await tx.payment.aggregate({
        where: { invoiceId: invoice.id, kind: "refund", applied: true, status: { in: ["pending", "processing"] } },
        _sum: { amount: true },
      });
      refundedState(invoice, amount, new Decimal(onTheirWay._sum.amount?.toString() ?? 0));
    }
    const source = chooseRefundSource(charges, { amount: money(amount), currency: invoice.currency, invoiceNumber: invoice.number, paymentId: input.paymentId });
    const charge = await tx.payment.findUniqueOrThrow({ where: { id: source.id }, select: { id: true, provider: true, providerPaymentId: true } });
    // Before anything is written: a provider that is not configured refuses here.
    const provider = getProvider(charge.provider);
    const row = await tx.payment.create({
      data: {
        createdAt: now,
        invoiceId: invoice.id,
        clientId: invoice.clientId,
        provider: charge.provider,
        kind: "refund",
        status: "pending",
        amount: money(amount),
        currency: invoice.currency,
        reference: input.reason,
        createdBy: actor.email,
        refundOfId: source.id,
        applied: source.applied,
      },
      select: { id: true },
    });
    return { invoice, charge, provider, refundId: row.id };
  });

  const closeAsFailed = (reason: string, providerRefundId: string | null = null) =>
    db.payment.updateMany({
      where: { id: refundId, status: "pending", providerPaymentId: null },
      data: { status: "failed", failureReason: reason.slice(0, 1000), providerPaymentId: providerRefundId },
    });
  let refund: Awaited<ReturnType<PaymentProvider["refundPayment"]>>;
  try {
    refund = await provider.refundPayment({ providerPaymentId: charge.providerPaymentId, currency: invoice.currency, invoiceId: invoice.id }, money(amount), { refundId });
  } catch (error) {
    if (error instanceof AppError && error.code === "BAD_REQUEST") {
      await closeAsFailed(error.message);
      throw error;
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError(
      "PROVIDERS_UNAVAILABLE",
      `${reason} Whether ${provider.label} refunded ${money(amount)} ${invoice.currency} is not known yet: the refund stays pending until ${provider.label} reports it.`,
      { invoiceId: invoice.id, refundId },
    );
  }
  if (refund.status === "failed") {
    await closeAsFailed(refund.failureReason ?? "failed at the provider", refund.providerRefundId);
    throw new AppError("BAD_REQUEST", `The ${provider.label} refund failed: ${refund.failureReason ?? "no reason given"}.`, { provider: provider.name });
  }
  if (refund.status !== "succeeded") {
    // Accepted but not final (some payment methods): pending; the webhook counts it.
    await db.payment.updateMany({ where: { id: refundId, status: "pending" }, data: { providerPaymentId: refund.providerRefundId, status: refund.status } });
    return stateOf(await readInvoice(db, invoice.id));
  }
  const recorded = await inTransaction(db, (tx) =>
    recordSucceededRefund(
      tx,
      {
        invoiceId: invoice.id,
        provider: provider.name,
        providerRefundId: refund.providerRefundId,
        refundOfId: charge.id,
        refundId,
        amount: money(amount),
        reason: input.reason,
      },
      actor,
      now,
    ),
  );
  return recorded.invoice;
}
