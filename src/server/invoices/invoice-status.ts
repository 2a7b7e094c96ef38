// The invoice lifecycle, in one place. An issued invoice never changes except its
// status (and the payment fields that go with it): these are the only moves allowed.
//
//   pending            -> paid | overdue | cancelled
//   overdue            -> paid | cancelled
//   paid               -> refunded | partially_refunded
//   partially_refunded -> refunded
//   cancelled, refunded: final
import { AppError } from "@/server/errors/app-error";

export const INVOICE_STATUSES = ["pending", "paid", "overdue", "cancelled", "refunded", "partially_refunded"] as const;
export type TInvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const INVOICE_TRANSITIONS: Readonly<Record<TInvoiceStatus, readonly TInvoiceStatus[]>> = {
  pending: ["paid", "overdue", "cancelled"],
  overdue: ["paid", "cancelled"],
  paid: ["refunded", "partially_refunded"],
  partially_refunded: ["refunded"],
  cancelled: [],
  refunded: [],
};

export function canTransition(from: TInvoiceStatus, to: TInvoiceStatus): boolean {
  return INVOICE_TRANSITIONS[from].includes(to);
}

/** Throws AppError INVOICE_ALREADY_PAID (from paid) or INVOICE_STATUS_CONFLICT unless an invoice may move from `from` to `to`. */
export function assertTransition(from: TInvoiceStatus, to: TInvoiceStatus): void {
  if (canTransition(from, to)) return;
  const allowed = INVOICE_TRANSITIONS[from];
  throw new AppError(
    from === "paid" ? "INVOICE_ALREADY_PAID" : "INVOICE_STATUS_CONFLICT",
    allowed.length === 0
      ? `An invoice that is ${from} is final; it cannot become ${to}.`
      : `An invoice that is ${from} cannot become ${to}; it can become ${allowed.join(" or ")}.`,
    { from, to, allowed },
  );
}

const DESCRIBED: Record<TInvoiceStatus, string> = {
  pending: "pending",
  overdue: "overdue",
  paid: "already paid",
  cancelled: "cancelled",
  refunded: "already refunded",
  partially_refunded: "partially refunded",
};

/**
 * The same rule for one invoice, with a message that names it ("Invoice INV-2026-000012
 * is already paid; it cannot become paid."). A second partial refund leaves a partially
 * refunded invoice where it is: that move is allowed here, not a status change.
 */
export function assertInvoiceTransition(invoice: { number: string; status: TInvoiceStatus }, to: TInvoiceStatus): void {
  if (canTransition(invoice.status, to)) return;
  if (invoice.status === to && to === "partially_refunded") return;
  throw new AppError(invoice.status === "paid" ? "INVOICE_ALREADY_PAID" : "INVOICE_STATUS_CONFLICT", `Invoice ${invoice.number} is ${DESCRIBED[invoice.status]}; it cannot become ${to.replace(/_/g, " ")}.`, {
    invoiceNumber: invoice.number,
    from: invoice.status,
    to,
    allowed: INVOICE_TRANSITIONS[invoice.status],
  });
}
