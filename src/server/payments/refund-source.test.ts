import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors/app-error";
import { chooseRefundSource, refundableCharges, type TRefundSourcePayment } from "./refund-source";

let seq = 0;
function payment(overrides: Partial<TRefundSourcePayment> & Pick<TRefundSourcePayment, "kind" | "amount">): TRefundSourcePayment {
  seq += 1;
  return {
    id: `p${seq}`,
    provider: "stripe",
    providerPaymentId: `pi_${seq}`,
    reference: null,
    status: "succeeded",
    refundOfId: null,
    applied: true,
    createdAt: new Date(Date.UTC(2026, 10, seq)),
    ...overrides,
  };
}

// An invoice of 100.00 paid 60.00 by bank transfer, then 40.00 by card.
const transfer = payment({ kind: "charge", amount: "60", provider: "manual", providerPaymentId: null, reference: "BANK-1" });
const card = payment({ kind: "charge", amount: "40.00" });
const request = { currency: "USD", invoiceNumber: "INV-2026-000001" };

describe("refundableCharges", () => {
  it("lists succeeded charges newest first, less what was refunded from each", () => {
    const payments = [
      transfer,
      card,
      payment({ kind: "refund", amount: "15.50", refundOfId: card.id }),
      payment({ kind: "refund", amount: "4.50", refundOfId: card.id, status: "pending" }),
      payment({ kind: "refund", amount: "40.00", refundOfId: card.id, status: "failed" }),
      payment({ kind: "charge", amount: "99.00", status: "failed" }),
    ];
    expect(refundableCharges(payments, (provider) => provider.toUpperCase()).map(({ id, providerLabel, label, amount, refundable }) => ({ id, providerLabel, label, amount, refundable }))).toEqual([
      { id: card.id, providerLabel: "STRIPE", label: card.providerPaymentId, amount: "40.00", refundable: "20.00" },
      { id: transfer.id, providerLabel: "MANUAL", label: "BANK-1", amount: "60.00", refundable: "60.00" },
    ]);
  });

  it("never shows a negative refundable amount", () => {
    const payments = [card, payment({ kind: "refund", amount: "50.00", refundOfId: card.id })];
    expect(refundableCharges(payments)[0]!.refundable).toBe("0.00");
  });
});

describe("chooseRefundSource", () => {
  const charges = refundableCharges([transfer, card]);

  it("takes the newest charge that can refund the whole amount", () => {
    expect(chooseRefundSource(charges, { ...request, amount: "40.00" }).id).toBe(card.id);
    expect(chooseRefundSource(charges, { ...request, amount: "40.01" }).id).toBe(transfer.id);
  });

  it("takes the charge asked for, within what is left of it", () => {
    expect(chooseRefundSource(charges, { ...request, amount: "10.00", paymentId: transfer.id }).id).toBe(transfer.id);
    expect(() => chooseRefundSource(charges, { ...request, amount: "40.01", paymentId: card.id })).toThrow(/exceeds what is left of stripe pi_\d+ of 2026-11-\d\d: 40\.00 USD/);
    expect(() => chooseRefundSource(charges, { ...request, amount: "1.00", paymentId: "p-unknown" })).toThrow(/not a succeeded charge of invoice INV-2026-000001/);
  });

  it("never picks a duplicate charge that was not counted unless it is named", () => {
    const duplicate = payment({ kind: "charge", amount: "100.00", applied: false });
    const withDuplicate = refundableCharges([transfer, card, duplicate]);
    expect(withDuplicate[0]).toMatchObject({ id: duplicate.id, applied: false, refundable: "100.00" });
    expect(chooseRefundSource(withDuplicate, { ...request, amount: "40.00" }).id).toBe(card.id);
    expect(() => chooseRefundSource(withDuplicate, { ...request, amount: "100.00" })).toThrow(/No single payment/);
    expect(chooseRefundSource(withDuplicate, { ...request, amount: "100.00", paymentId: duplicate.id }).id).toBe(duplicate.id);
  });

  it("refuses an amount no single charge covers, naming what each can refund", () => {
    let error: unknown;
    try {
      chooseRefundSource(charges, { ...request, amount: "100.00" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "BAD_REQUEST", data: { options: [{ id: card.id, refundable: "40.00" }, { id: transfer.id, refundable: "60.00" }] } });
    expect((error as AppError).message).toMatch(/can refund 100\.00 USD \(stripe pi_\d+ of .*: 40\.00 USD; manual BANK-1 of .*: 60\.00 USD\); refund from each payment separately/);
  });
});
