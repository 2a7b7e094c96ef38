import { describe, expect, test } from "vitest";
import { allowedInvoiceActions, balanceDue, exceeds, readMoneyInput, refundableAmount } from "./invoice-balance";

const invoice = (status: string, total: string, amountPaid = "0.00", amountRefunded = "0.00") => ({
  status,
  total,
  amountPaid,
  amountRefunded,
});

describe("balanceDue", () => {
  test.each([
    ["120.00", "0.00", "120.00"],
    ["120.00", "20.5", "99.50"],
    ["0.30", "0.10", "0.20"], // 0.3 - 0.1 in floats is 0.19999999999999998
    ["100.00", "150.00", "0.00"],
    ["5000", "1200", "3800"], // a zero-decimal currency stays whole
  ])("total %s, paid %s -> %s", (total, amountPaid, expected) => {
    expect(balanceDue({ total, amountPaid })).toBe(expected);
  });
});

describe("refundableAmount", () => {
  test.each([
    ["120.00", "0.00", "120.00"],
    ["120.00", "1.00", "119.00"],
    ["120.00", "120.00", "0.00"],
    ["0.00", "0.00", "0.00"],
  ])("paid %s, refunded %s -> %s", (amountPaid, amountRefunded, expected) => {
    expect(refundableAmount({ amountPaid, amountRefunded })).toBe(expected);
  });
});

describe("readMoneyInput", () => {
  test.each([
    ["12.50", "12.50"],
    [" 1,234.5 ", "1234.5"],
    ["3", "3"],
    ["12.345", null],
    ["-1", null],
    ["abc", null],
    ["", null],
  ])("%j -> %j", (raw, expected) => {
    expect(readMoneyInput(raw)).toBe(expected);
  });
});

test("exceeds compares decimals exactly", () => {
  expect(exceeds("119.01", "119.00")).toBe(true);
  expect(exceeds("119.00", "119")).toBe(false);
});

describe("allowedInvoiceActions", () => {
  test("offers a refund of a duplicate charge that was not counted, whatever the invoice's status", () => {
    const refunded = invoice("refunded", "49.00", "49.00", "49.00");
    expect(allowedInvoiceActions(refunded).refund).toBe(false);
    expect(allowedInvoiceActions({ ...refunded, refundableCharges: [{ applied: false, refundable: "49.00" }] }).refund).toBe(true);
    expect(allowedInvoiceActions({ ...refunded, refundableCharges: [{ applied: false, refundable: "0.00" }] }).refund).toBe(false);
  });

  test("an open invoice with nothing paid can be paid, charged or cancelled, not refunded", () => {
    expect(allowedInvoiceActions(invoice("pending", "49.00"))).toEqual({ markPaid: true, charge: true, refund: false, cancel: true });
    expect(allowedInvoiceActions(invoice("overdue", "49.00"))).toEqual({ markPaid: true, charge: true, refund: false, cancel: true });
  });

  test("an open invoice with a part paid can no longer be cancelled", () => {
    expect(allowedInvoiceActions(invoice("pending", "49.00", "10.00"))).toEqual({ markPaid: true, charge: true, refund: false, cancel: false });
  });

  test("a refund on its way back is not refundable again", () => {
    expect(refundableAmount({ amountPaid: "49.00", amountRefunded: "9.00", amountRefundPending: "40.00" })).toBe("0.00");
    expect(allowedInvoiceActions({ ...invoice("partially_refunded", "49.00", "49.00", "9.00"), amountRefundPending: "40.00" }).refund).toBe(false);
    expect(allowedInvoiceActions({ ...invoice("paid", "49.00", "49.00"), amountRefundPending: "10.00" }).refund).toBe(true);
  });

  test("a paid invoice can only be refunded, while something is left to refund", () => {
    expect(allowedInvoiceActions(invoice("paid", "49.00", "49.00"))).toEqual({ markPaid: false, charge: false, refund: true, cancel: false });
    expect(allowedInvoiceActions(invoice("partially_refunded", "49.00", "49.00", "1.00")).refund).toBe(true);
    expect(allowedInvoiceActions(invoice("partially_refunded", "49.00", "49.00", "49.00")).refund).toBe(false);
  });

  test("cancelled and refunded invoices allow nothing", () => {
    const none = { markPaid: false, charge: false, refund: false, cancel: false };
    expect(allowedInvoiceActions(invoice("cancelled", "49.00"))).toEqual(none);
    expect(allowedInvoiceActions(invoice("refunded", "49.00", "49.00", "49.00"))).toEqual(none);
  });
});
