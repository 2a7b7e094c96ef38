// Which charge a refund returns money from. A refund goes back the way the money came:
// a Stripe refund is made against one PaymentIntent and can never exceed what is left of
// it; a bank transfer is sent back by hand. So an invoice paid partly by card and partly
// by transfer is refunded charge by charge, and each charge's refundable amount is what
// it brought in minus the refunds already made (or on their way) from it. Pure: the same
// numbers feed the refund itself and the dashboard's refund dialog.
import Decimal from "decimal.js";
import { AppError } from "@/server/errors/app-error";

export type TRefundSourcePayment = {
  id: string;
  provider: string;
  providerPaymentId: string | null;
  reference: string | null;
  kind: "charge" | "refund";
  status: "pending" | "processing" | "succeeded" | "failed";
  /** Decimal string, major unit. */
  amount: string;
  refundOfId: string | null;
  /** False for a charge that arrived after the invoice was paid another way (not counted). */
  applied: boolean;
  createdAt: Date;
};

export type TRefundableCharge = {
  id: string;
  provider: string;
  /** "Stripe", "Bank transfer". */
  providerLabel: string;
  /** How people recognise the charge: the bank reference, or the provider's id. */
  label: string;
  createdAt: Date;
  /** Decimal string, major unit, 2 decimals. */
  amount: string;
  refundable: string;
  /**
   * False: the charge arrived after the invoice was paid another way and was not counted;
   * refunding it gives the duplicate back and leaves the invoice's amounts as they are.
   */
  applied: boolean;
};

/** Succeeded charges, newest first, each with what can still be refunded from it. */
export function refundableCharges(payments: readonly TRefundSourcePayment[], labelOf: (provider: string) => string = (provider) => provider): TRefundableCharge[] {
  const refunded = new Map<string, Decimal>();
  for (const payment of payments) {
    // A pending refund's money is on its way back: it is not refundable twice.
    if (payment.kind !== "refund" || payment.status === "failed" || !payment.refundOfId) continue;
    refunded.set(payment.refundOfId, (refunded.get(payment.refundOfId) ?? new Decimal(0)).plus(payment.amount));
  }
  return payments
    .filter((payment) => payment.kind === "charge" && payment.status === "succeeded")
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
    .map((charge) => ({
      id: charge.id,
      provider: charge.provider,
      providerLabel: labelOf(charge.provider),
      label: charge.reference ?? charge.providerPaymentId ?? charge.id,
      createdAt: charge.createdAt,
      amount: new Decimal(charge.amount).toFixed(2),
      refundable: Decimal.max(new Decimal(charge.amount).minus(refunded.get(charge.id) ?? 0), 0).toFixed(2),
      applied: charge.applied,
    }));
}

function describe(charge: TRefundableCharge, currency: string): string {
  return `${charge.providerLabel} ${charge.label} of ${charge.createdAt.toISOString().slice(0, 10)}: ${charge.refundable} ${currency}`;
}

/**
 * The charge to refund `amount` from: the one asked for, else the newest counted charge that
 * can refund all of it (a duplicate that was not counted is refunded only when named).
 * Refuses (BAD_REQUEST, naming what each charge can refund) rather than split a refund
 * across charges on its own: the admin decides how money goes back.
 */
export function chooseRefundSource(
  charges: readonly TRefundableCharge[],
  request: { amount: string; currency: string; invoiceNumber: string; paymentId?: string },
): TRefundableCharge {
  const amount = new Decimal(request.amount);
  const refundableNow = charges.filter((charge) => new Decimal(charge.refundable).gt(0));
  const options = refundableNow.map((charge) => ({ id: charge.id, provider: charge.provider, label: charge.label, refundable: charge.refundable }));
  if (request.paymentId) {
    const chosen = charges.find((charge) => charge.id === request.paymentId);
    if (!chosen) {
      throw new AppError("BAD_REQUEST", `Payment ${request.paymentId} is not a succeeded charge of invoice ${request.invoiceNumber}.`, { paymentId: request.paymentId, options });
    }
    if (amount.gt(chosen.refundable)) {
      throw new AppError(
        "BAD_REQUEST",
        `Refund of ${amount.toFixed(2)} ${request.currency} exceeds what is left of ${describe(chosen, request.currency)}.`,
        { amount: amount.toFixed(2), refundable: chosen.refundable, options },
      );
    }
    return chosen;
  }
  const counted = refundableNow.filter((charge) => charge.applied);
  const covering = counted.find((charge) => amount.lte(charge.refundable));
  if (covering) return covering;
  const detail = counted.length ? counted.map((charge) => describe(charge, request.currency)).join("; ") : "nothing is left to refund";
  throw new AppError(
    "BAD_REQUEST",
    `No single payment of invoice ${request.invoiceNumber} can refund ${amount.toFixed(2)} ${request.currency} (${detail}); refund from each payment separately.`,
    { amount: amount.toFixed(2), options },
  );
}
