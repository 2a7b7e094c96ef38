import Decimal from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { minorUnitDigits } from "@/shared/currency";
import { ZPlanPricing, ZSavedPlanPricing, MAX_LIMIT, type TPlanPricingInput } from "@/shared/plan-config";
import { findInvoiceOverflow, priceUsage, type TPricedPlanChange } from "./pricing";

const pricing = (input: TPlanPricingInput) => ZPlanPricing.parse(input);

const STARTER = pricing({
  baseCost: "29",
  currency: "USD",
  metrics: {
    messages: { unitPrice: "0.002", includedUnits: 2_000 },
    tokens: { unitPrice: "0.0010", includedUnits: 1_000_000, unit: 1_000 },
  },
});

const tokenTiers = (mode: "graduated" | "volume") =>
  pricing({
    baseCost: "99",
    currency: "USD",
    metrics: {
      tokens: {
        unitPrice: "0.008",
        includedUnits: 3_000_000,
        unit: 1_000,
        tiers: {
          mode,
          tiers: [
            { upTo: 5_000_000, unitPrice: "0.008" },
            { upTo: 20_000_000, unitPrice: "0.007" },
            { upTo: null, unitPrice: "0.006" },
          ],
        },
      },
    },
  });

const amounts = (result: ReturnType<typeof priceUsage>) => result.lines.map((line) => [line.kind, line.metric, line.amount]);

describe("priceUsage", () => {
  it.each([
    // [name, pricing, usage, expected lines (kind, metric, amount), total]
    ["a free plan with no usage is one zero base line", pricing({ baseCost: "0", currency: "USD" }), {}, [["base", null, "0.00"]], "0.00"],
    [
      "included units are free; the rest is priced per unit",
      STARTER,
      { messages: "3500", tokens: "2500000" },
      [["base", null, "29.00"], ["usage", "messages", "3.00"], ["usage", "tokens", "1.50"]],
      "33.50",
    ],
    [
      "usage within the included units costs nothing; unpriced metrics are ignored",
      STARTER,
      { messages: "2000", tokens: "999999", toolCalls: "5000" },
      [["base", null, "29.00"], ["usage", "messages", "0.00"], ["usage", "tokens", "0.00"]],
      "29.00",
    ],
    [
      "zero usage still shows each priced metric",
      STARTER,
      {},
      [["base", null, "29.00"], ["usage", "messages", "0.00"], ["usage", "tokens", "0.00"]],
      "29.00",
    ],
    [
      "graduated tiers price each slice at its own rate (5M x 0.008 + 2M x 0.007 per 1,000)",
      tokenTiers("graduated"),
      { tokens: "10000000" },
      [["base", null, "99.00"], ["usage", "tokens", "54.00"]],
      "153.00",
    ],
    [
      "volume tiers price every unit at the tier reached (7M x 0.007 per 1,000)",
      tokenTiers("volume"),
      { tokens: "10000000" },
      [["base", null, "99.00"], ["usage", "tokens", "49.00"]],
      "148.00",
    ],
    [
      "graduated into the unbounded tier (5M x 0.008 + 15M x 0.007 + 2M x 0.006)",
      tokenTiers("graduated"),
      { tokens: "25000000" },
      [["base", null, "99.00"], ["usage", "tokens", "157.00"]],
      "256.00",
    ],
    [
      "a volume tier bound is inclusive (5M billable stays in the first tier)",
      tokenTiers("volume"),
      { tokens: "8000000" },
      [["base", null, "99.00"], ["usage", "tokens", "40.00"]],
      "139.00",
    ],
    [
      "half-even: 0.125 rounds to 0.12, 0.135 to 0.14",
      pricing({ baseCost: "0", currency: "USD", metrics: { a: { unitPrice: "0.025" }, b: { unitPrice: "0.027" } } }),
      { a: "5", b: "5" },
      [["base", null, "0.00"], ["usage", "a", "0.12"], ["usage", "b", "0.14"]],
      "0.26",
    ],
    [
      "the multiplier applies before the one rounding (0.004 x 1.5 = 0.006 -> 0.01, not 0.00)",
      pricing({ baseCost: "10", currency: "USD", usageMultiplier: "1.5", metrics: { messages: { unitPrice: "0.004" } } }),
      { messages: "1" },
      [["base", null, "10.00"], ["usage", "messages", "0.01"]],
      "10.01",
    ],
    [
      "the multiplier does not apply to the base price",
      pricing({ baseCost: "10", currency: "USD", usageMultiplier: "1.2", metrics: { messages: { unitPrice: "0.01" } } }),
      { messages: "1000" },
      [["base", null, "10.00"], ["usage", "messages", "12.00"]],
      "22.00",
    ],
    [
      "JPY rounds to whole yen, half-even (2.5 -> 2, 1.5 -> 2)",
      pricing({ baseCost: "1000", currency: "JPY", metrics: { a: { unitPrice: "0.5" }, b: { unitPrice: "0.5" } } }),
      { a: "5", b: "3" },
      [["base", null, "1000"], ["usage", "a", "2"], ["usage", "b", "2"]],
      "1004",
    ],
    [
      "fractional counters (costUsd) are priced exactly",
      pricing({ baseCost: "0", currency: "USD", metrics: { costUsd: { unitPrice: "1.3" } } }),
      { costUsd: new Decimal("12.3456789012") },
      [["base", null, "0.00"], ["usage", "costUsd", "16.05"]],
      "16.05",
    ],
  ] as const)("%s", (_name, plan, usage, expected, total) => {
    const result = priceUsage(plan, usage);
    expect(amounts(result)).toEqual(expected);
    expect(result.total).toBe(total);
  });

  it("a plan change of the period adds a credit line and a proration line", () => {
    const changes: TPricedPlanChange[] = [
      { id: "b", fromPlanKey: "starter", toPlanKey: "pro", effectiveAt: new Date("2026-10-16T10:00:00Z"), creditAmount: "15.90", chargeAmount: "54.29" },
      { id: "a", fromPlanKey: "free", toPlanKey: "starter", effectiveAt: new Date("2026-10-02T10:00:00Z"), creditAmount: "0", chargeAmount: "0" },
    ];
    const result = priceUsage(STARTER, {}, changes);
    expect(amounts(result)).toEqual([
      ["base", null, "29.00"],
      ["usage", "messages", "0.00"],
      ["usage", "tokens", "0.00"],
      ["credit", null, "-15.90"],
      ["proration", null, "54.29"],
    ]);
    expect(result.total).toBe("67.39");
    expect(result.lines[3]!.metadata).toMatchObject({ planChangeId: "b" });
  });

  it("a downgrade can make the total negative (a credit owed to the client)", () => {
    const result = priceUsage(pricing({ baseCost: "0", currency: "USD" }), {}, [
      { id: "x", fromPlanKey: "pro", toPlanKey: "free", effectiveAt: new Date("2026-10-02T00:00:00Z"), creditAmount: "95.81", chargeAmount: "0.00" },
    ]);
    expect(result.total).toBe("-95.81");
  });

  it("refuses negative usage", () => {
    expect(() => priceUsage(STARTER, { messages: "-1" })).toThrow(RangeError);
  });

  it("the tier breakdown is kept on the line", () => {
    const line = priceUsage(tokenTiers("graduated"), { tokens: "10000000" }).lines[1]!;
    expect(line.quantity).toBe("7000000");
    expect(line.unitPrice).toBe("0.0077142857");
    expect(line.metadata).toMatchObject({ tierMode: "graduated", tiers: [{ units: "5000000" }, { units: "2000000" }] });
  });
});

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

