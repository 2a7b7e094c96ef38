// Invoice lines for one client and period, from the period's usage totals and the
// plan's pricing. Pure: no I/O, no clock.
//
// Rounding rule (DESIGN.md invariant 1): every line's amount is computed exactly
// (decimal.js, 64 significant digits, never a JS number) and rounded ONCE, half to
// even, to the currency's minor unit (2 decimals for USD, 0 for JPY), with
// src/server/money/money.ts. The usage
// multiplier is applied to the exact usage amount, before that one rounding. The
// invoice total is the plain sum of the rounded lines, so it has the currency's
// decimals already and is never rounded again: total == sum(lines) exactly.
//
// Lines, in this order:
//   base       the plan's baseCost (already in whole minor units), quantity 1;
//   usage      one per priced metric (sorted by name: JSON columns do not keep key
//              order), even at zero usage, so the invoice shows the included units;
//   credit     -creditAmount of each plan change of the period (non-zero only);
//   proration  +chargeAmount of each plan change of the period (non-zero only).
//
// Usage of a metric: billable = max(0, usage - includedUnits), in raw units.
//   no tiers    billable / unit x unitPrice
//   graduated   each tier (previous upTo, upTo] prices the billable units inside it
//   volume      the tier the whole billable quantity reaches prices every unit
// Tier bounds count raw billable units (above the included ones); tier prices are per
// `unit` raw units, like unitPrice (src/server/plans/plan-config.ts).
import type Decimal from "decimal.js";
import { Money, formatDecimal, formatMinorUnits, roundToMinorUnit } from "@/server/money/money";
import type { TMetricPrice, TPlanPricing } from "@/shared/plan-config";

export const LINE_KINDS = ["base", "usage", "credit", "proration"] as const;
export type TLineKind = (typeof LINE_KINDS)[number];

/** Decimals kept for a line's display quantity and unit price (NUMERIC(24,6) and (20,10)). */
const QUANTITY_DECIMALS = 6;
const UNIT_PRICE_DECIMALS = 10;

export type TInvoiceLine = {
  kind: TLineKind;
  metric: string | null;
  description: string;
  /** Decimal string: raw billable units (usage), 1 otherwise. For display: amount uses the exact usage. */
  quantity: string;
  /** Decimal string: price per `unit` raw units, multiplier applied (usage: the average over tiers). */
  unitPrice: string;
  /** Decimal string with exactly the currency's minor-unit decimals, rounded once, half-even. */
  amount: string;
  metadata: Record<string, unknown> | null;
};

/** A plan change of the period, as PlanChange stores it (amounts already rounded). */
export type TPricedPlanChange = {
  id: string;
  fromPlanKey: string;
  toPlanKey: string;
  /** The plans' names at the versions changed between, for the lines' descriptions; default: the keys. */
  fromPlanName?: string;
  toPlanName?: string;
  effectiveAt: Date;
  creditAmount: Decimal.Value;
  chargeAmount: Decimal.Value;
};

export type TPricedInvoice = {
  currency: string;
  lines: TInvoiceLine[];
  /** Sum of the rounded line amounts (exact, not rounded again). */
  total: string;
};

/** Rounded half-even to `decimals`, without trailing zeros: "0.0000025000" -> "0.0000025". */
function displayDecimal(value: Decimal, decimals: number): string {
  return formatDecimal(value.toDecimalPlaces(decimals, Money.ROUND_HALF_EVEN));
}

/** Exact usage amount of one metric (before the multiplier and rounding), and the tier breakdown. */
export function usageAmount(price: TMetricPrice, billable: Decimal): { amount: Decimal; tiers: { upTo: number | null; units: string; unitPrice: string }[] } {
  const unit = new Money(price.unit);
  if (!price.tiers) return { amount: billable.div(unit).times(price.unitPrice), tiers: [] };
  const { mode, tiers } = price.tiers;
  if (mode === "volume") {
    const tier = tiers.find((t) => t.upTo === null || billable.lte(t.upTo)) ?? tiers[tiers.length - 1]!;
    return {
      amount: billable.div(unit).times(tier.unitPrice),
      tiers: [{ upTo: tier.upTo, units: billable.toFixed(), unitPrice: tier.unitPrice }],
    };
  }
  let amount = new Money(0);
  let previous = new Money(0);
  const breakdown: { upTo: number | null; units: string; unitPrice: string }[] = [];
  for (const tier of tiers) {
    if (billable.lte(previous)) break;
    const top = tier.upTo === null ? billable : Money.min(billable, tier.upTo);
    const units = top.minus(previous);
    amount = amount.plus(units.div(unit).times(tier.unitPrice));
    breakdown.push({ upTo: tier.upTo, units: units.toFixed(), unitPrice: tier.unitPrice });
    if (tier.upTo === null) break;
    previous = new Money(tier.upTo);
  }
  return { amount, tiers: breakdown };
}

function formatUnits(value: Decimal.Value): string {
  return new Money(value).toFixed().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * The invoice lines of a period. `usage` holds the period's counters (metric ->
 * decimal); metrics without a price are not billed, priced metrics without usage are 0.
 */
