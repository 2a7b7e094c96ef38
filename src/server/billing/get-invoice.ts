// One invoice with its lines, as the dashboard and the API show it (the DTO: amounts
// as decimal strings with the currency's decimals, no Prisma types).
import Decimal from "decimal.js";
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { paymentProviderLabel } from "@/server/payments/payment-providers";
import { refundableCharges } from "@/server/payments/refund-source";
import { formatMinorUnits } from "@/server/money/money";
import { INVOICE_STATUSES } from "@/server/invoices/invoice-status";
import { INVOICE_PAYMENT_SELECT, ZInvoicePayment } from "@/server/invoices/invoice-payment";
import { LINE_KINDS } from "./pricing";

export const ZGetInvoiceInput = z.object({ id: z.uuid("must be an invoice id") });
export type TGetInvoiceInput = z.infer<typeof ZGetInvoiceInput>;

export const ZInvoiceLineItem = z.object({
  kind: z.enum(LINE_KINDS),
  metric: z.string().nullable(),
  description: z.string(),
  /** Decimal strings; amount has the currency's minor-unit decimals. */
  quantity: z.string(),
  unitPrice: z.string(),
  amount: z.string(),
  sortOrder: z.number().int(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});


/** A succeeded charge and what is left to refund of it (refund-source.ts). */
export const ZRefundableCharge = z.object({
  id: z.string(),
  provider: z.string(),
  providerLabel: z.string(),
  label: z.string(),
  createdAt: z.date(),
  amount: z.string(),
  refundable: z.string(),
  /** False: a duplicate charge that was not counted; refunding it leaves the invoice as it is. */
  applied: z.boolean(),
});

/** The buyer as the invoice was issued to it (Invoice.billTo, written by the billing run). */
export const ZBillTo = z.object({
  name: z.string(),
  email: z.string(),
  /** The client's account reference (Client.slug). */
  account: z.string(),
  addressLines: z.array(z.string()),
  taxId: z.string().nullable(),
});
export type TBillTo = z.infer<typeof ZBillTo>;

/** One audit entry of the invoice: issued, paid, refunded, cancelled... by whom and why. */
export const ZInvoiceHistoryEntry = z.object({
  action: z.string(),
  actorEmail: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.date(),
});

export const ZInvoiceDetail = z.object({
  id: z.string(),
  number: z.string(),
  clientId: z.string(),
  clientName: z.string(),
  period: z.string(),
  periodStart: z.date(),
  periodEnd: z.date(),
  currency: z.string(),
  status: z.enum(INVOICE_STATUSES),
  planKey: z.string(),
  planVersion: z.number().int(),
  /** Decimal strings in the currency's major unit; total = subtotal + tax = sum of lines. */
  subtotal: z.string(),
  tax: z.string(),
  total: z.string(),
  amountPaid: z.string(),
  amountRefunded: z.string(),
  /** Counted refunds accepted by the provider but not final yet: not refundable again meanwhile. */
  amountRefundPending: z.string(),
  issuedAt: z.date(),
  dueAt: z.date(),
  paidAt: z.date().nullable(),
  notes: z.string().nullable(),
  /** Null only for an invoice that predates the snapshot and whose client is gone. */
  billTo: ZBillTo.nullable(),
  lines: z.array(ZInvoiceLineItem),
  /** Charges and refunds, oldest first. */
  payments: z.array(ZInvoicePayment),
  /** Succeeded charges, newest first, with what each can still refund. */
  refundableCharges: z.array(ZRefundableCharge),
  /** The audit trail, oldest first. */
  history: z.array(ZInvoiceHistoryEntry),
});
export type TInvoiceDetail = z.infer<typeof ZInvoiceDetail>;

const SELECT = {
  id: true,
  number: true,
  clientId: true,
  period: true,
  periodStart: true,
  periodEnd: true,
  currency: true,
  status: true,
  planKey: true,
  planVersion: true,
  subtotal: true,
  tax: true,
  total: true,
  amountPaid: true,
  amountRefunded: true,
  issuedAt: true,
  dueAt: true,
  paidAt: true,
  notes: true,
  billTo: true,
  client: { select: { name: true } },
  lineItems: {
    select: { kind: true, metric: true, description: true, quantity: true, unitPrice: true, amount: true, sortOrder: true, metadata: true },
    orderBy: { sortOrder: "asc" },
  },
  payments: {
    select: INVOICE_PAYMENT_SELECT,
    orderBy: { createdAt: "asc" },
  },
} as const;

type TInvoiceWhere = { id: string } | { clientId_period: { clientId: string; period: string } };

/** The invoice, or null when there is none (callers decide whether that is an error). */
export async function findInvoice(db: TDbClient, where: TInvoiceWhere): Promise<TInvoiceDetail | null> {
  const row = await db.invoice.findUnique({ where, select: SELECT });
  if (!row) return null;
  const history = await db.auditLog.findMany({
    where: { entityType: "Invoice", entityId: row.id },
    orderBy: { createdAt: "asc" },
    select: { action: true, actorEmail: true, reason: true, createdAt: true },
  });
  const money = (value: { toString(): string }) => formatMinorUnits(value.toString(), row.currency);
  const { client, lineItems, payments, subtotal, tax, total, amountPaid, amountRefunded, billTo, ...invoice } = row;
  return {
    ...invoice,
    billTo: billTo === null ? null : ZBillTo.parse(billTo),
    clientName: client.name,
    subtotal: money(subtotal),
    tax: money(tax),
    total: money(total),
    amountPaid: money(amountPaid),
    amountRefunded: money(amountRefunded),
    amountRefundPending: money(
      payments
        .filter((p) => p.kind === "refund" && p.applied && (p.status === "pending" || p.status === "processing"))
        .reduce((sum, p) => sum.plus(p.amount.toString()), new Decimal(0))
        .toFixed(2),
    ),
    lines: lineItems.map((line) => ({
      kind: line.kind as (typeof LINE_KINDS)[number],
      metric: line.metric,
      description: line.description,
      quantity: line.quantity.toFixed(),
      unitPrice: line.unitPrice.toFixed(),
      amount: money(line.amount),
      sortOrder: line.sortOrder,
      metadata: (line.metadata as Record<string, unknown> | null) ?? null,
    })),
    payments: payments.map((payment) => ({ ...payment, amount: formatMinorUnits(payment.amount.toString(), payment.currency) })),
    refundableCharges: refundableCharges(
      payments.map((payment) => ({ ...payment, amount: payment.amount.toString() })),
      paymentProviderLabel,
    ),
    history,
  };
}

export async function getInvoice(db: TDbClient, input: TGetInvoiceInput): Promise<TInvoiceDetail> {
  const invoice = await findInvoice(db, { id: input.id });
  if (!invoice) throw new AppError("NOT_FOUND", "No invoice with that id.", { id: input.id });
  return invoice;
}
