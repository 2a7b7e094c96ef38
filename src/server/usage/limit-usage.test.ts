import { describe, expect, it } from "vitest";
import { forecastLimitDate, limitLevel, percentOfLimit, remainingOfLimit } from "./limit-usage";

describe("percent of a limit", () => {
  it.each([
    ["0", "1000", "0"],
    ["500", "1000", "50"],
    ["799", "1000", "79.9"],
    // Rounded down: the limit still admits requests at 99.96%.
    ["9996", "10000", "99.9"],
    ["1000", "1000", "100"],
    ["1500", "1000", "150"],
    ["1", "3", "33.3"],
    // Cost limits keep 10 decimals of USD.
    ["4.9999999999", "5", "99.9"],
    ["0", "0", "0"],
    ["1", "0", "100"],
  ])("%s of %s is %s%%", (used, limit, percent) => {
    expect(percentOfLimit(used, limit)).toBe(percent);
  });

  it("what remains is the limit minus the usage, never below zero", () => {
    expect(remainingOfLimit("300", "1000")).toBe("700");
    expect(remainingOfLimit("1200", "1000")).toBe("0");
    expect(remainingOfLimit("0.0000000001", "5")).toBe("4.9999999999");
  });

  it.each([
    ["79.9", [80, 100], "ok"],
    ["80", [80, 100], "warning"],
    ["99.9", [80, 100], "warning"],
    ["100", [80, 100], "over"],
    ["150", [80, 100], "over"],
    ["50", [50, 90], "warning"],
    ["95", [100], "ok"],
    ["85", [], "warning"],
  ] as const)("%s%% with thresholds %j is %s", (percent, thresholds, level) => {
    expect(limitLevel(percent, thresholds)).toBe(level);
  });
});

describe("forecast of the day a monthly limit is reached at the current rate", () => {
  it.each([
    // Half the limit after 10 of 30 days: the rest takes another 10 days.
    { used: "500", limit: "1000", period: "2026-11", now: "2026-11-11T00:00:00Z", expected: { status: "will_reach", date: "2026-11-21" } },
    // A third after 10 days: reached exactly at the period's end, which is the next period.
    { used: "1000", limit: "3000", period: "2026-11", now: "2026-11-11T00:00:00Z", expected: { status: "not_this_period", date: null } },
    { used: "1001", limit: "3000", period: "2026-11", now: "2026-11-11T00:00:00Z", expected: { status: "will_reach", date: "2026-11-30" } },
    // Leap February: 28 days at 1 a day from the 1st ends on the 29th, still inside the month.
    { used: "10", limit: "28", period: "2028-02", now: "2028-02-11T00:00:00Z", expected: { status: "will_reach", date: "2028-02-29" } },
    // Five minutes into the month at a brisk pace.
    { used: "10", limit: "1000", period: "2026-11", now: "2026-11-01T00:05:00Z", expected: { status: "will_reach", date: "2026-11-01" } },
    // Five minutes before the month ends.
    { used: "999", limit: "1000", period: "2028-02", now: "2028-02-29T23:55:00Z", expected: { status: "not_this_period", date: null } },
    { used: "1000", limit: "1000", period: "2026-11", now: "2026-11-11T00:00:00Z", expected: { status: "reached", date: null } },
    { used: "1200", limit: "1000", period: "2026-11", now: "2026-11-11T00:00:00Z", expected: { status: "reached", date: null } },
    { used: "0", limit: "1000", period: "2026-11", now: "2026-11-20T00:00:00Z", expected: { status: "not_this_period", date: null } },
    { used: "0", limit: "0", period: "2026-11", now: "2026-11-20T00:00:00Z", expected: { status: "reached", date: null } },
    // Cost in USD with 10 decimals.
    { used: "2.5000000000", limit: "5", period: "2026-12", now: "2026-12-08T12:00:00Z", expected: { status: "will_reach", date: "2026-12-16" } },
    // A period that is over (or not begun) has no rate to extrapolate.
    { used: "10", limit: "1000", period: "2026-10", now: "2026-11-11T00:00:00Z", expected: { status: "not_this_period", date: null } },
  ])("$used of $limit in $period at $now: $expected.status $expected.date", ({ used, limit, period, now, expected }) => {
    expect(forecastLimitDate({ used, limit, period, now: new Date(now) })).toEqual(expected);
  });
});
