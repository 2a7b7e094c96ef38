import { describe, expect, it } from "vitest";
import { formatInvoiceNumber, resolvePlanAtStart } from "./issue-invoices";

const pricing = (baseCost: string) => ({ baseCost, currency: "USD", metrics: {} });
const START = new Date("2026-10-01T00:00:00Z");
const VERSIONS = [
  { planKey: "pro", version: 1, pricing: pricing("90"), createdAt: new Date("2026-01-01T00:00:00Z") },
  { planKey: "pro", version: 2, pricing: pricing("99"), createdAt: new Date("2026-09-15T00:00:00Z") },
  { planKey: "pro", version: 3, pricing: pricing("109"), createdAt: new Date("2026-10-10T00:00:00Z") },
  { planKey: "seeded", version: 1, pricing: pricing("29"), createdAt: new Date("2026-11-25T00:00:00Z") },
  { planKey: "seeded", version: 2, pricing: pricing("39"), createdAt: new Date("2026-11-26T00:00:00Z") },
];

describe("resolvePlanAtStart", () => {
  it("takes the latest version created at or before the period start, not a later edit", () => {
    expect(resolvePlanAtStart("pro", null, VERSIONS, undefined, START)).toMatchObject({ version: 2, pricing: { baseCost: "99" } });
  });

  it("takes the plan change's from-version when the client changed plan since the period start", () => {
    expect(resolvePlanAtStart("pro", 3, VERSIONS, undefined, START)).toMatchObject({ version: 3, pricing: { baseCost: "109" } });
  });

  it("takes the first version when every snapshot is newer than the period (plans seeded after the usage)", () => {
    expect(resolvePlanAtStart("seeded", null, VERSIONS, undefined, START)).toMatchObject({ version: 1, pricing: { baseCost: "29" } });
  });

  it("falls back to the live plan without snapshots, unless a plan change names another version", () => {
    const live = { version: 4, pricing: pricing("10") };
    expect(resolvePlanAtStart("bare", null, VERSIONS, live, START)).toMatchObject({ version: 4, pricing: { baseCost: "10" } });
    expect(resolvePlanAtStart("bare", 4, VERSIONS, live, START)).toMatchObject({ version: 4 });
    expect(resolvePlanAtStart("bare", 3, VERSIONS, live, START)).toBeNull();
    expect(resolvePlanAtStart("bare", null, VERSIONS, undefined, START)).toBeNull();
  });
});

describe("formatInvoiceNumber", () => {
  it("pads to six digits", () => {
    expect(formatInvoiceNumber(2026, 123)).toBe("INV-2026-000123");
    expect(formatInvoiceNumber(2027, 1)).toBe("INV-2027-000001");
  });
});
