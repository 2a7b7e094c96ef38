// The invoice of one client for one closed billing period, in one transaction.
//
// Rules (DESIGN.md invariants 1 and 4):
// - Idempotent: unique per (client, period). A second call returns the existing
//   invoice unchanged. Concurrent calls serialise on the client row (FOR UPDATE, the
//   same lock changePlan takes), and a unique violation that slips through anyway is
//   caught and answered with the winner's invoice.
// - The writing is issueInvoices (issue-invoices.ts) with a batch of one: the billing
//   run uses the same code with batches of clients.
// - Usage comes from UsageCounter (the counters ARE the period totals; no event scan).
// - Plan: the one the client had when the period STARTED. If the client changed plan
//   on or after the period start, that is the first such change's from-plan and
//   from-version; otherwise the client's plan at the latest PlanConfigVersion created
//   at or before the period start (or its first version when every version is newer,
//   as for seeded plans; or the live PlanConfig when the plan has no snapshots).
//   Its base price and usage prices are billed; each PlanChange of the period not yet
//   invoiced adds its credit and proration lines (src/server/plans/proration.ts) and
//   gets this invoice's id, so it is billed once.
// - Number: INV-<year of issue>-<6 digits> from InvoiceNumberSequence, incremented by
//   one upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) inside this transaction: a rolled-back invoice gives its
//   number back, so numbers are gapless. (The row lock also orders all issuing of a
//   year; that is the price of gapless numbering.)
// - Zero or negative total (a free plan, a downgrade credit): the invoice is still
//   issued, so every active client has exactly one invoice per period and a run can
//   resume by skipping invoiced clients; it is issued as `paid` (paidAt = issuedAt,
//   no Payment) since nothing is to be collected. A negative total is a credit owed
//   to the client and says so in `notes` (carrying it forward is not built yet).
// - Only closed periods: the counters of an open period still move.
import { z } from "zod";
import { inTransaction, type TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZPeriod, periodRange } from "@/server/usage/period";
import { findInvoice, type TInvoiceDetail } from "./get-invoice";
import { issueInvoices, type TBillingActor } from "./issue-invoices";
import { clockNow } from "@/server/clock";

/** Days between issue and due date. */
export const DEFAULT_NET_DAYS = 14;

export const ZGenerateInvoiceInput = z.object({
  clientId: z.uuid("must be a client id"),
  period: ZPeriod,
});
export type TGenerateInvoiceInput = z.infer<typeof ZGenerateInvoiceInput>;

export type TGenerateInvoiceOptions = TGenerateInvoiceInput & {
  now?: Date;
  netDays?: number;
  actor?: TBillingActor;
};

export type TGenerateInvoiceResult = {
  invoice: TInvoiceDetail;
  /** False when the invoice already existed and was returned unchanged. */
  created: boolean;
};

/** Whether a period has ended at `now` (only closed periods are invoiced). */
export function assertClosedPeriod(period: string, now: Date): void {
  const { end } = periodRange(period);
  if (end.getTime() > now.getTime()) {
    throw new AppError(
      "BAD_REQUEST",
      `The period ${period} has not ended yet (it ends ${end.toISOString()}); only past periods can be invoiced.`,
      { period, periodEnd: end.toISOString() },
    );
  }
}

function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("code" in error)) return false;
  const { code, meta } = error as { code: unknown; meta?: unknown };
  // P2002 from model queries; the raw INSERTs of issue-invoices.ts report PostgreSQL's 23505 under P2010.
  return code === "P2002" || (code === "P2010" && JSON.stringify(meta ?? null).includes("23505"));
}

/** Issues the client's invoice for a closed period, or returns the one already issued. */
export async function generateInvoice(db: TDb, options: TGenerateInvoiceOptions): Promise<TGenerateInvoiceResult> {
  const input = ZGenerateInvoiceInput.parse({ clientId: options.clientId, period: options.period });
  const now = options.now ?? clockNow();
  const netDays = options.netDays ?? DEFAULT_NET_DAYS;
  assertClosedPeriod(input.period, now);
  try {
    const invoiceId = await inTransaction(db, async (tx) => {
      const { issued, failed } = await issueInvoices(tx, [input.clientId], { period: input.period, now, netDays, actor: options.actor });
      if (failed[0]) throw failed[0].error;
      return issued.get(input.clientId) ?? null;
    });
    const invoice = await findInvoice(db, invoiceId ? { id: invoiceId } : { clientId_period: input });
    if (!invoice) throw new Error(`Invoice of client ${input.clientId} for ${input.period} vanished after issue`);
    return { invoice, created: invoiceId !== null };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Another transaction issued it first (or took the number): return the winner's.
    const winner = await findInvoice(db, { clientId_period: input });
    if (!winner) throw error;
    return { invoice: winner, created: false };
  }
}
