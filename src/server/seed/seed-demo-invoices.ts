// A year of invoices for the demo clients, in the states a real ledger has: the old
// ones paid by bank transfer (a few late, one refunded in full, one or two given a
// service credit), the month before last mostly paid with two or three overdue, the
// last closed month about a third paid, one or two of the rest paid in part.
//
// Issued by runBilling and paid through markInvoicePaid / refundInvoice, so the rows
// are exactly what the app writes (payments, amounts, statuses, audit entries).
//
// Deterministic: an invoice's fate comes from a PRNG seeded by (client slug, period).
// Where the demo needs a state to exist whatever the month (unpaid, partly paid,
// refunded...), the invoices of a period are ranked by that PRNG's first draw and the
// state given by rank, never left to a lucky draw.
// Idempotent: an action is taken only on an invoice still in the state the seed found
// it fresh (paid only while pending/overdue with nothing paid, refunded only while paid
// with nothing refunded), so a re-run in the same month adds and changes nothing.
//
// Money: totals and amounts are decimal strings, computed with decimal.js, 2 decimals.
import Decimal from "decimal.js";
import { markOverdueInvoices } from "@/server/billing/invoice-status";
import { runBilling } from "@/server/billing/run-billing";
import type { TDb } from "@/server/db/client";
import type { TPaymentActor } from "@/server/payments/invoice-money";
import { markInvoicePaid } from "@/server/payments/mark-invoice-paid";
import { refundInvoice } from "@/server/payments/refund-invoice";
import { periodRange, recentPeriods } from "@/server/usage/period";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Months of closed periods invoiced, ending with the last closed month. */
const DEMO_INVOICE_MONTHS = 12;
const DEMO_INVOICE_NET_DAYS = 14;
/** Invoices go out on the 1st of the next month at this hour (UTC). */
const ISSUE_HOUR = 6;
export const DEMO_PAYMENT_ACTOR: TPaymentActor = { id: null, email: "seed@meterline.local" };

/** Share of the last closed month's invoices paid by now. */
const LAST_MONTH_PAID_SHARE = 1 / 3;
/** Share of older invoices paid after their due date (still paid). */
const LATE_PAYER_SHARE = 0.15;
/** Partial payments and refunds go to invoices of at least this total, so a part stays a part. */
const MIN_PARTIAL_TOTAL = new Decimal(1);

export type TRandom = () => number;

export type TDemoInvoice = {
  id: string;
  slug: string;
  period: string;
  /** Decimal string. */
  total: string;
  issuedAt: Date;
  dueAt: Date;
};

export type TInvoiceFate =
  | { kind: "unpaid" }
  | { kind: "paid"; reference: string; receivedAt: Date; refund: { amount: string; reason: string } | null }
  | { kind: "partially_paid"; reference: string; receivedAt: Date; amount: string };

type TDraw = {
  invoice: TDemoInvoice;
  total: Decimal;
  /** Ranks the invoices of one period: the lowest are paid first. */
  order: number;
  /** Ranks the older invoices for refunds. */
  refundOrder: number;
  reference: string;
  onTime: Date;
  late: Date;
  isLate: boolean;
  partialShare: number;
  creditShare: number;
};

/** Months from `period` to `current` (both YYYY-MM): 1 for the last closed month. */
function monthsBefore(period: string, current: string): number {
  const [y1, m1] = period.split("-").map(Number) as [number, number];
  const [y2, m2] = current.split("-").map(Number) as [number, number];
  return y2 * 12 + m2 - (y1 * 12 + m1);
}

/** A business-hours instant `days` days after the day of `from` (UTC). */
function businessTime(from: Date, days: number, roll: number): Date {
  const day = Math.floor(from.getTime() / DAY_MS) * DAY_MS + days * DAY_MS;
  return new Date(day + 8 * HOUR_MS + Math.floor(roll * 9 * 60) * 60_000);
}

