import { describe, expect, it } from "vitest";
import { revenuePeriods } from "./revenue";

describe("revenuePeriods", () => {
  it.each([
    { months: 1, now: "2026-05-15T10:00:00Z", expected: ["2026-04"] },
    { months: 3, now: "2026-05-15T10:00:00Z", expected: ["2026-02", "2026-03", "2026-04"] },
    // The window ends with the last closed month, even on the first instant of a month.
    { months: 2, now: "2026-05-01T00:00:00Z", expected: ["2026-03", "2026-04"] },
    { months: 2, now: "2026-04-30T23:59:59.999Z", expected: ["2026-02", "2026-03"] },
    // Across a year boundary.
    { months: 3, now: "2026-02-03T00:00:00Z", expected: ["2025-11", "2025-12", "2026-01"] },
    { months: 2, now: "2026-01-10T00:00:00Z", expected: ["2025-11", "2025-12"] },
  ])("$months month(s) before $now are $expected", ({ months, now, expected }) => {
    expect(revenuePeriods(months, new Date(now))).toEqual(expected);
  });

  it("holds 36 consecutive months, oldest first", () => {
    const periods = revenuePeriods(36, new Date("2026-05-15T00:00:00Z"));
    expect(periods).toHaveLength(36);
    expect(periods[0]).toBe("2023-05");
    expect(periods[35]).toBe("2026-04");
    expect([...periods].sort()).toEqual(periods);
  });
});
