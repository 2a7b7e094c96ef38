import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors/app-error";
import { INVOICE_STATUSES, assertTransition, canTransition, type TInvoiceStatus } from "./invoice-status";

const ALLOWED: [TInvoiceStatus, TInvoiceStatus][] = [
  ["pending", "paid"],
  ["pending", "overdue"],
  ["pending", "cancelled"],
  ["overdue", "paid"],
  ["overdue", "cancelled"],
  ["paid", "refunded"],
  ["paid", "partially_refunded"],
  ["partially_refunded", "refunded"],
];

describe("invoice status transitions", () => {
  it.each(ALLOWED)("%s -> %s is allowed", (from, to) => {
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  const forbidden = INVOICE_STATUSES.flatMap((from) =>
    INVOICE_STATUSES.filter((to) => !ALLOWED.some(([f, t]) => f === from && t === to)).map((to) => [from, to] as const),
  );

  it.each(forbidden)("%s -> %s is a 409 naming the invoice's state (INVOICE_ALREADY_PAID from paid)", (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    let caught: unknown;
    try {
      assertTransition(from, to);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe(from === "paid" ? "INVOICE_ALREADY_PAID" : "INVOICE_STATUS_CONFLICT");
    expect([(caught as AppError).trpcCode, (caught as AppError).httpStatus]).toEqual(["CONFLICT", 409]);
    expect((caught as AppError).data).toMatchObject({ from, to });
  });

  it("every pair is either allowed or forbidden (36 pairs, 8 allowed)", () => {
    expect(forbidden).toHaveLength(36 - ALLOWED.length);
  });

  it("cancelled and refunded are final", () => {
    expect(() => assertTransition("cancelled", "paid")).toThrow(/final/);
    expect(() => assertTransition("refunded", "paid")).toThrow(/final/);
  });
});
