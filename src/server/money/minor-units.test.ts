import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromMinorUnits, toMinorUnits } from "./minor-units";

describe("minor units", () => {
  it.each([
    ["123.45", "USD", 12345],
    ["0.10", "EUR", 10],
    ["19.99", "usd", 1999],
    ["1000", "JPY", 1000],
    ["1.234", "KWD", 1234],
    ["0.07", "USD", 7],
  ])("%s %s is %i minor units", (amount, currency, minor) => {
    expect(toMinorUnits(amount, currency)).toBe(minor);
  });

  it("refuses more decimals than the currency has instead of rounding", () => {
    expect(() => toMinorUnits("12.345", "USD")).toThrow(/more decimals/);
    expect(() => toMinorUnits("10.5", "JPY")).toThrow(/more decimals/);
  });

  it("fromMinorUnits prints the currency's decimals", () => {
    expect(fromMinorUnits(12345, "USD")).toBe("123.45");
    expect(fromMinorUnits(5, "USD")).toBe("0.05");
    expect(fromMinorUnits(500, "JPY")).toBe("500");
    expect(fromMinorUnits(1234, "BHD")).toBe("1.234");
  });

  it("round-trips every cent amount exactly (no float drift)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999_99 }), (cents) => {
        const major = fromMinorUnits(cents, "USD");
        expect(toMinorUnits(major, "USD")).toBe(cents);
        expect(new Decimal(major).times(100).toNumber()).toBe(cents);
      }),
    );
  });
});
