// The invoice-money core shared by the ways money moves on an invoice (a bank transfer
// marked paid, a provider charge, a refund): the invoice locked for the transaction, its
// money state, the writes, the audit entry and the amount checks. Each operation runs in one
// transaction that locks the invoice row, writes the Payment row, updates the invoice's
// amountPaid / amountRefunded / status / paidAt, and writes an AuditLog entry. Payments from
// a provider are keyed by (provider, providerPaymentId), so the same charge reported twice
// (our call, then its webhook) is counted once.
// Amounts: decimal.js in the invoice currency's major unit, stored as Decimal(14, 2).
import Decimal from "decimal.js";
import { z } from "zod";
import type { InvoiceStatus, PaymentStatus } from "@/generated/prisma/enums";
import { type TDbClient } from "@/server/db/client";
import { INVOICE_STATUSES } from "@/server/invoices/invoice-status";
import { AppError } from "@/server/errors/app-error";
import { getPaymentProvider, type TGetPaymentProvider } from "./payment-providers";
import { clockNow } from "@/server/clock";
import { recordAudit, type TActor } from "@/server/auth/audit-log";

/** Who moved the money: an admin (TSessionUser fits), or a provider's webhook (id null). */
export type TPaymentActor = TActor;

const MONEY_AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;
const MONEY_AMOUNT_MESSAGE = "must be a positive decimal amount like 12.50";

/**
 * A positive amount in the major unit with at most 2 decimals (the column's scale).
 * One check that reads the text only once it has the shape: decimal.js throws on
 * "12,50" or "", and a refinement runs even after the format check has failed.
 */
export const ZMoneyAmount = z.string({ error: `${MONEY_AMOUNT_MESSAGE}, as a string` }).superRefine((value, ctx) => {
  if (!MONEY_AMOUNT.test(value)) ctx.addIssue({ code: "custom", message: MONEY_AMOUNT_MESSAGE });
  else if (new Decimal(value).isZero()) ctx.addIssue({ code: "custom", message: "must be greater than zero" });
});

/**
 * Money inputs are strict (an unknown field is a 400, not ignored), and a currency a
 * caller sends must be the invoice's: amounts are never converted.
 */
export const ZCurrencyAssertion = z.string().regex(/^[A-Z]{3}$/, "must be a 3-letter ISO 4217 code, e.g. USD").optional();

export function assertInvoiceCurrency(invoice: { number: string; currency: string }, currency: string | undefined): void {
  if (currency !== undefined && currency !== invoice.currency) {
    throw new AppError("BAD_REQUEST", `Invoice ${invoice.number} is in ${invoice.currency}, not ${currency}: amounts are never converted.`, {
      field: "currency",
      currency: invoice.currency,
    });
  }
}

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

export type TLockedInvoice = {
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
export const money = (value: Decimal) => value.toFixed(2);

export const defaultGetProvider: TGetPaymentProvider = (name) => getPaymentProvider(name);

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

export function auditSnapshot(invoice: TLockedInvoice) {
  const { status, amountPaid, amountRefunded, paidAt } = stateOf(invoice);
  return { status, amountPaid, amountRefunded, paidAt: paidAt?.toISOString() ?? null };
}

export const INVOICE_SELECT = {
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

export async function readInvoice(db: TDbClient, invoiceId: string): Promise<TLockedInvoice> {
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

export async function writeInvoiceMoney(
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

export async function writeAudit(
  tx: TDbClient,
  actor: TPaymentActor,
  entry: { action: string; invoice: TLockedInvoice; after: TLockedInvoice; payment: TRecordedPayment; reason?: string | null; at?: Date },
): Promise<void> {
  // The operation's instant when the caller has one (a seeded history, a pinned test).
  await recordAudit(tx, actor, entry.at ?? clockNow(), {
    action: entry.action,
    entityType: "Invoice",
    entityId: entry.invoice.id,
    clientId: entry.invoice.clientId,
    before: auditSnapshot(entry.invoice),
    after: { ...auditSnapshot(entry.after), payment: entry.payment },
    reason: entry.reason ?? null,
  });
}

/** A Payment row's id, as a provider's metadata carries it back. */
export const ZPaymentId = z.uuid();

export const PAYMENT_SELECT = { id: true, provider: true, providerPaymentId: true, kind: true, status: true, amount: true, failureReason: true } as const;

export function toRecorded(row: { id: string; provider: string; providerPaymentId: string | null; kind: "charge" | "refund"; status: PaymentStatus; amount: { toString(): string }; failureReason: string | null }): TRecordedPayment {
  return { ...row, amount: new Decimal(row.amount.toString()).toFixed(2) };
}

/** Applies a charge of `amount` to a pending/overdue invoice: paid once the total is reached. */
/**
 * A provider's report of a charge or refund: written on the attempt row it completes (the
 * row written before the provider was called), or as a new row when there is none.
 */
export async function writeProviderPayment(
  tx: TDbClient,
  input: {
    existingId: string | null;
    invoice: TLockedInvoice;
    actor: TPaymentActor;
    kind: "charge" | "refund";
    provider: string;
    providerPaymentId: string | null;
    data: { status: PaymentStatus; amount: string; failureReason: string | null; applied?: boolean; refundOfId?: string };
    reference?: string | null;
  },
): Promise<TRecordedPayment> {
  const { existingId, invoice, data, providerPaymentId } = input;
  const row = existingId
    ? await tx.payment.update({ where: { id: existingId }, data: { ...data, providerPaymentId }, select: PAYMENT_SELECT })
    : await tx.payment.create({
        data: {
          createdAt: clockNow(),
          ...data,
          invoiceId: invoice.id,
          clientId: invoice.clientId,
          provider: input.provider,
          providerPaymentId,
          kind: input.kind,
          currency: invoice.currency,
          ...(input.reference === undefined ? {} : { reference: input.reference }),
          createdBy: input.actor.email,
        },
        select: PAYMENT_SELECT,
      });
  return toRecorded(row);
}

export function withCharge(invoice: TLockedInvoice, amount: Decimal, at: Date) {
  const amountPaid = invoice.amountPaid.plus(amount);
  const fullyPaid = amountPaid.gte(invoice.total);
  return {
    status: fullyPaid ? ("paid" as const) : invoice.status,
    amountPaid,
    amountRefunded: invoice.amountRefunded,
    paidAt: fullyPaid ? at : invoice.paidAt,
  };
}

export function amountDue(invoice: TLockedInvoice): Decimal {
  return Decimal.max(invoice.total.minus(invoice.amountPaid), 0);
}
