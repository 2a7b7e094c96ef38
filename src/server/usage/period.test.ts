import { describe, expect, it } from "vitest";
import { periodOf, periodRange, recentPeriods } from "./period";

describe("billing periods", () => {
  it("a period is the UTC calendar month of an instant", () => {
    expect(periodOf(new Date("2026-02-28T23:59:59.999Z"))).toBe("2026-02");
    expect(periodOf(new Date("2026-03-01T00:00:00.000Z"))).toBe("2026-03");
  });

  it("a period's range is [first instant, first instant of the next month)", () => {
    expect(periodRange("2028-02")).toEqual({
      start: new Date("2028-02-01T00:00:00.000Z"),
      end: new Date("2028-03-01T00:00:00.000Z"),
    });
    expect(periodRange("2026-12").end).toEqual(new Date("2027-01-01T00:00:00.000Z"));
  });

  it("refuses a malformed period", () => {
    expect(() => periodRange("2026-13")).toThrow(/YYYY-MM/);
    expect(() => periodRange("26-01")).toThrow(/YYYY-MM/);
  });

  it("recent periods run oldest first across a year boundary", () => {
    expect(recentPeriods(3, new Date("2027-01-15T00:00:00Z"))).toEqual(["2026-11", "2026-12", "2027-01"]);
  });
});
