// Revenue analytics for the dashboard, per currency (never mixed, no FX). What each
// figure means, for whoever reconciles it with the books:
//
//   window       the `months` billing periods ending with the last closed month (the
//                month before `now`, UTC). Invoices belong to the period they bill
//                (Invoice.period), not to the day they were issued or paid.
//   invoiced     sum of Invoice.total of the period's invoices, cancelled ones excluded
//                (a credit invoice's negative total counts as it is).
//   collected    sum of (amountPaid - amountRefunded) of those same invoices: the cash
//                kept, net of refunds, whenever it arrived.
//   refunded     sum of amountRefunded of those invoices.
//   outstanding  sum of (total - amountPaid) of pending + overdue invoices (a partial
//                payment lowers it). Per month: the period's invoices; the headline
//                figure: every period, all time. `overdue` is the part whose status is
//                overdue (set by markOverdueInvoices once dueAt has passed).
//   paid         window invoices that are paid, partially_refunded or refunded:
//                count, and sum of amountPaid (before refunds).
//   pending      window invoices that are pending or overdue: count, and sum of
//                (total - amountPaid).
//   byPlan       window invoices (cancelled excluded) by the plan on the invoice.
//   MRR          monthly recurring revenue now: for every client whose status is
//                active, the base fee of its current plan (PlanConfig as it is today),
//                priced exactly as an invoice's base line is (priceUsage). Usage,
//                proration and tax are excluded. A client whose plan is priced in
//                another currency than the client's counts nowhere (it cannot be
//                invoiced: issue-invoices refuses it).
//
// A currency is listed when it has a non-cancelled invoice in the window, an open
// (pending or overdue) invoice of any period, or an active client; the one with the
// most invoiced in the window first (ties: higher MRR, then the code). Amounts are
// decimal strings with 2 decimals in the currency's major unit (the NUMERIC(14,2)
// scale, JPY included: the dashboard shows each currency's own decimals), summed in
// SQL and decimal.js (src/server/money/money.ts), never as JS numbers.
//
// The database does the aggregating (100,000 invoices must stay fast): three GROUP BY
// queries over Invoice (window by period index, open by the status index), one over
// active clients, one read of the plans involved. No per-invoice or per-client loop.
import type Decimal from "decimal.js";
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { MAX_STORED_DECIMALS } from "@/shared/currency";
import { Money, formatDecimal } from "@/server/money/money";
import { ZPlanPricing } from "@/shared/plan-config";
import { describePlanIssues } from "@/shared/zod-issues";
import { recentPeriods } from "@/server/usage/period";
import { priceUsage } from "./pricing";
import { clockNow } from "@/server/clock";

export const ZRevenueInput = z.object({ months: z.number().int().min(1).max(36).default(12) });
export type TRevenueInput = z.input<typeof ZRevenueInput>;

/** Decimal string, 2 decimals, major unit, e.g. "1234.50". */
const ZMoney = z.string();

export const ZCurrencyRevenue = z.object({
  currency: z.string(),
  /** One row per billing period in the window, oldest first; periods with no invoices are present with "0.00". */
  byMonth: z.array(
    z.object({
      /** 'YYYY-MM' (the invoice's billing period). */
      period: z.string(),
      /** Sum of totals of that period's invoices, cancelled excluded. */
      invoiced: ZMoney,
      /** Sum of (amountPaid - amountRefunded) of those invoices. */
      collected: ZMoney,
      /** Sum of amountRefunded. */
      refunded: ZMoney,
      /** Sum of (total - amountPaid) of its pending + overdue invoices. */
      outstanding: ZMoney,
    }),
  ),
  /** Monthly recurring revenue now: the monthly base fees of active clients' current plans (usage excluded), in this currency. */
  mrr: ZMoney,
  /** Active clients counted in mrr. */
  mrrClients: z.number().int(),
  /** All pending + overdue, all time: total - amountPaid. */
  outstanding: ZMoney,
  outstandingCount: z.number().int(),
  /** Overdue only. */
  overdue: ZMoney,
  overdueCount: z.number().int(),
  /** Within the window: status paid | partially_refunded | refunded; amount = amountPaid. */
  paid: z.object({ count: z.number().int(), amount: ZMoney }),
  /** Within the window: status pending | overdue; amount = total - amountPaid. */
  pending: z.object({ count: z.number().int(), amount: ZMoney }),
  /** Within the window, invoiced (cancelled excluded) by the plan on the invoice, largest first. */
  byPlan: z.array(z.object({ planKey: z.string(), planName: z.string(), invoiced: ZMoney, invoiceCount: z.number().int() })),
});
export type TCurrencyRevenue = z.infer<typeof ZCurrencyRevenue>;

