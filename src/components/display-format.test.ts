import { describe, expect, it } from "vitest";
import { formatAmount, formatCount, formatDateTime, formatMetricName, formatMoney, formatPeriod, formatUnitPrice } from "@/components/display-format";

describe("formatMoney", () => {
  it.each([
    ["0", "USD", undefined, "$0.00"],
    ["0.0000000000", "USD", undefined, "$0.00"],
    ["1234.5", "USD", undefined, "$1,234.50"],
    // Between zero and one unit a usage cost keeps four decimals.
    ["0.146", "USD", undefined, "$0.1460"],
    ["0.0042123", "USD", undefined, "$0.0042"],
    // Not zero, but below what four decimals can show.
    ["0.0000031", "USD", undefined, "<$0.0001"],
    ["12.345", "EUR", undefined, "€12.35"],
    ["0.146", "USD", 2, "$0.15"],
    // Beyond a double's 15-17 significant digits: formatted from the string, not a float.
    ["12345678901234567.125", "USD", 2, "$12,345,678,901,234,567.13"],
    // Each currency with its own decimals (ISO 4217), as the invoice PDF prints it.
    ["1234.5", "JPY", undefined, "¥1,235"],
    ["1600.00", "JPY", undefined, "¥1,600"],
    ["1.5", "KWD", undefined, "KWD\u00a01.500"],
    // ISO gives HUF 2 decimals, where Intl alone would write none.
    ["1234.5", "HUF", undefined, "HUF\u00a01,234.50"],
    // A fraction of one unit: two decimals more than the currency has.
    ["0.146", "JPY", undefined, "¥0.15"],
    ["0.001", "JPY", undefined, "<¥0.01"],
    ["0.12345", "KWD", undefined, "KWD\u00a00.12345"],
  ])("%s %s (%s digits) -> %s", (value, currency, digits, expected) => {
    expect(formatMoney(value, currency, digits)).toBe(expected);
  });
});

describe("formatAmount", () => {
  it.each([
    ["1234.5", "USD", "$1,234.50"],
    ["0.5", "USD", "$0.50"],
    ["0", "USD", "$0.00"],
    ["-15.47", "USD", "-$15.47"],
    ["1234.5", "JPY", "¥1,235"],
    ["1234.00", "JPY", "¥1,234"],
    ["-1600", "JPY", "-¥1,600"],
    ["1.5", "KWD", "KWD\u00a01.500"],
    ["1.2345", "KWD", "KWD\u00a01.235"],
    ["12.345", "EUR", "€12.35"],
  ])("an invoice amount %s %s shows the currency's decimals: %s", (value, currency, expected) => {
    expect(formatAmount(value, currency)).toBe(expected);
  });
});

describe("formatUnitPrice", () => {
  it("shows every significant decimal of a price per token", () => {
    expect(formatUnitPrice("0.0000025000")).toBe("$0.0000025");
    expect(formatUnitPrice("3.0000000000")).toBe("$3.00");
  });
});

describe("formatCount, formatPeriod, formatMetricName", () => {
  it("drops a counter's stored decimals", () => expect(formatCount("12345.0000000000")).toBe("12,345"));
  it("writes a period as month and year", () => expect(formatPeriod("2026-01")).toBe("Jan 2026"));
  it("leaves a malformed period as it is", () => expect(formatPeriod("2026-1")).toBe("2026-1"));
  it("turns camelCase limit names into words", () => {
    expect(formatMetricName("messagesPerMonth")).toBe("Messages per month");
    expect(formatMetricName("costLimitUSD")).toBe("Cost limit USD");
  });
});

describe("formatDateTime", () => {
  it("writes the first minutes of a day as 00:xx, not 24:xx", () => {
    expect(formatDateTime(new Date("2026-12-01T00:05:00Z"))).toBe("Dec 1, 2026, 00:05 UTC");
    expect(formatDateTime(new Date("2028-02-29T23:55:00Z"))).toBe("Feb 29, 2028, 23:55 UTC");
  });
});
