// Money moves on invoices: a bank transfer marked paid, a provider charge, a refund.
// Each runs in one transaction that locks the invoice row, writes the Payment row,
// updates the invoice's amountPaid / amountRefunded / status / paidAt, and writes an
// AuditLog entry. Payments from a provider are keyed by (provider, providerPaymentId),
// so the same charge reported twice (our call, then its webhook) is counted once.
// Amounts: decimal.js in the invoice currency's major unit, stored as Decimal(14, 2).
import Decimal from "decimal.js";
import { z } from "zod";
import type { InvoiceStatus, PaymentStatus } from "@/generated/prisma/enums";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { assertInvoiceTransition, canTransition } from "@/server/billing/invoice-status";
import { INVOICE_STATUSES } from "@/server/billing/list-invoices";
import { AppError } from "@/server/errors/app-error";
import { MANUAL_PROVIDER_NAME } from "./manual-provider";
import { assertProviderConfigured, ZOptionalProviderId, type PaymentProvider, type TPayableInvoice } from "./payment-provider";
import { getPaymentProvider, paymentProviderLabel, type TGetPaymentProvider } from "./payment-providers";
import { chooseRefundSource, refundableCharges, type TRefundableCharge } from "./refund-source";

/** Who moved the money: an admin (TSessionUser fits), or a provider's webhook (id null). */
export type TPaymentActor = { id: string | null; email: string };

/** A positive amount in the major unit with at most 2 decimals (the column's scale). */
export const ZMoneyAmount = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,2})?$/, "must be a positive decimal amount like 12.50")
  .refine((value) => new Decimal(value).gt(0), "must be greater than zero");

export const ZMarkInvoicePaidInput = z.object({
  invoiceId: z.uuid(),
  /** The bank transfer's reference, as on the statement. */
  reference: z.string().trim().min(1, "is required").max(200),
  /** Default: the whole amount still due. */
  amount: ZMoneyAmount.optional(),
  /** When the transfer arrived (the statement's date); default now; never in the future. */
  receivedAt: z.coerce
    .date({ error: "must be a date" })
    .refine((date) => date.getTime() <= Date.now() + 60_000, "cannot be in the future")
    .optional(),
});
export type TMarkInvoicePaidInput = z.input<typeof ZMarkInvoicePaidInput>;

export const ZChargeInvoiceInput = z.object({
  invoiceId: z.uuid(),
  /** A saved payment method at the provider (Stripe: pm_...); default: the client's account's. */
  paymentMethod: ZOptionalProviderId,
});
export type TChargeInvoiceInput = z.input<typeof ZChargeInvoiceInput>;

export const ZRefundInvoiceInput = z.object({
  invoiceId: z.uuid(),
  amount: ZMoneyAmount,
  reason: z.string().trim().min(1, "is required").max(500),
  /** The charge to refund from (its Payment id); default: the newest that covers the amount. */
  paymentId: z.uuid("must be a payment id").optional(),
});
export type TRefundInvoiceInput = z.input<typeof ZRefundInvoiceInput>;

/** The invoice's money state after the change: what callers and the UI show (the DTO). */
export const ZInvoicePaymentState = z.object({
  invoiceId: z.string(),
  number: z.string(),
  currency: z.string(),
  status: z.enum(INVOICE_STATUSES),
  total: z.string(),
  amountPaid: z.string(),
  amountRefunded: z.string(),
  paidAt: z.date().nullable(),
});

export type TInvoicePaymentState = z.infer<typeof ZInvoicePaymentState>;

export type TRecordedPayment = {
  id: string;
  provider: string;
  providerPaymentId: string | null;
  kind: "charge" | "refund";
  status: PaymentStatus;
  amount: string;
  /** Why the provider refused it (failed only). */
  failureReason: string | null;
};

type TLockedInvoice = {
  id: string;
  number: string;
  clientId: string;
  currency: string;
  status: InvoiceStatus;
  total: Decimal;
  amountPaid: Decimal;
  amountRefunded: Decimal;
  paidAt: Date | null;
};

