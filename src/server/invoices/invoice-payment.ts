// A payment on an invoice as the dashboard and the API show it: billing's invoice detail and
// payments' history both list them.
import { z } from "zod";

export const ZPaymentKind = z.enum(["charge", "refund"]);
export const ZPaymentStatus = z.enum(["pending", "processing", "succeeded", "failed"]);

/** A charge or refund as the dashboard shows it (DTO: decimal-string amount). */
export const ZInvoicePayment = z.object({
  id: z.string(),
  provider: z.string(),
  providerPaymentId: z.string().nullable(),
  kind: ZPaymentKind,
  status: ZPaymentStatus,
  /** Decimal string in the payment currency's major unit. */
  amount: z.string(),
  currency: z.string(),
  reference: z.string().nullable(),
  failureReason: z.string().nullable(),
  createdBy: z.string().nullable(),
  createdAt: z.date(),
  /** A refund: the charge it returned money from. */
  refundOfId: z.string().nullable(),
  /** False: not counted in the invoice's amounts (a duplicate charge, or its refund). */
  applied: z.boolean(),
});
export type TInvoicePayment = z.infer<typeof ZInvoicePayment>;

/** The columns of ZInvoicePayment, for a Prisma `select` on Payment. */
export const INVOICE_PAYMENT_SELECT = {
  id: true,
  provider: true,
  providerPaymentId: true,
  kind: true,
  status: true,
  amount: true,
  currency: true,
  reference: true,
  failureReason: true,
  createdBy: true,
  createdAt: true,
  refundOfId: true,
  applied: true,
} as const;
