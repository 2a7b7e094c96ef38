// An admin records a bank transfer that arrived (see invoice-money.ts for the shared rules).
import Decimal from "decimal.js";
import { z } from "zod";
import { inTransaction, type TDb } from "@/server/db/client";
import { assertInvoiceTransition } from "@/server/invoices/invoice-status";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { MANUAL_PROVIDER_NAME } from "./manual-provider";
import { type TGetPaymentProvider } from "./payment-providers";
import { clockNow } from "@/server/clock";
import { type TPaymentActor, ZMoneyAmount, ZCurrencyAssertion, assertInvoiceCurrency, type TInvoicePaymentState, money, defaultGetProvider, stateOf, lockInvoice, writeInvoiceMoney, writeAudit, PAYMENT_SELECT, toRecorded, withCharge, amountDue } from "./invoice-money";
import { assertNoChargeInFlight, reconcileStaleCharges } from "./charge-invoice";
export const ZMarkInvoicePaidInput = z.strictObject({
  invoiceId: z.uuid(),
  /** The bank transfer's reference, as on the statement. */
  reference: z.string().trim().min(1, "is required").max(200),
  /** Default: the whole amount still due. */
  amount: ZMoneyAmount.optional(),
  /** When the transfer arrived (the statement's date); default now; never in the future. */
  receivedAt: z.coerce.date({ error: "must be a date" }).optional(),
  /** If sent: must be the invoice's currency. */
  currency: ZCurrencyAssertion,
});
export type TMarkInvoicePaidInput = z.input<typeof ZMarkInvoicePaidInput>;

/** A statement date this far ahead of `now` is still "today" (clocks differ a little). */
const RECEIVED_AT_TOLERANCE_MS = 60_000;

/** The dashboard's request: as above, and the date is not in the future by the app's clock. */
export const ZMarkInvoicePaidRequest = ZMarkInvoicePaidInput.refine(
  (input) => !input.receivedAt || input.receivedAt.getTime() <= clockNow().getTime() + RECEIVED_AT_TOLERANCE_MS,
  { path: ["receivedAt"], message: "cannot be in the future" },
);

/** An admin records a bank transfer that arrived. Default amount: all that is due. */
export async function markInvoicePaid(
  db: TDb,
  rawInput: TMarkInvoicePaidInput,
  actor: TPaymentActor,
  options: { getProvider?: TGetPaymentProvider; now?: Date } = {},
): Promise<TInvoicePaymentState> {
  const input = parseInput(ZMarkInvoicePaidInput, rawInput);
  const now = options.now ?? clockNow();
  if (input.receivedAt && input.receivedAt.getTime() > now.getTime() + RECEIVED_AT_TOLERANCE_MS) {
    throw new AppError("BAD_REQUEST", `receivedAt ${input.receivedAt.toISOString()} is in the future.`, { field: "receivedAt" });
  }
  await reconcileStaleCharges(db, input.invoiceId, options.getProvider ?? defaultGetProvider, now);
  return inTransaction(db, async (tx) => {
    const invoice = await lockInvoice(tx, input.invoiceId);
    assertInvoiceCurrency(invoice, input.currency);
    assertInvoiceTransition(invoice, "paid");
    await assertNoChargeInFlight(tx, invoice);
    const due = amountDue(invoice);
    const amount = input.amount ? new Decimal(input.amount) : due;
    const receivedAt = input.receivedAt ?? now;
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
    await writeAudit(tx, actor, { action: "invoice.mark_paid", invoice, after, payment: toRecorded(payment), reason: input.reference, at: now });
    return stateOf(after);
  });
}