/** Validates a direct call's input: a BAD_REQUEST naming the fields, like tRPC answers. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ field: issue.path.join("."), message: issue.message }));
  throw new AppError("BAD_REQUEST", `Invalid input: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}`, { issues });
}

const money = (value: Decimal) => value.toFixed(2);

const defaultGetProvider: TGetPaymentProvider = (name) => getPaymentProvider(name);

export function stateOf(invoice: TLockedInvoice): TInvoicePaymentState {
  return {
    invoiceId: invoice.id,
    number: invoice.number,
    currency: invoice.currency,
    status: invoice.status,
    total: money(invoice.total),
    amountPaid: money(invoice.amountPaid),
    amountRefunded: money(invoice.amountRefunded),
    paidAt: invoice.paidAt,
  };
}

function auditSnapshot(invoice: TLockedInvoice) {
  const { status, amountPaid, amountRefunded, paidAt } = stateOf(invoice);
  return { status, amountPaid, amountRefunded, paidAt: paidAt?.toISOString() ?? null };
}

const INVOICE_SELECT = {
  id: true,
  number: true,
  clientId: true,
  currency: true,
  status: true,
  total: true,
  amountPaid: true,
  amountRefunded: true,
  paidAt: true,
} as const;

async function readInvoice(db: TDbClient, invoiceId: string): Promise<TLockedInvoice> {
  const row = await db.invoice.findUnique({ where: { id: invoiceId }, select: INVOICE_SELECT });
  if (!row) throw new AppError("NOT_FOUND", `No invoice with id ${invoiceId}.`, { invoiceId });
  return {
    ...row,
    total: new Decimal(row.total.toString()),
    amountPaid: new Decimal(row.amountPaid.toString()),
    amountRefunded: new Decimal(row.amountRefunded.toString()),
  };
}

/**
 * Reads the invoice under a row lock held to the end of the transaction: two payments
 * or refunds on one invoice run one after the other, each seeing the other's amounts.
 */
export async function lockInvoice(tx: TDbClient, invoiceId: string): Promise<TLockedInvoice> {
  await tx.$queryRaw`SELECT id FROM "Invoice" WHERE id = ${invoiceId}::uuid FOR UPDATE`;
  return readInvoice(tx, invoiceId);
}

async function writeInvoiceMoney(
  tx: TDbClient,
  before: TLockedInvoice,
  after: Pick<TLockedInvoice, "status" | "amountPaid" | "amountRefunded" | "paidAt">,
): Promise<TLockedInvoice> {
  await tx.invoice.update({
    where: { id: before.id },
    data: { status: after.status, amountPaid: money(after.amountPaid), amountRefunded: money(after.amountRefunded), paidAt: after.paidAt },
  });
  return { ...before, ...after };
}

async function writeAudit(
  tx: TDbClient,
  actor: TPaymentActor,
  entry: { action: string; invoice: TLockedInvoice; after: TLockedInvoice; payment: TRecordedPayment; reason?: string | null },
): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorId: actor.id,
      actorEmail: actor.email,
      action: entry.action,
      entityType: "Invoice",
      entityId: entry.invoice.id,
      clientId: entry.invoice.clientId,
      before: auditSnapshot(entry.invoice),
      after: { ...auditSnapshot(entry.after), payment: entry.payment },
      reason: entry.reason ?? null,
    },
  });
}

const PAYMENT_SELECT = { id: true, provider: true, providerPaymentId: true, kind: true, status: true, amount: true, failureReason: true } as const;

function toRecorded(row: { id: string; provider: string; providerPaymentId: string | null; kind: "charge" | "refund"; status: PaymentStatus; amount: { toString(): string }; failureReason: string | null }): TRecordedPayment {
  return { ...row, amount: new Decimal(row.amount.toString()).toFixed(2) };
}

/** Applies a charge of `amount` to a pending/overdue invoice: paid once the total is reached. */
function withCharge(invoice: TLockedInvoice, amount: Decimal, at: Date) {
  const amountPaid = invoice.amountPaid.plus(amount);
  const fullyPaid = amountPaid.gte(invoice.total);
  return {
    status: fullyPaid ? ("paid" as const) : invoice.status,
    amountPaid,
    amountRefunded: invoice.amountRefunded,
    paidAt: fullyPaid ? at : invoice.paidAt,
  };
}

