// The status moves money may make on an invoice: the payment part of the lifecycle in
// billing/invoice-status.ts (written alongside; same moves), plus the messages a payment
// caller needs ("Invoice INV-2026-000012 is already paid"). One difference on purpose:
// partially_refunded -> partially_refunded (a second partial refund) is no status change,
// so it is allowed here. Once invoice-status.ts settles, this can delegate to canTransition.
import type { InvoiceStatus } from "@/generated/prisma/enums";
import { AppError } from "@/server/errors/app-error";

const ALLOWED: Partial<Record<InvoiceStatus, readonly InvoiceStatus[]>> = {
  pending: ["paid"],
  overdue: ["paid"],
  paid: ["partially_refunded", "refunded"],
  partially_refunded: ["partially_refunded", "refunded"],
};

const DESCRIBED: Record<InvoiceStatus, string> = {
  pending: "pending",
  overdue: "overdue",
  paid: "already paid",
  cancelled: "cancelled",
  refunded: "already refunded",
  partially_refunded: "partially refunded",
};

export function canMoveInvoice(from: InvoiceStatus, to: InvoiceStatus): boolean {
  return ALLOWED[from]?.includes(to) ?? false;
}

/** CONFLICT, e.g. "Invoice INV-2026-000012 is already paid", unless from -> to is allowed. */
export function assertInvoiceTransition(invoice: { number: string; status: InvoiceStatus }, to: InvoiceStatus): void {
  if (!canMoveInvoice(invoice.status, to)) {
    throw new AppError("CONFLICT", `Invoice ${invoice.number} is ${DESCRIBED[invoice.status]}; it cannot become ${to}.`, {
      invoiceNumber: invoice.number,
      status: invoice.status,
      to,
    });
  }
}
