// Invoices made directly (no numbering sequence needed): one client each, unique number.
import type { TDbClient } from "@/server/db/client";
import { createTestClient, uniqueSuffix } from "../../support/fixtures";

export async function createTestInvoice(
  db: TDbClient,
  options: { id?: string; total?: string; currency?: string; status?: "pending" | "overdue" | "cancelled" } = {},
): Promise<{ id: string; number: string; clientId: string }> {
  const client = await createTestClient(db);
  const total = options.total ?? "100.00";
  return db.invoice.create({
    data: {
      // A chosen id: the invoice a webhook named before it existed.
      ...(options.id ? { id: options.id } : {}),
      number: `TEST-${uniqueSuffix()}`,
      clientId: client.id,
      period: "2026-10",
      periodStart: new Date("2026-10-01T00:00:00Z"),
      periodEnd: new Date("2026-11-01T00:00:00Z"),
      currency: options.currency ?? "USD",
      status: options.status ?? "pending",
      planKey: client.planKey,
      planVersion: 1,
      subtotal: total,
      total,
      dueAt: new Date("2026-11-15T00:00:00Z"),
      lineItems: { create: { kind: "base", description: "Base fee", quantity: "1", unitPrice: total, amount: total } },
    },
    select: { id: true, number: true, clientId: true },
  });
}

/** The invoice's money columns as strings, for exact comparisons. */
export async function invoiceMoney(db: TDbClient, invoiceId: string) {
  const invoice = await db.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    select: { status: true, amountPaid: true, amountRefunded: true, paidAt: true },
  });
  return { status: invoice.status, amountPaid: invoice.amountPaid.toFixed(2), amountRefunded: invoice.amountRefunded.toFixed(2), paid: invoice.paidAt !== null };
}

export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}
