// An admin voids an invoice that was issued in error. Only an unpaid invoice can be
// cancelled (money received must be refunded first); its amounts stay as issued, the
// status becomes cancelled (final), and the audit log keeps who did it and why.
import { z } from "zod";
import { inTransaction, type TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { getPaymentProvider, type TGetPaymentProvider } from "@/server/payments/payment-providers";
import { parseInput } from "@/server/errors/parse-input";
import { assertNoChargeInFlight, reconcileStaleCharges } from "@/server/payments/charge-invoice";
import { lockInvoice, stateOf, type TInvoicePaymentState, type TPaymentActor } from "@/server/payments/invoice-money";
import { assertInvoiceTransition } from "@/server/invoices/invoice-status";
import { clockNow } from "@/server/clock";
import { recordAudit } from "@/server/auth/audit-log";

export const ZCancelInvoiceInput = z.object({
  invoiceId: z.uuid("must be an invoice id"),
  reason: z.string().trim().min(1, "is required").max(500),
});
export type TCancelInvoiceInput = z.input<typeof ZCancelInvoiceInput>;

export async function cancelInvoice(
  db: TDb,
  rawInput: TCancelInvoiceInput,
  actor: TPaymentActor,
  options: { getProvider?: TGetPaymentProvider } = {},
): Promise<TInvoicePaymentState> {
  const input = parseInput(ZCancelInvoiceInput, rawInput);
  await reconcileStaleCharges(db, input.invoiceId, options.getProvider ?? ((name) => getPaymentProvider(name)));
  return inTransaction(db, async (tx) => {
    const invoice = await lockInvoice(tx, input.invoiceId);
    assertInvoiceTransition(invoice, "cancelled");
    await assertNoChargeInFlight(tx, invoice);
    if (!invoice.amountPaid.isZero()) {
      throw new AppError(
        "INVOICE_HAS_PAYMENTS",
        `Invoice ${invoice.number} has ${invoice.amountPaid.toFixed(2)} ${invoice.currency} paid; refund it before cancelling.`,
        { invoiceNumber: invoice.number, amountPaid: invoice.amountPaid.toFixed(2) },
      );
    }
    await tx.invoice.update({ where: { id: invoice.id }, data: { status: "cancelled" } });
    await recordAudit(tx, actor, clockNow(), {
      action: "invoice.cancel",
      entityType: "Invoice",
      entityId: invoice.id,
      clientId: invoice.clientId,
      before: { status: invoice.status, total: invoice.total.toFixed(2) },
      after: { status: "cancelled", total: invoice.total.toFixed(2) },
      reason: input.reason,
    });
    return stateOf({ ...invoice, status: "cancelled" });
  });
}
