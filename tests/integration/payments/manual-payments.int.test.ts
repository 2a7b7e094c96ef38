import { clockNow } from "@/server/clock";
import { beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "@/server/auth/session";
import { AppError } from "@/server/errors/app-error";
import { inTransaction } from "@/server/db/client";
import { recordProviderCharge } from "@/server/payments/charge-invoice";
import { markInvoicePaid } from "@/server/payments/mark-invoice-paid";
import { refundInvoice } from "@/server/payments/refund-invoice";
import { createTestAdmin } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { createTestInvoice, invoiceMoney, rejection } from "./payment-test-support";

describeEachDatabase("payments: bank transfers and refunds", (testDb) => {
  let admin: TSessionUser;
  beforeAll(async () => {
    admin = await createTestAdmin(testDb().db, "admin");
  });

  it("marking an invoice paid records the payment, the paid status and an audit row", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "120.50", status: "overdue" });
    const state = await markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-REF-42" }, admin);
    expect(state).toMatchObject({ status: "paid", amountPaid: "120.50", amountRefunded: "0.00" });
    expect(await invoiceMoney(db, invoice.id)).toEqual({ status: "paid", amountPaid: "120.50", amountRefunded: "0.00", paid: true });

    const payments = await db.payment.findMany({ where: { invoiceId: invoice.id } });
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ provider: "manual", kind: "charge", status: "succeeded", reference: "BANK-REF-42", createdBy: admin.email });
    expect(payments[0]!.amount.toFixed(2)).toBe("120.50");

    const audit = await db.auditLog.findMany({ where: { entityId: invoice.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "invoice.mark_paid", actorId: admin.id, entityType: "Invoice", clientId: invoice.clientId });
    expect(audit[0]!.before).toMatchObject({ status: "overdue", amountPaid: "0.00" });
    expect(audit[0]!.after).toMatchObject({ status: "paid", amountPaid: "120.50" });
  });

  it("an invoice already paid cannot be marked paid again (INVOICE_ALREADY_PAID naming it)", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db);
    await markInvoicePaid(db, { invoiceId: invoice.id, reference: "first" }, admin);
    const error = await rejection(markInvoicePaid(db, { invoiceId: invoice.id, reference: "second" }, admin));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "INVOICE_ALREADY_PAID", trpcCode: "CONFLICT", httpStatus: 409 });
    expect((error as AppError).message).toContain(`Invoice ${invoice.number} is already paid`);
    expect(await db.payment.count({ where: { invoiceId: invoice.id } })).toBe(1);
  });

  it("a part payment leaves the invoice pending; the rest makes it paid", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "100.00" });
    expect(await markInvoicePaid(db, { invoiceId: invoice.id, reference: "part 1", amount: "40.00" }, admin)).toMatchObject({ status: "pending", amountPaid: "40.00", paidAt: null });
    expect(await markInvoicePaid(db, { invoiceId: invoice.id, reference: "part 2" }, admin)).toMatchObject({ status: "paid", amountPaid: "100.00" });
  });

  it("refunding part then the rest goes paid -> partially_refunded -> refunded, with an audit row each", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "100.00" });
    await markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-1" }, admin);

    expect(await refundInvoice(db, { invoiceId: invoice.id, amount: "30.00", reason: "service outage credit" }, admin)).toMatchObject({
      status: "partially_refunded",
      amountRefunded: "30.00",
    });
    expect(await refundInvoice(db, { invoiceId: invoice.id, amount: "70.00", reason: "cancelled" }, admin)).toMatchObject({
      status: "refunded",
      amountPaid: "100.00",
      amountRefunded: "100.00",
    });

    const refunds = await db.payment.findMany({ where: { invoiceId: invoice.id, kind: "refund" }, orderBy: { createdAt: "asc" } });
    expect(refunds.map((r) => [r.provider, r.status, r.amount.toFixed(2), r.reference])).toEqual([
      ["manual", "succeeded", "30.00", "service outage credit"],
      ["manual", "succeeded", "70.00", "cancelled"],
    ]);
    const actions = (await db.auditLog.findMany({ where: { entityId: invoice.id }, orderBy: { createdAt: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["invoice.mark_paid", "payment.refund", "payment.refund"]);
  });

  it("a refund above what was paid minus refunded is refused with the amounts, and nothing is written", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "50.00" });
    await markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-2" }, admin);
    await refundInvoice(db, { invoiceId: invoice.id, amount: "30.00", reason: "credit" }, admin);

    const error = await rejection(refundInvoice(db, { invoiceId: invoice.id, amount: "20.01", reason: "too much" }, admin));
    expect(error).toMatchObject({ code: "BAD_REQUEST", data: { amount: "20.01", refundable: "20.00", amountPaid: "50.00", amountRefunded: "30.00" } });
    expect((error as AppError).message).toContain("20.01 USD exceeds");

    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "partially_refunded", amountRefunded: "30.00" });
    expect(await db.payment.count({ where: { invoiceId: invoice.id, kind: "refund" } })).toBe(1);
    expect(await db.auditLog.count({ where: { entityId: invoice.id, action: "payment.refund" } })).toBe(1);
  });

  it("two refunds at once cannot together exceed what was paid", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "100.00" });
    await markInvoicePaid(db, { invoiceId: invoice.id, reference: "BANK-3" }, admin);
    const results = await Promise.allSettled(
      [1, 2, 3].map((n) => refundInvoice(db, { invoiceId: invoice.id, amount: "40.00", reason: `refund ${n}` }, admin)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toMatchObject({ code: "BAD_REQUEST", data: { refundable: "20.00" } });
    expect(await invoiceMoney(db, invoice.id)).toMatchObject({ status: "partially_refunded", amountRefunded: "80.00" });
    expect(await db.payment.count({ where: { invoiceId: invoice.id, kind: "refund" } })).toBe(2);
  });

  it("an unpaid invoice cannot be refunded, nor a cancelled one paid", async () => {
    const { db } = testDb();
    const pending = await createTestInvoice(db);
    expect(await rejection(refundInvoice(db, { invoiceId: pending.id, amount: "1.00", reason: "x" }, admin))).toMatchObject({ code: "INVOICE_STATUS_CONFLICT" });
    const cancelled = await createTestInvoice(db, { status: "cancelled" });
    expect(await rejection(markInvoicePaid(db, { invoiceId: cancelled.id, reference: "x" }, admin))).toMatchObject({ code: "INVOICE_STATUS_CONFLICT" });
    expect(await db.payment.count({ where: { invoiceId: { in: [pending.id, cancelled.id] } } })).toBe(0);
  });

  it("bad input is a BAD_REQUEST naming the field", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db);
    const error = await rejection(markInvoicePaid(db, { invoiceId: invoice.id, reference: "x", amount: "12.345" }, admin));
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as AppError).message).toContain("amount");
  });

  it("a provider charge sized before a partial transfer landed is counted and flagged as overpaid", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "100.00" });
    await markInvoicePaid(db, { invoiceId: invoice.id, reference: "part", amount: "40.00" }, admin);
    const recorded = await inTransaction(db, (tx) =>
      recordProviderCharge(
        tx,
        { invoiceId: invoice.id, provider: "stripe", providerPaymentId: "pi_late_full", status: "succeeded", amount: "100.00", currency: "usd", occurredAt: clockNow() },
        { id: null, email: "webhook:stripe" },
      ),
    );
    expect(recorded.outcome).toBe("applied");
    expect(recorded.invoice).toMatchObject({ status: "paid", amountPaid: "140.00" });
    const audit = await db.auditLog.findFirstOrThrow({ where: { entityId: invoice.id, action: "invoice.payment_succeeded" } });
    expect(audit.reason).toBe("Overpaid by 40.00 USD: refund the excess.");
  });
});
