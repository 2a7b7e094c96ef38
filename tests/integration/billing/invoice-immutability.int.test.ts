import { expect, it } from "vitest";
import { describeEachDatabase } from "../../support/test-database";
import { createTestInvoice, rejection } from "../payments/payment-test-support";

// The database itself refuses to rewrite an issued invoice (migration
// *_invoice_issued_immutable): whatever the code path, what was billed stays billed.
describeEachDatabase("issued invoices are immutable in the database", (testDb) => {
  it("refuses a change of total, currency, number, issue date or buyer; allows status and payment fields", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "100.00" });
    for (const data of [{ total: "90.00" }, { subtotal: "90.00" }, { currency: "EUR" }, { number: "INV-X" }, { issuedAt: new Date() }, { billTo: { name: "Someone else" } }]) {
      const error = await rejection(db.invoice.update({ where: { id: invoice.id }, data }));
      expect(String(error)).toContain(`invoice ${invoice.number} is issued`);
    }
    const raw = await rejection(db.$executeRawUnsafe(`UPDATE "Invoice" SET total = 1 WHERE id = $1::uuid`, invoice.id));
    expect(String(raw)).toContain("is issued");

    await db.invoice.update({
      where: { id: invoice.id },
      data: { status: "paid", amountPaid: "100.00", paidAt: new Date(), notes: "paid by transfer", dueAt: new Date("2026-12-31T00:00:00Z") },
    });
    const after = await db.invoice.findUniqueOrThrow({ where: { id: invoice.id }, select: { total: true, status: true } });
    expect([after.total.toFixed(2), after.status]).toEqual(["100.00", "paid"]);
  });

  it("refuses to change or delete a line, and a refund above what was paid", async () => {
    const { db } = testDb();
    const invoice = await createTestInvoice(db, { total: "50.00" });
    const line = await db.invoiceLineItem.findFirstOrThrow({ where: { invoiceId: invoice.id } });
    expect(String(await rejection(db.invoiceLineItem.update({ where: { id: line.id }, data: { amount: "1.00" } })))).toContain("cannot be changed");
    expect(String(await rejection(db.invoiceLineItem.delete({ where: { id: line.id } })))).toContain("cannot be changed or removed");
    expect(String(await rejection(db.invoice.update({ where: { id: invoice.id }, data: { amountPaid: "10.00", amountRefunded: "10.01" } })))).toContain(
      "Invoice_payment_amounts_check",
    );
    expect(await db.invoiceLineItem.count({ where: { invoiceId: invoice.id } })).toBe(1);
  });
});
