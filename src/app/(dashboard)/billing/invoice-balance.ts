// What an invoice still owes and what can still be refunded, from its decimal strings
// (decimal.js: no float arithmetic on money), and which money actions its status allows.
// The server checks all of this again; the UI uses it to offer only what can succeed.
import Decimal from "decimal.js";

type TInvoiceAmounts = { status: string; total: string; amountPaid: string; amountRefunded: string; amountRefundPending?: string };

/** The result keeps the inputs' decimals ("12.50" - "2.5" -> "10.00"; JPY stays whole). */
function toFixedLike(value: Decimal, ...inputs: string[]): string {
  // Counted on the strings: Decimal drops trailing zeros ("120.00" has 0 decimal places to it).
  const decimals = Math.max(0, ...inputs.map((input) => /\.(\d+)$/.exec(input.trim())?.[1]?.length ?? 0));
  return value.toFixed(decimals);
}

/** total - paid, never below zero. */
export function balanceDue({ total, amountPaid }: Pick<TInvoiceAmounts, "total" | "amountPaid">): string {
  return toFixedLike(Decimal.max(0, new Decimal(total).minus(amountPaid)), total, amountPaid);
}

/** paid - refunded - refunds on their way back, never below zero. */
export function refundableAmount({
  amountPaid,
  amountRefunded,
  amountRefundPending = "0",
}: Pick<TInvoiceAmounts, "amountPaid" | "amountRefunded"> & { amountRefundPending?: string }): string {
  return toFixedLike(Decimal.max(0, new Decimal(amountPaid).minus(amountRefunded).minus(amountRefundPending)), amountPaid, amountRefunded);
}

export function isPositive(amount: string): boolean {
  return new Decimal(amount).gt(0);
}

/** a > b, for amounts already known to be decimal strings. */
export function exceeds(amount: string, limit: string): boolean {
  return new Decimal(amount).gt(limit);
}

/** What the server accepts as an amount: positive, at most 2 decimals ("12.50", "3"). */
const MONEY_INPUT = /^\d{1,12}(\.\d{1,2})?$/;

/** A typed amount as the API wants it ("1,234.5 " -> "1234.5"), or null when it is not one. */
export function readMoneyInput(raw: string): string | null {
  const value = raw.trim().replace(/,/g, "");
  return MONEY_INPUT.test(value) ? value : null;
}

export type TInvoiceActions = { markPaid: boolean; charge: boolean; refund: boolean; cancel: boolean };

/** A charge that can still be refunded; `applied: false` is a duplicate that was never counted. */
type TRefundableCharge = { applied: boolean; refundable: string };

export function allowedInvoiceActions(invoice: TInvoiceAmounts & { refundableCharges?: TRefundableCharge[] }): TInvoiceActions {
  const open = invoice.status === "pending" || invoice.status === "overdue";
  const refundable = invoice.status === "paid" || invoice.status === "partially_refunded";
  // Money received twice is given back whatever the invoice's status.
  const duplicate = (invoice.refundableCharges ?? []).some((charge) => !charge.applied && isPositive(charge.refundable));
  return {
    markPaid: open && isPositive(balanceDue(invoice)),
    charge: open && isPositive(balanceDue(invoice)),
    refund: (refundable && isPositive(refundableAmount(invoice))) || duplicate,
    // A cancelled invoice must not hide money already received: refund first.
    cancel: open && !isPositive(invoice.amountPaid),
  };
}