const decimalString = (maxInt: number, decimals: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: maxInt }), fc.integer({ min: 0, max: 10 ** decimals - 1 }))
    .map(([int, frac]) => (decimals === 0 ? String(int) : `${int}.${String(frac).padStart(decimals, "0")}`));

const arbTiers = fc
  .tuple(fc.constantFrom("graduated" as const, "volume" as const), fc.uniqueArray(fc.integer({ min: 1, max: 10_000_000 }), { minLength: 0, maxLength: 3 }), fc.array(decimalString(1, 6), { minLength: 4, maxLength: 4 }))
  .map(([mode, bounds, prices]) => ({
    mode,
    tiers: [...[...bounds].sort((a, b) => a - b), null].map((upTo, i) => ({ upTo, unitPrice: prices[i]! })),
  }));

const arbMetricPrice = fc.record({
  unitPrice: decimalString(2, 10),
  includedUnits: fc.integer({ min: 0, max: 1_000_000 }),
  unit: fc.constantFrom(1, 1000, 1_000_000),
  tiers: fc.option(arbTiers, { nil: undefined }),
});

const arbPricing = fc
  .record({
    currency: fc.constantFrom("USD", "EUR", "JPY"),
    base: fc.integer({ min: 0, max: 100_000 }),
    usageMultiplier: decimalString(3, 4),
    metrics: fc.dictionary(fc.constantFrom("messages", "tokens", "toolCalls", "costUsd", "conversations"), arbMetricPrice, { maxKeys: 5 }),
  })
  .map(({ currency, base, usageMultiplier, metrics }) =>
    pricing({ baseCost: minorUnitDigits(currency) === 0 ? String(base) : (base / 100).toFixed(2), currency, usageMultiplier, metrics }),
  );

const arbUsage = fc.dictionary(fc.constantFrom("messages", "tokens", "toolCalls", "costUsd", "conversations"), decimalString(50_000_000, 4));