function amountDue(invoice: TLockedInvoice): Decimal {
  return Decimal.max(invoice.total.minus(invoice.amountPaid), 0);
}

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
    "CONFLICT",
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
export async function reconcileStaleCharges(db: TDb, invoiceId: string, getProvider: TGetPaymentProvider, now = new Date()): Promise<void> {
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

/** An admin records a bank transfer that arrived. Default amount: all that is due. */
export async function markInvoicePaid(
  db: TDb,
  rawInput: TMarkInvoicePaidInput,
  actor: TPaymentActor,
  options: { getProvider?: TGetPaymentProvider } = {},
): Promise<TInvoicePaymentState> {
  const input = parseInput(ZMarkInvoicePaidInput, rawInput);
  await reconcileStaleCharges(db, input.invoiceId, options.getProvider ?? defaultGetProvider);
  return inTransaction(db, async (tx) => {
    const invoice = await lockInvoice(tx, input.invoiceId);
    assertInvoiceTransition(invoice, "paid");
    await assertNoChargeInFlight(tx, invoice);
    const due = amountDue(invoice);
    const amount = input.amount ? new Decimal(input.amount) : due;
    const receivedAt = input.receivedAt ?? new Date();
    if (amount.lte(0) || amount.gt(due)) {
      throw new AppError(
        "BAD_REQUEST",
        `Payment of ${money(amount)} ${invoice.currency} does not fit invoice ${invoice.number}: ${money(due)} ${invoice.currency} is due.`,
        { amount: money(amount), amountDue: money(due), currency: invoice.currency },
      );
    }
    const payment = await tx.payment.create({
      data: {
        invoiceId: invoice.id,
        clientId: invoice.clientId,
        provider: MANUAL_PROVIDER_NAME,
        kind: "charge",
        status: "succeeded",
        amount: money(amount),
        currency: invoice.currency,
        reference: input.reference,
        createdBy: actor.email,
        createdAt: receivedAt,
      },
      select: PAYMENT_SELECT,
    });
    const after = await writeInvoiceMoney(tx, invoice, withCharge(invoice, amount, receivedAt));
    await writeAudit(tx, actor, { action: "invoice.mark_paid", invoice, after, payment: toRecorded(payment), reason: input.reference });
    return stateOf(after);
  });
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

const ZPaymentId = z.uuid();

export type TChargeOutcome =
  /** The charge moved the invoice's money. */
  | "applied"
  /** This charge was already recorded as succeeded: nothing changed. */
  | "already_recorded"
  /** Succeeded, but the invoice was no longer payable (paid another way): recorded, not counted. */
  | "not_applied"
  /** Pending, processing or failed: the Payment row says so; the invoice is untouched. */
  | "not_final";

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
    throw new AppError("CONFLICT", `Charge ${report.providerPaymentId} belongs to another invoice.`, { providerPaymentId: report.providerPaymentId });
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
  const payment = toRecorded(
    existing
      ? await tx.payment.update({ where: { id: existing.id }, data: { ...data, providerPaymentId: report.providerPaymentId }, select: PAYMENT_SELECT })
      : await tx.payment.create({
          data: {
            ...data,
            invoiceId: invoice.id,
            clientId: invoice.clientId,
            provider: report.provider,
            providerPaymentId: report.providerPaymentId,
            kind: "charge",
            currency: invoice.currency,
            createdBy: actor.email,
          },
          select: PAYMENT_SELECT,
        }),
  );
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
      data: { invoiceId: invoice.id, clientId: invoice.clientId, provider: provider.name, kind: "charge", status: "pending", amount: due, currency: invoice.currency, createdBy: actor.email },
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
        occurredAt: new Date(),
      },
      actor,
    ),
  );
}

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
  const payment = toRecorded(
    existing
      ? await tx.payment.update({ where: { id: existing.id }, data: { ...data, providerPaymentId: report.providerRefundId }, select: PAYMENT_SELECT })
      : await tx.payment.create({
          data: {
            ...data,
            invoiceId: invoice.id,
            clientId: invoice.clientId,
            provider: report.provider,
            providerPaymentId: report.providerRefundId,
            kind: "refund",
            currency: invoice.currency,
            reference: report.reason,
            createdBy: actor.email,
          },
          select: PAYMENT_SELECT,
        }),
  );
  if (!counted) {
    await writeAudit(tx, actor, { action: "payment.duplicate_refund", invoice, after: invoice, payment, reason: report.reason });
    return { outcome: "applied", invoice: stateOf(invoice) };
  }
  const after = await writeInvoiceMoney(tx, invoice, next);
  await writeAudit(tx, actor, { action: "payment.refund", invoice, after, payment, reason: report.reason });
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
export async function reconcileStaleRefunds(db: TDb, invoiceId: string, getProvider: TGetPaymentProvider, now = new Date()): Promise<void> {
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
  options: { getProvider?: TGetPaymentProvider } = {},
): Promise<TInvoicePaymentState> {
  const input = parseInput(ZRefundInvoiceInput, rawInput);
  const getProvider = options.getProvider ?? defaultGetProvider;
  const amount = new Decimal(input.amount);
  await reconcileStaleRefunds(db, input.invoiceId, getProvider);
  const { invoice, charge, provider, refundId } = await inTransaction(db, async (tx) => {
    const invoice = await lockInvoice(tx, input.invoiceId);
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
    ),
  );
  return recorded.invoice;
}