export const ZRevenueAnalytics = z.object({
  /** The window: the `months` billing periods ending with the last closed month (the month before `now`). */
  from: z.string(),
  to: z.string(),
  /** One entry per currency that has invoices or active clients; the currency with the most invoiced first. Empty array when there is nothing. */
  currencies: z.array(ZCurrencyRevenue),
});
export type TRevenueAnalytics = z.infer<typeof ZRevenueAnalytics>;

// Sums of up to 100,000 NUMERIC(14,2) amounts come close to decimal.js's default 20
// digits: Money has 64, so every sum, difference and product by a count here is exact
// and its rounding mode never applies.
type TMoney = Decimal;

const PAID_STATUSES: ReadonlySet<string> = new Set(["paid", "partially_refunded", "refunded"]);
const OPEN_STATUSES: ReadonlySet<string> = new Set(["pending", "overdue"]);

/** The window's periods, oldest first: `months` of them, ending with the month before `now` (UTC). */
export function revenuePeriods(months: number, now: Date): string[] {
  return recentPeriods(months, new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
}

/** A Prisma Decimal (or null from an empty SUM) as exact money. */
function money(value: { toString(): string } | null | undefined): TMoney {
  return new Money(value?.toString() ?? 0);
}

/** The NUMERIC(14,2) scale for every currency (already exact: the sums are of stored amounts). */
function formatMoney(value: TMoney): string {
  return formatDecimal(value, MAX_STORED_DECIMALS);
}

function compareMoneyDesc(a: TMoney, b: TMoney): number {
  return b.comparedTo(a);
}

type TMonthTotals = { invoiced: TMoney; collected: TMoney; refunded: TMoney; outstanding: TMoney };

type TCurrencyTotals = {
  months: Map<string, TMonthTotals>;
  invoiced: TMoney;
  /** Whether a non-cancelled invoice of the window or an open invoice exists. */
  hasInvoices: boolean;
  mrr: TMoney;
  mrrClients: number;
  hasActiveClients: boolean;
  outstanding: TMoney;
  outstandingCount: number;
  overdue: TMoney;
  overdueCount: number;
  paid: { count: number; amount: TMoney };
  pending: { count: number; amount: TMoney };
  byPlan: { planKey: string; invoiced: TMoney; invoiceCount: number }[];
};

function emptyTotals(periods: readonly string[]): TCurrencyTotals {
  const zero = new Money(0);
  return {
    months: new Map(periods.map((period) => [period, { invoiced: zero, collected: zero, refunded: zero, outstanding: zero }])),
    invoiced: zero,
    hasInvoices: false,
    mrr: zero,
    mrrClients: 0,
    hasActiveClients: false,
    outstanding: zero,
    outstandingCount: 0,
    overdue: zero,
    overdueCount: 0,
    paid: { count: 0, amount: zero },
    pending: { count: 0, amount: zero },
    byPlan: [],
  };
}

export async function getRevenueAnalytics(db: TDbClient, rawInput: TRevenueInput, now: Date = clockNow()): Promise<TRevenueAnalytics> {
  const { months } = ZRevenueInput.parse(rawInput);
  const periods = revenuePeriods(months, now);
  const from = periods[0]!;
  const to = periods[periods.length - 1]!;
  // 'YYYY-MM' strings order like the months they name: a range on the period index.
  const inWindow = { period: { gte: from, lte: to } };

  const [windowGroups, planGroups, openGroups, activeGroups] = await Promise.all([
    db.invoice.groupBy({
      by: ["currency", "period", "status"],
      where: inWindow,
      _sum: { total: true, amountPaid: true, amountRefunded: true },
      _count: { _all: true },
    }),
    db.invoice.groupBy({
      by: ["currency", "planKey"],
      where: { ...inWindow, status: { not: "cancelled" } },
      _sum: { total: true },
      _count: { _all: true },
    }),
    db.invoice.groupBy({
      by: ["currency", "status"],
      where: { status: { in: ["pending", "overdue"] } },
      _sum: { total: true, amountPaid: true },
      _count: { _all: true },
    }),
    db.client.groupBy({ by: ["currency", "planKey"], where: { status: "active" }, _count: { _all: true } }),
  ]);

  const planKeys = [...new Set([...planGroups.map((g) => g.planKey), ...activeGroups.map((g) => g.planKey)])];
  const plans = planKeys.length === 0 ? [] : await db.planConfig.findMany({ where: { key: { in: planKeys } }, select: { key: true, name: true, pricing: true } });
  const planOf = new Map(plans.map((plan) => [plan.key, plan]));

  const byCurrency = new Map<string, TCurrencyTotals>();
  const totalsOf = (currency: string) => {
    let totals = byCurrency.get(currency);
    if (!totals) byCurrency.set(currency, (totals = emptyTotals(periods)));
    return totals;
  };

  for (const group of windowGroups) {
    if (group.status === "cancelled") continue;
    const totals = totalsOf(group.currency);
    const total = money(group._sum.total);
    const amountPaid = money(group._sum.amountPaid);
    const amountRefunded = money(group._sum.amountRefunded);
    const month = totals.months.get(group.period)!;
    const open = OPEN_STATUSES.has(group.status);
    totals.months.set(group.period, {
      invoiced: month.invoiced.plus(total),
      collected: month.collected.plus(amountPaid).minus(amountRefunded),
      refunded: month.refunded.plus(amountRefunded),
      outstanding: open ? month.outstanding.plus(total).minus(amountPaid) : month.outstanding,
    });
    totals.invoiced = totals.invoiced.plus(total);
    totals.hasInvoices = true;
    if (PAID_STATUSES.has(group.status)) {
      totals.paid = { count: totals.paid.count + group._count._all, amount: totals.paid.amount.plus(amountPaid) };
    } else if (open) {
      totals.pending = { count: totals.pending.count + group._count._all, amount: totals.pending.amount.plus(total).minus(amountPaid) };
    }
  }

  for (const group of planGroups) {
    totalsOf(group.currency).byPlan.push({ planKey: group.planKey, invoiced: money(group._sum.total), invoiceCount: group._count._all });
  }

  for (const group of openGroups) {
    const totals = totalsOf(group.currency);
    const due = money(group._sum.total).minus(money(group._sum.amountPaid));
    totals.hasInvoices = true;
    totals.outstanding = totals.outstanding.plus(due);
    totals.outstandingCount += group._count._all;
    if (group.status === "overdue") {
      totals.overdue = totals.overdue.plus(due);
      totals.overdueCount += group._count._all;
    }
  }

  const baseFees = new Map<string, { currency: string; fee: TMoney }>();
  const baseFeeOf = (planKey: string) => {
    if (!baseFees.has(planKey)) {
      const plan = planOf.get(planKey);
      // Client.planKey is a foreign key to PlanConfig: a missing row is impossible.
      if (!plan) throw new AppError("NOT_FOUND", `Plan "${planKey}" does not exist.`, { planKey });
      const parsed = ZPlanPricing.safeParse(plan.pricing);
      if (!parsed.success) {
        throw new AppError("PLAN_PRICING_INVALID", `The pricing of plan "${planKey}" is invalid: ${describePlanIssues(parsed.error).join("; ")}`, { planKey });
      }
      // The base fee exactly as an invoice's base line prices it.
      const base = priceUsage(parsed.data, {}).lines.find((line) => line.kind === "base")!;
      baseFees.set(planKey, { currency: parsed.data.currency, fee: new Money(base.amount) });
    }
    return baseFees.get(planKey)!;
  };
  for (const group of activeGroups) {
    const totals = totalsOf(group.currency);
    totals.hasActiveClients = true;
    const { currency, fee } = baseFeeOf(group.planKey);
    if (currency !== group.currency) continue;
    totals.mrr = totals.mrr.plus(fee.times(group._count._all));
    totals.mrrClients += group._count._all;
  }

  const listed = [...byCurrency.entries()]
    .filter(([, totals]) => totals.hasInvoices || totals.hasActiveClients)
    .sort(([codeA, a], [codeB, b]) => compareMoneyDesc(a.invoiced, b.invoiced) || compareMoneyDesc(a.mrr, b.mrr) || codeA.localeCompare(codeB));

  return {
    from,
    to,
    currencies: listed.map(([currency, totals]) => ({
      currency,
      byMonth: periods.map((period) => {
        const month = totals.months.get(period)!;
        return {
          period,
          invoiced: formatMoney(month.invoiced),
          collected: formatMoney(month.collected),
          refunded: formatMoney(month.refunded),
          outstanding: formatMoney(month.outstanding),
        };
      }),
      mrr: formatMoney(totals.mrr),
      mrrClients: totals.mrrClients,
      outstanding: formatMoney(totals.outstanding),
      outstandingCount: totals.outstandingCount,
      overdue: formatMoney(totals.overdue),
      overdueCount: totals.overdueCount,
      paid: { count: totals.paid.count, amount: formatMoney(totals.paid.amount) },
      pending: { count: totals.pending.count, amount: formatMoney(totals.pending.amount) },
      byPlan: [...totals.byPlan]
        .sort((a, b) => compareMoneyDesc(a.invoiced, b.invoiced) || b.invoiceCount - a.invoiceCount || a.planKey.localeCompare(b.planKey))
        .map((row) => ({
          planKey: row.planKey,
          // Invoice.planKey is no foreign key: a plan renamed since keeps its old key here.
          planName: planOf.get(row.planKey)?.name ?? row.planKey,
          invoiced: formatMoney(row.invoiced),
          invoiceCount: row.invoiceCount,
        })),
    })),
  };
}
