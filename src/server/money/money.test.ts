import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_STORED_DECIMALS, minorUnitDigits } from "@/shared/currency";
import { Money, formatDecimal, formatMinorUnits, roundToMinorUnit } from "./money";

describe("minorUnitDigits", () => {
  it.each([
    ["USD", 2],
    ["EUR", 2],
    ["JPY", 0],
    ["KRW", 0],
    ["ISK", 0],
    ["KWD", 3],
    ["BHD", 3],
    ["CLF", 4],
    // ISO 4217, not the runtime's display digits: Intl writes HUF, IDR and COP without decimals.
    ["HUF", 2],
    ["IDR", 2],
    ["COP", 2],
  ])("%s has %i decimals", (currency, digits) => {
    expect(minorUnitDigits(currency)).toBe(digits);
  });

  it("no currency a plan can be priced in has more decimals than the amount columns keep", () => {
    expect(MAX_STORED_DECIMALS).toBe(2);
  });
});

describe("roundToMinorUnit", () => {
  it.each([
    // Half to even: a tie goes to the even neighbour, so ties do not drift up or down.
    ["5.025", "USD", "5.02"],
    ["5.075", "USD", "5.08"],
    ["5.0251", "USD", "5.03"],
    ["-5.025", "USD", "-5.02"],
    ["1548.387", "JPY", "1548"],
    ["1548.5", "JPY", "1548"],
    ["1549.5", "JPY", "1550"],
    ["1.2345", "KWD", "1.234"],
    ["1.2355", "KWD", "1.236"],
  ])("%s %s rounds to %s", (amount, currency, rounded) => {
    expect(roundToMinorUnit(amount, currency).toFixed()).toBe(rounded);
  });

  it("rounds the exact value once: 29 x 16 / 30 is 15.4666..., not a rounded intermediate", () => {
    expect(roundToMinorUnit(new Money(29).times(16).div(30), "USD").toFixed()).toBe("15.47");
  });
});

describe("formatMinorUnits", () => {
  it.each([
    ["15.5", "USD", "15.50"],
    ["0", "USD", "0.00"],
    ["1600", "JPY", "1600"],
    ["1234.5", "JPY", "1234"],
    ["1.5", "KWD", "1.500"],
    ["-15.47", "USD", "-15.47"],
  ])("%s %s is written %s", (amount, currency, written) => {
    expect(formatMinorUnits(amount, currency)).toBe(written);
  });

  it.each([
    ["-0", "USD", "0.00"],
    ["-0.00", "USD", "0.00"],
    // Rounds to zero: still no sign.
    ["-0.001", "USD", "0.00"],
    ["-0.4", "JPY", "0"],
  ])("never writes minus zero: %s %s -> %s", (amount, currency, written) => {
    expect(formatMinorUnits(amount, currency)).toBe(written);
  });

  it("writes every cent amount exactly as it is, without float drift", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }), (cents) => {
        const amount = new Decimal(cents.toString()).div(100);
        expect(new Decimal(formatMinorUnits(amount, "USD")).eq(amount)).toBe(true);
      }),
    );
  });
});

describe("formatDecimal", () => {
  it("without decimals keeps every digit and drops trailing zeros", () => {
    expect(formatDecimal("1234567.000000")).toBe("1234567");
    expect(formatDecimal("0.0000025000")).toBe("0.0000025");
    expect(formatDecimal("-0.000000")).toBe("0");
  });

  it("with decimals rounds half to even to exactly that many", () => {
    expect(formatDecimal("2.5", 2)).toBe("2.50");
    expect(formatDecimal("2.125", 2)).toBe("2.12");
    expect(formatDecimal("2.135", 2)).toBe("2.14");
  });
});

describe("Money", () => {
  it("adds 100,000 of the largest stored amounts exactly, to the cent", () => {
    const largest = new Money("999999999999.99");
    const sum = Array.from({ length: 100_000 }, () => largest).reduce((total, amount) => total.plus(amount), new Money(0));
    expect(sum.toFixed()).toBe("99999999999999000");
    expect(sum.minus("0.01").toFixed()).toBe("99999999999998999.99");
  });

  it("sums stored amounts exactly, whatever they are", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 14n) + 1n, max: 10n ** 14n - 1n }), { maxLength: 200 }), (cents) => {
        const sum = cents.reduce((total, c) => total.plus(new Money(c.toString()).div(100)), new Money(0));
        expect(sum.times(100).toFixed()).toBe(cents.reduce((a, b) => a + b, 0n).toString());
      }),
    );
  });

  it("divides with 64 significant digits, rounding half to even", () => {
    expect(Money.precision).toBe(64);
    expect(Money.rounding).toBe(Decimal.ROUND_HALF_EVEN);
    expect(new Money(1).div(3).toFixed()).toBe(`0.${"3".repeat(64)}`);
  });
});
