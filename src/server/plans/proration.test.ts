import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TProrationMode } from "@/shared/plan-config";
import { prorateChange, type TProrationPlan } from "./proration";

const plan = (key: string, baseCost: string, prorationMode: TProrationMode = "daily"): TProrationPlan => ({ key, baseCost, prorationMode });
const starter = plan("starter", "29");
const pro = plan("pro", "99");
const starterExact = plan("starter", "29", "exact");
const proExact = plan("pro", "99", "exact");

describe("prorateChange: hand-computed cases", () => {
  // Amounts worked out on paper: base x remaining / length, rounded half-even to cents.
  const cases: {
    name: string;
    from: TProrationPlan;
    to: TProrationPlan;
    at: string;
    currency?: string;
    expected: { creditAmount: string; chargeAmount: string; netAmount: string; daysRemaining?: number; daysInPeriod?: number };
  }[] = [
    {
      name: "mid-month upgrade, daily: 16 of November's 30 days left (29*16/30 = 15.466..., 99*16/30 = 52.8)",
      from: starter,
      to: pro,
      at: "2026-11-15T10:00:00Z",
      expected: { creditAmount: "15.47", chargeAmount: "52.80", netAmount: "37.33", daysRemaining: 16, daysInPeriod: 30 },
    },
    {
      name: "mid-month downgrade, daily: the same amounts the other way round, net owed to the client",
      from: pro,
      to: starter,
      at: "2026-11-15T10:00:00Z",
      expected: { creditAmount: "52.80", chargeAmount: "15.47", netAmount: "-37.33" },
    },
    {
      name: "first day of the month, daily: the whole month is credited and charged",
      from: starter,
      to: pro,
      at: "2026-11-01T00:00:00Z",
      expected: { creditAmount: "29.00", chargeAmount: "99.00", netAmount: "70.00", daysRemaining: 30 },
    },
    {
      name: "first instant of the month, exact: the whole month",
      from: starterExact,
      to: proExact,
      at: "2026-11-01T00:00:00Z",
      expected: { creditAmount: "29.00", chargeAmount: "99.00", netAmount: "70.00" },
    },
    {
      name: "last day of the month, daily: one day of 30 counts (29/30 = 0.9666..., 99/30 = 3.3)",
      from: starter,
      to: pro,
      at: "2026-11-30T12:00:00Z",
      expected: { creditAmount: "0.97", chargeAmount: "3.30", netAmount: "2.33", daysRemaining: 1 },
    },
    {
      name: "last day of the month at noon, exact: 12 of 720 hours left (29/60 = 0.4833..., 99/60 = 1.65)",
      from: starterExact,
      to: proExact,
      at: "2026-11-30T12:00:00Z",
      expected: { creditAmount: "0.48", chargeAmount: "1.65", netAmount: "1.17" },
    },
    {
      name: "last millisecond of the month, exact: nothing left to credit or charge",
      from: starterExact,
      to: proExact,
      at: "2026-11-30T23:59:59.999Z",
      expected: { creditAmount: "0.00", chargeAmount: "0.00", netAmount: "0.00" },
    },
    {
      name: "leap-year February 2028, daily: 15 of 29 days (29*15/29 = 15, 99*15/29 = 51.2068...)",
      from: starter,
      to: pro,
      at: "2028-02-15T08:00:00Z",
      expected: { creditAmount: "15.00", chargeAmount: "51.21", netAmount: "36.21", daysRemaining: 15, daysInPeriod: 29 },
    },
    {
      name: "leap day 2028-02-29, daily: the last of 29 days (99/29 = 3.4137...)",
      from: starter,
      to: pro,
      at: "2028-02-29T18:00:00Z",
      expected: { creditAmount: "1.00", chargeAmount: "3.41", netAmount: "2.41", daysRemaining: 1, daysInPeriod: 29 },
    },
    {
      name: "February 2027 (not a leap year), daily: 14 of 28 days",
      from: starter,
      to: pro,
      at: "2027-02-15T08:00:00Z",
      expected: { creditAmount: "14.50", chargeAmount: "49.50", netAmount: "35.00", daysRemaining: 14, daysInPeriod: 28 },
    },
    {
      name: "31-day January, daily: 16 of 31 days (464/31 = 14.967..., 1584/31 = 51.096...)",
      from: starter,
      to: pro,
      at: "2026-01-16T00:00:00Z",
      expected: { creditAmount: "14.97", chargeAmount: "51.10", netAmount: "36.13", daysRemaining: 16, daysInPeriod: 31 },
    },
    {
      name: "31-day January, exact: 15.5 of 31 days is exactly half",
      from: starterExact,
      to: proExact,
      at: "2026-01-16T12:00:00Z",
      expected: { creditAmount: "14.50", chargeAmount: "49.50", netAmount: "35.00" },
    },
    {
      name: "30-day April, daily: 15 of 30 days",
      from: starter,
      to: pro,
      at: "2026-04-16T09:30:00Z",
      expected: { creditAmount: "14.50", chargeAmount: "49.50", netAmount: "35.00", daysRemaining: 15, daysInPeriod: 30 },
    },
    {
      name: "a half cent rounds to even: 10.05/2 = 5.025 -> 5.02 (half-up would say 5.03), 10.15/2 = 5.075 -> 5.08",
      from: plan("a", "10.05"),
      to: plan("b", "10.15"),
      at: "2026-04-16T00:00:00Z",
      expected: { creditAmount: "5.02", chargeAmount: "5.08", netAmount: "0.06" },
    },
    {
      name: "the plan left has no proration: neither credit nor charge",
      from: plan("free", "0", "none"),
      to: pro,
      at: "2026-11-15T10:00:00Z",
      expected: { creditAmount: "0.00", chargeAmount: "0.00", netAmount: "0.00" },
    },
    {
      name: "the mode of the plan left decides: from daily to a 'none' plan is still prorated by day",
      from: starter,
      to: plan("pro", "99", "none"),
      at: "2026-11-15T10:00:00Z",
      expected: { creditAmount: "15.47", chargeAmount: "52.80", netAmount: "37.33" },
    },
    {
      name: "the same plan: a no-op, nothing credited or charged",
      from: starter,
      to: starter,
      at: "2026-11-15T10:00:00Z",
      expected: { creditAmount: "0.00", chargeAmount: "0.00", netAmount: "0.00" },
    },
    {
      name: "a currency without a minor unit (JPY) rounds to whole yen: 3000*16/31 = 1548.38..., 5000*16/31 = 2580.64...",
      from: plan("jp-basic", "3000"),
      to: plan("jp-plus", "5000"),
      at: "2026-01-16T00:00:00Z",
      currency: "JPY",
      expected: { creditAmount: "1548", chargeAmount: "2581", netAmount: "1033" },
    },
  ];

  it.each(cases)("$name", ({ from, to, at, currency, expected }) => {
    const result = prorateChange({ from, to, currency: currency ?? "USD", effectiveAt: new Date(at) });
    expect(result).toMatchObject(expected);
    expect(result.noop).toBe(from.key === to.key);
    expect(result.prorationMode).toBe(from.prorationMode);
  });

  it("reports the UTC calendar month the change falls in", () => {
    const result = prorateChange({ from: starter, to: pro, currency: "USD", effectiveAt: new Date("2028-02-29T23:30:00Z") });
    expect(result.period).toBe("2028-02");
    expect(result.periodStart.toISOString()).toBe("2028-02-01T00:00:00.000Z");
    expect(result.periodEnd.toISOString()).toBe("2028-03-01T00:00:00.000Z");
    expect(result.fraction).toBe(new Decimal(1).div(29).toDecimalPlaces(10).toString());
  });

  it("a change and a change back the same day nets to zero by day, and to the hours spent on the dearer plan exactly", () => {
    const change = (from: TProrationPlan, to: TProrationPlan, at: string) =>
      prorateChange({ from, to, currency: "USD", effectiveAt: new Date(at) });
    const up = change(starter, pro, "2026-11-15T00:00:00Z");
    const back = change(pro, starter, "2026-11-15T12:00:00Z");
    expect([up.netAmount, back.netAmount]).toEqual(["37.33", "-37.33"]);
    expect(new Decimal(up.netAmount).plus(back.netAmount).toFixed(2)).toBe("0.00");

    const upExact = change(starterExact, proExact, "2026-11-15T00:00:00Z");
    const backExact = change(proExact, starterExact, "2026-11-15T12:00:00Z");
    // 16 days left, then 15.5: credit 99*15.5/30 = 51.15, charge 29*15.5/30 = 14.983... -> 14.98.
    expect(upExact).toMatchObject({ creditAmount: "15.47", chargeAmount: "52.80", netAmount: "37.33" });
    expect(backExact).toMatchObject({ creditAmount: "51.15", chargeAmount: "14.98", netAmount: "-36.17" });
    // Half a day on Pro instead of Starter: (99 - 29) / 60 = 1.1666..., to within the two roundings.
    expect(new Decimal(upExact.netAmount).plus(backExact.netAmount).toFixed(2)).toBe("1.16");
  });

  it("refuses an invalid date rather than pricing NaN", () => {
    expect(() => prorateChange({ from: starter, to: pro, currency: "USD", effectiveAt: new Date("nope") })).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------
// Properties, against an independent oracle: exact rational arithmetic in BigInt.
// ---------------------------------------------------------------------------

/** round_half_even(base x numerator / denominator) at `digits` decimals, as a fixed decimal string. */
function oracleAmount(base: string, numerator: bigint, denominator: bigint, digits: number): string {
  const [whole, fraction = ""] = base.split(".");
  const scaledBase = BigInt(`${whole}${fraction}`);
  const n = scaledBase * numerator * 10n ** BigInt(digits);
  const d = 10n ** BigInt(fraction.length) * denominator;
  let q = n / d;
  const r2 = 2n * (n % d);
  if (r2 > d || (r2 === d && q % 2n === 1n)) q += 1n;
  if (digits === 0) return q.toString();
  const text = q.toString().padStart(digits + 1, "0");
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** A base price as an admin writes it: up to 2 decimals (0 for JPY), up to 1,000,000. */
const baseCost = (digits: number) =>
  fc.integer({ min: 0, max: 100_000_000 }).map((minor) => {
    if (digits === 0) return String(minor);
    const text = String(minor).padStart(3, "0");
    return `${text.slice(0, -2)}.${text.slice(-2)}`;
  });

const currencyWithDigits = fc.constantFrom({ currency: "USD", digits: 2 }, { currency: "EUR", digits: 2 }, { currency: "JPY", digits: 0 });
const instant = fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2199-12-31T23:59:59.999Z"), noInvalidDate: true });
const mode = fc.constantFrom<TProrationMode>("none", "daily", "exact");

const scenario = currencyWithDigits.chain(({ currency, digits }) =>
  fc.record({ currency: fc.constant(currency), digits: fc.constant(digits), oldBase: baseCost(digits), newBase: baseCost(digits), mode, at: instant }),
);

describe("prorateChange: properties", () => {
  it("credit <= old base, charge <= new base, credit + charge <= both bases, none negative, net = charge - credit", () => {
    fc.assert(
      fc.property(scenario, ({ currency, oldBase, newBase, mode, at }) => {
        const result = prorateChange({ from: plan("old", oldBase, mode), to: plan("new", newBase, mode), currency, effectiveAt: at });
        const credit = new Decimal(result.creditAmount);
        const charge = new Decimal(result.chargeAmount);
        expect(credit.gte(0) && charge.gte(0)).toBe(true);
        expect(credit.lte(oldBase)).toBe(true);
        expect(charge.lte(newBase)).toBe(true);
        expect(credit.plus(charge).lte(new Decimal(oldBase).plus(newBase))).toBe(true);
        expect(new Decimal(result.netAmount).eq(charge.minus(credit))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it("daily: credit and charge are base x remainingDays / daysInMonth, rounded half-even once", () => {
    fc.assert(
      fc.property(scenario, ({ currency, digits, oldBase, newBase, at }) => {
        const result = prorateChange({ from: plan("old", oldBase), to: plan("new", newBase), currency, effectiveAt: at });
        const daysInMonth = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 0)).getUTCDate();
        const remainingDays = daysInMonth - at.getUTCDate() + 1;
        expect([result.daysInPeriod, result.daysRemaining]).toEqual([daysInMonth, remainingDays]);
        expect(result.creditAmount).toBe(oracleAmount(oldBase, BigInt(remainingDays), BigInt(daysInMonth), digits));
        expect(result.chargeAmount).toBe(oracleAmount(newBase, BigInt(remainingDays), BigInt(daysInMonth), digits));
      }),
      { numRuns: 2_000 },
    );
  });

  it("exact: credit and charge are base x time left / month length, rounded half-even once", () => {
    fc.assert(
      fc.property(scenario, ({ currency, digits, oldBase, newBase, at }) => {
        const result = prorateChange({ from: plan("old", oldBase, "exact"), to: plan("new", newBase), currency, effectiveAt: at });
        const start = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
        const end = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
        const left = BigInt(end - at.getTime());
        expect(result.creditAmount).toBe(oracleAmount(oldBase, left, BigInt(end - start), digits));
        expect(result.chargeAmount).toBe(oracleAmount(newBase, left, BigInt(end - start), digits));
      }),
      { numRuns: 2_000 },
    );
  });

  it("a change and a change back at the same instant cancel out", () => {
    fc.assert(
      fc.property(scenario, ({ currency, oldBase, newBase, mode, at }) => {
        const a = plan("a", oldBase, mode);
        const b = plan("b", newBase, mode);
        const there = prorateChange({ from: a, to: b, currency, effectiveAt: at });
        const back = prorateChange({ from: b, to: a, currency, effectiveAt: at });
        expect(new Decimal(there.netAmount).plus(back.netAmount).isZero()).toBe(true);
      }),
    );
  });
});
