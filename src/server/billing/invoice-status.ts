// Invoices that fall due: the one scheduled status change (the lifecycle itself is in
// src/server/invoices/invoice-status.ts).
import type { TDbClient } from "@/server/db/client";
import { clockNow } from "@/server/clock";

/**
 * Pending invoices whose due date has passed become overdue, in one set-based UPDATE
 * (safe to run from several instances at once: a row already moved is not matched again).
 * Returns how many invoices changed.
 */
export async function markOverdueInvoices(db: TDbClient, now: Date = clockNow()): Promise<number> {
  const { count } = await db.invoice.updateMany({
    where: { status: "pending", dueAt: { lt: now } },
    data: { status: "overdue" },
  });
  return count;
}