const arbChanges = fc.array(
  fc.record({
    id: fc.uuid(),
    fromPlanKey: fc.constant("a"),
    toPlanKey: fc.constant("b"),
    effectiveAt: fc.date({ min: new Date("2026-10-01T00:00:00Z"), max: new Date("2026-10-31T23:59:59Z"), noInvalidDate: true }),
    creditAmount: fc.integer({ min: 0, max: 100_000 }).map(String),
    chargeAmount: fc.integer({ min: 0, max: 100_000 }).map(String),
  }),
  { maxLength: 3 },
);

describe("priceUsage properties", () => {
  it("the total equals the sum of the lines, and no line has more decimals than the currency", () => {
    fc.assert(
      fc.property(arbPricing, arbUsage, arbChanges, (plan, usage, changes) => {
        const result = priceUsage(plan, usage, changes);
        const digits = minorUnitDigits(plan.currency);
        const sum = result.lines.reduce((acc, line) => acc.plus(line.amount), new Decimal(0));
        expect(new Decimal(result.total).eq(sum)).toBe(true);
        for (const amount of [...result.lines.map((line) => line.amount), result.total]) {
          expect(new Decimal(amount).decimalPlaces()).toBeLessThanOrEqual(digits);
          expect(amount).toMatch(digits === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${digits}}$`));
        }
      }),
      { numRuns: 2000 },
    );
  }, 60_000);

  it("each usage line is within half a minor unit of its exact amount", () => {
    fc.assert(
      fc.property(arbPricing, arbUsage, (plan, usage) => {
        const half = new Decimal(10).pow(-minorUnitDigits(plan.currency)).div(2);
        for (const line of priceUsage(plan, usage).lines.filter((l) => l.kind === "usage")) {
          const price = plan.metrics[line.metric!]!;
          const raw = new Decimal(usage[line.metric!] ?? 0);
          const billable = Decimal.max(0, raw.minus(price.includedUnits));
          // Flat price only: an independent formula (tiers are covered by the table above).
          if (price.tiers) continue;
          const exact = billable.div(price.unit).times(price.unitPrice).times(plan.usageMultiplier);
          expect(exact.minus(line.amount).abs().lte(half)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  }, 60_000);
});

describe("findInvoiceOverflow: what the invoice columns cannot hold", () => {
  // The largest prices a plan may be saved with.
  const largest = ZSavedPlanPricing.parse({
    baseCost: "9999999999.99",
    currency: "USD",
    usageMultiplier: "999.9999999999",
    metrics: {
      messages: { unitPrice: "9999999.9999999999" },
      tokens: { unitPrice: "9999999.9999999999", tiers: { mode: "graduated", tiers: [{ upTo: 10, unitPrice: "0.0000000001" }, { upTo: null, unitPrice: "9999999.9999999999" }] } },
    },
  });
  const change: TPricedPlanChange = { id: "c1", fromPlanKey: "a", toPlanKey: "b", effectiveAt: new Date("2026-10-15T00:00:00Z"), creditAmount: "9999999999.99", chargeAmount: "9999999999.99" };

  it.each([
    ["the largest saved prices, no usage, two plan changes", {}, [change, { ...change, id: "c2" }], null],
    ["the largest saved prices and 90 units", { messages: "90" }, [change], null],
    ["a usage line past 10^12", { messages: "101" }, [], /^the messages line comes to 1009999999\d{3}\.\d\d USD, and an invoice line must stay below 1,000,000,000,000$/],
    ["lines that fit but a total that does not", { messages: "60", tokens: "60" }, [], /the total comes to .* USD, and an invoice total must stay below 1,000,000,000,000/],
  ] as const)("%s", (_name, usage, changes, expected) => {
    const overflow = findInvoiceOverflow(priceUsage(largest, usage, changes));
    if (expected === null) expect(overflow).toBeNull();
    else expect(overflow).toMatch(expected);
  });

  it("with any saved prices, every unit price and quantity fits at usage up to the largest limit; only amounts can overflow", () => {
    const arbDecimal = (digits: number) =>
      fc.tuple(fc.bigInt({ min: 0n, max: 10n ** BigInt(digits) - 1n }), fc.bigInt({ min: 0n, max: 10n ** 10n - 1n })).map(([int, frac]) => `${int}.${frac.toString().padStart(10, "0")}`);
    fc.assert(
      fc.property(arbDecimal(7), arbDecimal(3), fc.integer({ min: 1, max: 1000 }), fc.bigInt({ min: 0n, max: BigInt(MAX_LIMIT) }), (unitPrice, usageMultiplier, unit, usage) => {
        const plan = ZSavedPlanPricing.parse({ baseCost: "9999999999.99", currency: "USD", usageMultiplier, metrics: { messages: { unitPrice, unit } } });
        const overflow = findInvoiceOverflow(priceUsage(plan, { messages: usage.toString() }));
        expect(overflow ?? "").not.toMatch(/unit price|quantity/);
      }),
      { numRuns: 500 },
    );
  });
});
