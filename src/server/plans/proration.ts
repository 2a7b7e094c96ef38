// Proration of a mid-period plan change. Pure: no I/O, no clock.
//
// Billing periods are UTC calendar months (src/server/usage/period.ts). A change at
// instant t leaves a `fraction` of its period on the new plan:
//   none   fraction 0: no credit and no charge; the new base price starts next period.
//   daily  whole days left, counting the day of the change, over the days in the
//          month: a change on the 1st leaves 31/31 (or 30/30...), on the last day 1/n.
//   exact  time left over the month's length, to the millisecond (seconds remaining
//          over seconds in the month, without cutting off the milliseconds).
// The plan the client LEAVES decides the mode: its terms governed the part of the
// period already paid for, so they say how that part is refunded. (A consequence:
// leaving a "none" plan, such as Free, neither credits nor charges; the new plan's
// base price starts with the next period.)
//
//   creditAmount = old base price x fraction   (the unused rest of the old plan)
//   chargeAmount = new base price x fraction   (the rest of the period on the new one)
//   netAmount    = chargeAmount - creditAmount (negative: the client is owed money)
//
// Rounding rule: each of creditAmount and chargeAmount is rounded ONCE, from the
// exact product, to the currency's minor unit (2 decimals for USD/EUR, 0 for JPY),
// half to even (5.025 -> 5.02, 5.075 -> 5.08: src/server/money/money.ts), so that
// rounding has no bias up or down over many changes. netAmount is the difference of
// the two rounded amounts (exact, not rounded again), so an invoice line for each
// adds up to it. No JS number ever holds money here.
//
// What a change leaves for the next invoice: the PlanChange row (effectiveAt, the
// two amounts, currency, invoiceId null). The invoice of the period that contains
// effectiveAt bills the base price of the plan the client had when the period
// started, then one "credit" line (-creditAmount) and one "proration" line
// (+chargeAmount) per PlanChange of the period not yet invoiced, and sets their
// invoiceId. Base prices therefore add up to old x (1 - fraction) + new x fraction,
// and a change followed by a change back the same day (daily mode) nets to zero.
import type { TProrationMode } from "@/shared/plan-config";
import { Money, formatMinorUnits, roundToMinorUnit } from "@/server/money/money";
import { periodOf, periodRange } from "@/server/usage/period";

const DAY_MS = 86_400_000;

export type TProrationPlan = {
  key: string;
  /** Decimal string, in `currency`. */
  baseCost: string;
  prorationMode: TProrationMode;
};

export type TProrationInput = {
  from: TProrationPlan;
  to: TProrationPlan;
  currency: string;
  effectiveAt: Date;
};

export type TProration = {
  /** Same plan: nothing to change or charge. */
  noop: boolean;
  /** The FROM plan's mode. */
  prorationMode: TProrationMode;
  currency: string;
  /** 'YYYY-MM' and its [start, end) in UTC. */
  period: string;
  periodStart: Date;
  periodEnd: Date;
  effectiveAt: Date;
  daysInPeriod: number;
  /** Whole days left in the period, counting the day of the change. */
  daysRemaining: number;
  /** Share of the period prorated, as a decimal string ("0" for none and no-ops). */
  fraction: string;
  /** Decimal strings with the currency's minor-unit decimals ("15.47", "1600" for JPY). */
  creditAmount: string;
  chargeAmount: string;
  netAmount: string;
};

/** Share of the period left at `effectiveAt`, as numerator / denominator (exact integers). */
function remainingShare(mode: TProrationMode, effectiveAt: Date, start: Date, end: Date): { remaining: number; length: number } {
  switch (mode) {
    case "none":
      return { remaining: 0, length: 1 };
    case "daily": {
      const daysInPeriod = Math.round((end.getTime() - start.getTime()) / DAY_MS);
      return { remaining: daysInPeriod - effectiveAt.getUTCDate() + 1, length: daysInPeriod };
    }
    case "exact":
      return { remaining: end.getTime() - effectiveAt.getTime(), length: end.getTime() - start.getTime() };
  }
}

/** Credit for the old plan's unused part and charge for the rest of the period on the new one. */
export function prorateChange(input: TProrationInput): TProration {
  const { from, to, currency, effectiveAt } = input;
  if (Number.isNaN(effectiveAt.getTime())) throw new RangeError("effectiveAt is not a valid date");
  const period = periodOf(effectiveAt);
  const { start, end } = periodRange(period);
  const daysInPeriod = Math.round((end.getTime() - start.getTime()) / DAY_MS);
  const daysRemaining = daysInPeriod - effectiveAt.getUTCDate() + 1;
  const noop = from.key === to.key;
  const { remaining, length } = noop ? { remaining: 0, length: 1 } : remainingShare(from.prorationMode, effectiveAt, start, end);

  // Multiply first, divide once: the one rounding then sees the exact quotient.
  const prorated = (base: string) => roundToMinorUnit(new Money(base).times(remaining).div(length), currency);
  const credit = prorated(from.baseCost);
  const charge = prorated(to.baseCost);
  return {
    noop,
    prorationMode: from.prorationMode,
    currency,
    period,
    periodStart: start,
    periodEnd: end,
    effectiveAt,
    daysInPeriod,
    daysRemaining,
    // For display only (10 decimals); the amounts use the exact ratio.
    fraction: new Money(remaining).div(length).toDecimalPlaces(10).toString(),
    creditAmount: formatMinorUnits(credit, currency),
    chargeAmount: formatMinorUnits(charge, currency),
    netAmount: formatMinorUnits(charge.minus(credit), currency),
  };
}