function draw(invoice: TDemoInvoice, random: (name: string) => TRandom): TDraw {
  const rng = random(`invoice/${invoice.slug}/${invoice.period}`);
  // Every roll is drawn, in a fixed order, whatever the invoice's fate: a fate never
  // shifts another roll.
  const order = rng();
  const refundOrder = rng();
  const reference = `BANK-${String(10_000_000 + Math.floor(rng() * 89_999_999))}`;
  // On time: 1 to 12 days after issue (net 14, so before the due date).
  const onTime = businessTime(invoice.issuedAt, 1 + Math.floor(rng() * 12), rng());
  // Late: 1 to 6 days after the due date.
  const late = businessTime(invoice.dueAt, 1 + Math.floor(rng() * 6), rng());
  const isLate = rng() < LATE_PAYER_SHARE;
  const partialShare = 0.3 + 0.3 * rng();
  const creditShare = 0.02 + 0.06 * rng();
  return { invoice, total: new Decimal(invoice.total), order, refundOrder, reference, onTime, late, isLate, partialShare, creditShare };
}

const byOrder = (a: TDraw, b: TDraw) => a.order - b.order;

/** A part of `total`, to the cent, rounded down, at least 0.01. */
function shareOf(total: Decimal, share: number): string {
  return Decimal.max(total.mul(share).toDecimalPlaces(2, Decimal.ROUND_DOWN), "0.01").toFixed(2);
}

/**
 * The fate of each invoice with something to pay (pure). `now` is the present: no
 * payment is dated after it (a payment due later is dated now), so whatever the day of
 * the month, the fates are the same and a re-run finds nothing left to do.
 */
export function planDemoInvoiceFates(invoices: readonly TDemoInvoice[], now: Date, random: (name: string) => TRandom): Map<string, TInvoiceFate> {
  const current = now.toISOString().slice(0, 7);
  const draws = invoices.map((invoice) => draw(invoice, random)).filter((d) => d.total.gt(0));
  const lastMonth = draws.filter((d) => monthsBefore(d.invoice.period, current) === 1).sort(byOrder);
  const monthBefore = draws.filter((d) => monthsBefore(d.invoice.period, current) === 2).sort(byOrder);
  const older = draws.filter((d) => monthsBefore(d.invoice.period, current) >= 3);

  const fates = new Map<string, TInvoiceFate>();
  const clamp = (date: Date) => new Date(Math.min(date.getTime(), now.getTime()));
  const paid = (d: TDraw, late: boolean, refund: { amount: string; reason: string } | null = null): TInvoiceFate => ({
    kind: "paid",
    reference: d.reference,
    receivedAt: clamp(late ? d.late : d.onTime),
    refund,
  });

  // Older periods: all paid, some late. By refund rank: the first refunded in full,
  // the next one or two given a service credit of a few percent.
  const refundable = older.filter((d) => d.total.gte(MIN_PARTIAL_TOTAL)).sort((a, b) => a.refundOrder - b.refundOrder);
  const [fullRefund, ...credits] = refundable.slice(0, refundable.length >= 20 ? 3 : 2);
  for (const d of older) {
    let refund: { amount: string; reason: string } | null = null;
    if (d === fullRefund) refund = { amount: d.total.toFixed(2), reason: "Billing dispute settled: invoice refunded in full." };
    else if (credits.includes(d)) {
      refund = { amount: shareOf(d.total, d.creditShare), reason: "Service credit for degraded chat availability." };
    }
    fates.set(d.invoice.id, paid(d, d.isLate, refund));
  }

  // The month before last: all paid but two or three, which are overdue by now.
  const unpaidBefore = monthBefore.length >= 8 ? 3 : Math.min(2, monthBefore.length);
  monthBefore.forEach((d, rank) => fates.set(d.invoice.id, rank < monthBefore.length - unpaidBefore ? paid(d, d.isLate) : { kind: "unpaid" }));

  // The last closed month: about a third paid (at least one, so the period shows two
  // statuses); of the rest, the last one or two by rank paid in part.
  const paidLast = lastMonth.length >= 2 ? Math.max(1, Math.round(lastMonth.length * LAST_MONTH_PAID_SHARE)) : 0;
  const open = lastMonth.slice(paidLast);
  const partCount = open.length >= 4 ? 2 : open.length >= 2 ? 1 : 0;
  const partly = partCount > 0 ? open.filter((d) => d.total.gte(MIN_PARTIAL_TOTAL)).slice(-partCount) : [];
  for (const [rank, d] of lastMonth.entries()) {
    if (rank < paidLast) fates.set(d.invoice.id, paid(d, false));
    else if (partly.includes(d)) {
      fates.set(d.invoice.id, { kind: "partially_paid", reference: d.reference, receivedAt: clamp(d.onTime), amount: shareOf(d.total, d.partialShare) });
    } else fates.set(d.invoice.id, { kind: "unpaid" });
  }
  return fates;
}