export function priceUsage(
  pricing: TPlanPricing,
  usage: Readonly<Record<string, Decimal.Value>>,
  planChanges: readonly TPricedPlanChange[] = [],
): TPricedInvoice {
  const currency = pricing.currency;
  const multiplier = new Money(pricing.usageMultiplier);
  const lines: TInvoiceLine[] = [];
  const amounts: Decimal[] = [];
  const push = (line: Omit<TInvoiceLine, "amount">, amount: Decimal) => {
    const rounded = roundToMinorUnit(amount, currency);
    amounts.push(rounded);
    lines.push({ ...line, amount: formatMinorUnits(rounded, currency) });
  };

  const base = new Money(pricing.baseCost);
  push({ kind: "base", metric: null, description: "Plan base price", quantity: "1", unitPrice: displayDecimal(base, UNIT_PRICE_DECIMALS), metadata: null }, base);

  for (const metric of Object.keys(pricing.metrics).sort()) {
    const price = pricing.metrics[metric]!;
    const raw = Object.hasOwn(usage, metric) ? new Money(usage[metric]!) : new Money(0);
    if (raw.isNegative() || !raw.isFinite()) throw new RangeError(`usage of ${metric} must be a non-negative decimal, got ${raw.toString()}`);
    const billable = Money.max(0, raw.minus(price.includedUnits));
    const { amount, tiers } = usageAmount(price, billable);
    const exact = amount.times(multiplier);
    const perUnit = billable.isZero()
      ? new Money(price.tiers ? price.tiers.tiers[0]!.unitPrice : price.unitPrice).times(multiplier)
      : exact.div(billable.div(price.unit));
    const per = price.unit === 1 ? "" : ` per ${formatUnits(price.unit)}`;
    push(
      {
        kind: "usage",
        metric,
        description: `${metric}: ${formatUnits(raw)} used, ${formatUnits(price.includedUnits)} included, ${formatUnits(billable)} billed${per}`,
        quantity: displayDecimal(billable, QUANTITY_DECIMALS),
        unitPrice: displayDecimal(perUnit, UNIT_PRICE_DECIMALS),
        metadata: {
          usage: raw.toFixed(),
          includedUnits: price.includedUnits,
          unit: price.unit,
          usageMultiplier: multiplier.toFixed(),
          ...(price.tiers ? { tierMode: price.tiers.mode, tiers } : {}),
        },
      },
      exact,
    );
  }

  const changes = [...planChanges].sort((a, b) => a.effectiveAt.getTime() - b.effectiveAt.getTime() || a.id.localeCompare(b.id));
  for (const change of changes) {
    const when = change.effectiveAt.toISOString().slice(0, 10);
    const metadata = { planChangeId: change.id, fromPlanKey: change.fromPlanKey, toPlanKey: change.toPlanKey };
    const credit = new Money(change.creditAmount);
    const charge = new Money(change.chargeAmount);
    if (!credit.isZero()) {
      push(
        { kind: "credit", metric: null, description: `Unused ${change.fromPlanName ?? change.fromPlanKey} plan from ${when}`, quantity: "1", unitPrice: displayDecimal(credit.neg(), UNIT_PRICE_DECIMALS), metadata },
        credit.neg(),
      );
    }
    if (!charge.isZero()) {
      push(
        { kind: "proration", metric: null, description: `${change.toPlanName ?? change.toPlanKey} plan from ${when}`, quantity: "1", unitPrice: displayDecimal(charge, UNIT_PRICE_DECIMALS), metadata },
        charge,
      );
    }
  }

  const total = amounts.reduce((sum, amount) => sum.plus(amount), new Money(0));
  return { currency, lines, total: formatMinorUnits(total, currency) };
}

/**
 * What the invoice columns hold (prisma/schema.prisma): amounts and totals NUMERIC(14,2),
 * unit prices NUMERIC(20,10), quantities NUMERIC(24,6); each below 10^(p-s).
 */
const COLUMN_BOUNDS = {
  amount: { below: new Money("1e12"), words: "1,000,000,000,000" },
  unitPrice: { below: new Money("1e10"), words: "10,000,000,000" },
  quantity: { below: new Money("1e18"), words: "10^18" },
} as const;

/**
 * The first figure of a priced invoice that its column cannot hold, in words; null when
 * all fit. Plan bounds keep prices and base costs inside their columns, but usage has no
 * bound a plan could promise: a large enough volume at a high price makes a line or the
 * total too large to store, and one such invoice must not fail a whole batch with a
 * numeric overflow.
 */
export function findInvoiceOverflow(invoice: TPricedInvoice): string | null {
  const tooLarge = (value: string, column: keyof typeof COLUMN_BOUNDS) => new Money(value).abs().gte(COLUMN_BOUNDS[column].below);
  for (const line of invoice.lines) {
    const name = line.metric ? `the ${line.metric} line` : `the ${line.kind} line`;
    if (tooLarge(line.amount, "amount")) return `${name} comes to ${line.amount} ${invoice.currency}, and an invoice line must stay below ${COLUMN_BOUNDS.amount.words}`;
    if (tooLarge(line.unitPrice, "unitPrice")) return `${name}'s unit price is ${line.unitPrice}, and a unit price must stay below ${COLUMN_BOUNDS.unitPrice.words}`;
    if (tooLarge(line.quantity, "quantity")) return `${name}'s quantity is ${line.quantity}, and a quantity must stay below ${COLUMN_BOUNDS.quantity.words}`;
  }
  if (tooLarge(invoice.total, "amount")) return `the total comes to ${invoice.total} ${invoice.currency}, and an invoice total must stay below ${COLUMN_BOUNDS.amount.words}`;
  return null;
}