export type TSeedDemoInvoicesOptions = {
  /** The demo clients whose invoices are paid; runBilling invoices every eligible client. */
  clients: readonly { id: string; slug: string }[];
  /** The present: payments are never dated after it, overdue is judged against it. */
  now: Date;
  /** The seed's PRNG, by name. */
  random: (name: string) => TRandom;
};

export type TSeedDemoInvoicesResult = {
  /** Invoices issued by this run. */
  invoices: number;
  /** Charges (bank transfers) recorded by this run. */
  charges: number;
  /** Refunds recorded by this run. */
  refunds: number;
  /** Invoices this run moved from pending to overdue. */
  overdue: number;
};

/** The issue instant of a closed period's invoice: the 1st of the next month, 06:00 UTC, or now if earlier. */
function demoInvoiceIssuedAt(period: string, now: Date): Date {
  const { end } = periodRange(period);
  return new Date(Math.min(end.getTime() + ISSUE_HOUR * HOUR_MS, now.getTime()));
}

export async function seedDemoInvoices(db: TDb, options: TSeedDemoInvoicesOptions): Promise<TSeedDemoInvoicesResult> {
  const now = options.now;
  const periods = recentPeriods(DEMO_INVOICE_MONTHS + 1, now).slice(0, DEMO_INVOICE_MONTHS);
  const result: TSeedDemoInvoicesResult = { invoices: 0, charges: 0, refunds: 0, overdue: 0 };

  // Oldest first, so invoice numbers ascend with the issue dates. A period nobody
  // was a client in costs two counts.
  for (const period of periods) {
    // The seeded history's audit trail is dated like the history: issued at the issue date,
    // before the payments the seed records afterwards (at their own instants).
    const issuedAt = demoInvoiceIssuedAt(period, now);
    const run = await runBilling(db, { period, now: issuedAt, netDays: DEMO_INVOICE_NET_DAYS, auditAt: issuedAt });
    if (run.failed.length > 0) {
      throw new Error(`Demo billing of ${period} failed for ${run.failed.map((f) => `${f.clientId}: ${f.message}`).join("; ")}`);
    }
    result.invoices += run.created;
  }

  const slugOf = new Map(options.clients.map((c) => [c.id, c.slug]));
  const rows = await db.invoice.findMany({
    where: { clientId: { in: [...slugOf.keys()] }, period: { in: periods } },
    select: { id: true, clientId: true, period: true, total: true, status: true, amountPaid: true, amountRefunded: true, issuedAt: true, dueAt: true },
    orderBy: { number: "asc" },
  });
  const fates = planDemoInvoiceFates(
    rows.map((r) => ({ id: r.id, slug: slugOf.get(r.clientId)!, period: r.period, total: r.total.toString(), issuedAt: r.issuedAt, dueAt: r.dueAt })),
    now,
    options.random,
  );

  for (const row of rows) {
    const fate = fates.get(row.id);
    if (!fate || fate.kind === "unpaid") continue;
    let { status } = row;
    const fresh = (status === "pending" || status === "overdue") && row.amountPaid.isZero();
    if (fresh) {
      const amount = fate.kind === "partially_paid" ? fate.amount : undefined;
      ({ status } = await markInvoicePaid(db, { invoiceId: row.id, reference: fate.reference, receivedAt: fate.receivedAt, amount }, DEMO_PAYMENT_ACTOR, { now }));
      result.charges++;
    }
    if (fate.kind === "paid" && fate.refund && status === "paid" && row.amountRefunded.isZero()) {
      await refundInvoice(db, { invoiceId: row.id, amount: fate.refund.amount, reason: fate.refund.reason }, DEMO_PAYMENT_ACTOR, { now });
      result.refunds++;
    }
  }

  result.overdue = await markOverdueInvoices(db, now);
  return result;
}
