import { describe, expect, it } from "vitest";
import { defaultPlans } from "@/server/plans/default-plans";
import { checkLimit, ZPlanDefinition, ZPlanLimits, ZPlanPricing, ZProviderChain, ZToolCalls, type TPlanDefinitionInput, type TPlanLimits } from "./plan-config";

const basePlan: TPlanDefinitionInput = {
  key: "team",
  name: "Team",
  limits: { messagesPerMonth: 1000, tokensPerMonth: null, seatsIncluded: 5 },
  features: { llmProvider: "openai", llmModel: "gpt-4o-mini", toolsEnabled: true },
  pricing: {
    baseCost: "49.00",
    currency: "EUR",
    metrics: {
      messages: { unitPrice: "0.002", includedUnits: 500 },
      tokens: {
        unitPrice: "0.01",
        unit: 1000,
        tiers: {
          mode: "graduated",
          tiers: [
            { upTo: 1000, unitPrice: "0.01" },
            { upTo: 10000, unitPrice: "0.008" },
            { upTo: null, unitPrice: "0.005" },
          ],
        },
      },
    },
  },
};

/** basePlan with one part replaced. */
function planWith(patch: Partial<TPlanDefinitionInput>): TPlanDefinitionInput {
  return { ...basePlan, ...patch };
}

function pricingWithTokenTiers(tiers: { upTo: number | null; unitPrice: string }[]) {
  return planWith({
    pricing: { baseCost: "10", currency: "USD", metrics: { tokens: { unitPrice: "0.01", tiers: { mode: "volume", tiers } } } },
  });
}

function issuesOf(input: unknown): { path: string; message: string }[] {
  const result = ZPlanDefinition.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

describe("ZPlanDefinition accepts valid plans", () => {
  it.each(Object.entries(defaultPlans))("the default %s plan parses", (_key, plan) => {
    expect(issuesOf(plan)).toEqual([]);
  });

  it("fills the defaults a config file may leave out", () => {
    const plan = ZPlanDefinition.parse(basePlan);
    expect(plan.alertThresholds).toEqual([80, 100]);
    expect(plan.upgradeMessage).toBe("Please upgrade your plan or contact support");
    expect(plan.sortOrder).toBe(0);
    expect(plan.pricing.usageMultiplier).toBe("1");
    expect(plan.pricing.prorationMode).toBe("daily");
    expect(plan.pricing.metrics.messages).toEqual({ unitPrice: "0.002", includedUnits: 500, unit: 1 });
    expect(plan.pricing.metrics.tokens?.includedUnits).toBe(0);
  });

  it("accepts trailing zeros in a base cost and prices in yen", () => {
    expect(issuesOf(planWith({ pricing: { ...basePlan.pricing, currency: "JPY", baseCost: "3000.00" } }))).toEqual([]);
    expect(issuesOf(planWith({ pricing: { ...basePlan.pricing, currency: "USD", baseCost: "29.50" } }))).toEqual([]);
  });

  it("allows metrics and flags beyond the known ones", () => {
    expect(ZPlanLimits.parse({ seatsIncluded: 5, webhooksPerDay: null })).toEqual({ seatsIncluded: 5, webhooksPerDay: null });
  });
});

describe("ZPlanDefinition refuses bad plans and names the field", () => {
  const cases: { name: string; input: TPlanDefinitionInput | Record<string, unknown>; path: string; message: RegExp }[] = [
    {
      name: "a negative limit",
      input: planWith({ limits: { messagesPerMonth: -1 } }),
      path: "limits.messagesPerMonth",
      message: /0 or more/,
    },
    {
      name: "a limit given as a string",
      input: planWith({ limits: { tokensPerMonth: "1000" as unknown as number } }),
      path: "limits.tokensPerMonth",
      message: /number, or null/,
    },
    {
      name: "a limit past what the counters hold",
      input: planWith({ limits: { messagesPerMonth: 1e20 } }),
      path: "limits.messagesPerMonth",
      message: /at most 99,999,999,999,999/,
    },
    {
      name: "a 30-digit base cost (would overflow the invoice and proration columns)",
      input: planWith({ pricing: { ...basePlan.pricing, baseCost: "1".repeat(30) } }),
      path: "pricing.baseCost",
      message: /less than 10,000,000,000/,
    },
    {
      name: "an upgrade link that runs script",
      input: planWith({ upgradeUrl: "javascript:alert(document.cookie)" }),
      path: "upgradeUrl",
      message: /https:\/\//,
    },
    {
      name: "an upgrade link over plain http to another host",
      input: planWith({ upgradeUrl: "http://example.com/pricing" }),
      path: "upgradeUrl",
      message: /https:\/\//,
    },
    {
      name: "a metric name that is not camelCase",
      input: planWith({ limits: { "messages-per-month": 10 } }),
      path: "limits.messages-per-month",
      message: /camelCase/,
    },
    {
      name: "an unknown provider in the features",
      input: planWith({ features: { llmProvider: "mistral" } }),
      path: "features.llmProvider",
      message: /ollama, anthropic, openai/,
    },
    {
      name: "a base cost given as a JS number",
      input: planWith({ pricing: { ...basePlan.pricing, baseCost: 49.99 as unknown as string } }),
      path: "pricing.baseCost",
      message: /decimal string/,
    },
    {
      name: "a float-like unit price in exponent notation",
      input: planWith({ pricing: { ...basePlan.pricing, metrics: { messages: { unitPrice: "2e-3" } } } }),
      path: "pricing.metrics.messages.unitPrice",
      message: /decimal string/,
    },
    {
      name: "a negative price",
      input: planWith({ pricing: { ...basePlan.pricing, baseCost: "-5" } }),
      path: "pricing.baseCost",
      message: /non-negative/,
    },
    {
      name: "a price with a decimal comma",
      input: planWith({ pricing: { ...basePlan.pricing, baseCost: "49,00" } }),
      path: "pricing.baseCost",
      message: /decimal string/,
    },
    {
      name: "a price with more than 10 decimals",
      input: planWith({ pricing: { ...basePlan.pricing, baseCost: "0.00000000001" } }),
      path: "pricing.baseCost",
      message: /at most 10 decimals/,
    },
    {
      name: "a lowercase currency",
      input: planWith({ pricing: { ...basePlan.pricing, currency: "usd" } }),
      path: "pricing.currency",
      message: /ISO 4217/,
    },
    {
      name: "a currency ISO 4217 does not know",
      input: planWith({ pricing: { ...basePlan.pricing, currency: "XYZ" } }),
      path: "pricing.currency",
      message: /XYZ is not an ISO 4217 currency code/,
    },
    {
      name: "a currency with 3 decimals, which NUMERIC(14,2) amounts cannot hold",
      input: planWith({ pricing: { ...basePlan.pricing, currency: "KWD" } }),
      path: "pricing.currency",
      message: /KWD amounts have 3 decimals/,
    },
    {
      name: "a base cost finer than a cent",
      input: planWith({ pricing: { ...basePlan.pricing, currency: "USD", baseCost: "29.999" } }),
      path: "pricing.baseCost",
      message: /at most 2 decimals, the minor unit of USD/,
    },
    {
      name: "a base cost in yen with decimals",
      input: planWith({ pricing: { ...basePlan.pricing, currency: "JPY", baseCost: "3000.5" } }),
      path: "pricing.baseCost",
      message: /whole number of JPY/,
    },
    {
      name: "fractional included units",
      input: planWith({ pricing: { ...basePlan.pricing, metrics: { messages: { unitPrice: "0.01", includedUnits: 1.5 } } } }),
      path: "pricing.metrics.messages.includedUnits",
      message: /whole number/,
    },
    {
      name: "an unknown proration mode",
      input: planWith({ pricing: { ...basePlan.pricing, prorationMode: "hourly" as "daily" } }),
      path: "pricing.prorationMode",
      message: /none|daily|exact/,
    },
    {
      name: "alert thresholds out of order",
      input: planWith({ alertThresholds: [100, 80] }),
      path: "alertThresholds",
      message: /ascend/,
    },
    {
      name: "an upgrade URL that is not a URL",
      input: planWith({ upgradeUrl: "pricing page" }),
      path: "upgradeUrl",
      message: /URL/,
    },
  ];

  it.each(cases)("refuses $name at $path", ({ input, path, message }) => {
    const issues = issuesOf(input);
    const issue = issues.find((i) => i.path === path);
    expect(issue, `issues were ${JSON.stringify(issues)}`).toBeDefined();
    expect(issue!.message).toMatch(message);
  });
});

describe("a saved plan's prices keep every invoice line's unit price inside NUMERIC(20,10)", () => {
  const pricingWith = (patch: Record<string, unknown>) => planWith({ pricing: { baseCost: "10", currency: "USD", ...patch } });
  it.each([
    ["a unit price of 10,000,000", pricingWith({ metrics: { messages: { unitPrice: "10000000" } } }), "pricing.metrics.messages.unitPrice", /^must be less than 10,000,000 \(times the usage multiplier/],
    [
      "a tier price of 10,000,000",
      pricingWith({ metrics: { tokens: { unitPrice: "1", tiers: { mode: "volume", tiers: [{ upTo: null, unitPrice: "10000000.5" }] } } } }),
      "pricing.metrics.tokens.tiers.tiers.0.unitPrice",
      /^must be less than 10,000,000/,
    ],
    ["a usage multiplier of 1,000", pricingWith({ usageMultiplier: "1000" }), "pricing.usageMultiplier", /^must be less than 1,000$/],
    ["a base cost of 10,000,000,000", pricingWith({ baseCost: "10000000000" }), "pricing.baseCost", /^must be less than 10,000,000,000/],
  ])("refuses %s", (_name, input, path, message) => {
    const issues = issuesOf(input);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(path);
    expect(issues[0]!.message).toMatch(message);
  });

  it("accepts the largest prices and limits, and a stored plan above the saving bounds still reads", () => {
    const largest = {
      baseCost: "9999999999.99",
      currency: "USD",
      usageMultiplier: "999.9999999999",
      metrics: { messages: { unitPrice: "9999999.9999999999" } },
    };
    expect(issuesOf(planWith({ pricing: largest, limits: { messagesPerMonth: 99_999_999_999_999 } }))).toEqual([]);
    expect(ZPlanPricing.safeParse({ ...largest, usageMultiplier: "5000", metrics: { messages: { unitPrice: "99999999" } } }).success).toBe(true);
  });
});

describe("reserved names are refused as limit, feature and price keys, naming the key", () => {
  // JSON.parse makes "__proto__" an own key, as a request body does; an object literal would set the prototype.
  const withKey = (key: string) => JSON.parse(`{ ${JSON.stringify(key)}: 5, "messagesPerMonth": 10 }`) as Record<string, number>;
  it.each(["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"])("%s", (key) => {
    expect(issuesOf(planWith({ limits: withKey(key) }))).toEqual([{ path: `limits.${key}`, message: "is a reserved name; choose another" }]);
    const features = JSON.parse(`{ ${JSON.stringify(key)}: true }`) as Record<string, boolean>;
    expect(issuesOf(planWith({ features }))).toEqual([{ path: `features.${key}`, message: "is a reserved name; choose another" }]);
    const metrics = JSON.parse(`{ ${JSON.stringify(key)}: { "unitPrice": "0.01" } }`) as Record<string, { unitPrice: string }>;
    expect(issuesOf(planWith({ pricing: { ...basePlan.pricing, metrics } }))).toEqual([
      { path: `pricing.metrics.${key}`, message: "is a reserved name; choose another" },
    ]);
  });

  it("names that merely contain one are fine", () => {
    expect(issuesOf(planWith({ limits: { constructorsPerMonth: 5, prototypeRuns: null } }))).toEqual([]);
  });
});

describe("price tiers must cover every quantity exactly once", () => {
  const tierPath = (i: number) => `pricing.metrics.tokens.tiers.tiers.${i}.upTo`;
  const cases = [
    {
      name: "a gap above the last bounded tier",
      tiers: [
        { upTo: 1000, unitPrice: "0.01" },
        { upTo: 5000, unitPrice: "0.008" },
      ],
      path: tierPath(1),
      message: /last tier must be unbounded.*above 5000/,
    },
    {
      name: "an unbounded tier before the last",
      tiers: [
        { upTo: null, unitPrice: "0.01" },
        { upTo: 5000, unitPrice: "0.008" },
        { upTo: null, unitPrice: "0.005" },
      ],
      path: tierPath(0),
      message: /only the last tier may be unbounded/,
    },
    {
      name: "a duplicated bound",
      tiers: [
        { upTo: 1000, unitPrice: "0.01" },
        { upTo: 1000, unitPrice: "0.008" },
        { upTo: null, unitPrice: "0.005" },
      ],
      path: tierPath(1),
      message: /duplicates the previous tier's upTo \(1000\)/,
    },
    {
      name: "descending bounds",
      tiers: [
        { upTo: 5000, unitPrice: "0.01" },
        { upTo: 1000, unitPrice: "0.008" },
        { upTo: null, unitPrice: "0.005" },
      ],
      path: tierPath(1),
      message: /greater than the previous tier's upTo \(5000\)/,
    },
    {
      name: "a zero bound",
      tiers: [
        { upTo: 0, unitPrice: "0.01" },
        { upTo: null, unitPrice: "0.005" },
      ],
      path: tierPath(0),
      message: /greater than 0/,
    },
    {
      name: "a tier price that is a float",
      tiers: [{ upTo: null, unitPrice: 0.005 as unknown as string }],
      path: "pricing.metrics.tokens.tiers.tiers.0.unitPrice",
      message: /decimal string/,
    },
  ];

  it.each(cases)("refuses $name", ({ tiers, path, message }) => {
    const issues = issuesOf(pricingWithTokenTiers(tiers));
    const issue = issues.find((i) => i.path === path);
    expect(issue, `issues were ${JSON.stringify(issues)}`).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it("accepts a single unbounded tier", () => {
    expect(issuesOf(pricingWithTokenTiers([{ upTo: null, unitPrice: "0.01" }]))).toEqual([]);
  });

  it("refuses an empty tier list", () => {
    const result = ZPlanPricing.safeParse({
      baseCost: "1",
      currency: "USD",
      metrics: { tokens: { unitPrice: "1", tiers: { mode: "graduated", tiers: [] } } },
    });
    expect(result.success).toBe(false);
  });
});

describe("client and usage JSON columns", () => {
  it("accepts a provider chain and refuses an unknown provider", () => {
    expect(ZProviderChain.safeParse([{ provider: "openai", model: "gpt-4o" }, { provider: "ollama", model: "llama3.2" }]).success).toBe(true);
    const bad = ZProviderChain.safeParse([{ provider: "openai", model: "gpt-4o" }, { provider: "cohere", model: "x" }]);
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues[0]!.path).toEqual([1, "provider"]);
  });

  it.each([
    [{ search_docs: 2, create_ticket: 1 }, true],
    [{}, true],
    [{ search_docs: -1 }, false],
    [{ search_docs: 1.5 }, false],
    [{ "": 1 }, false],
  ])("tool calls %j valid: %s", (input, valid) => {
    expect(ZToolCalls.safeParse(input).success).toBe(valid);
  });
});

describe("checkLimit", () => {
  const limits: TPlanLimits = { messagesPerMonth: 500, tokensPerMonth: null, toolCallsPerMonth: 0, costLimitUSD: 2.5 };

  it.each([
    { name: "under the limit", metric: "messagesPerMonth", usage: 10, expected: { allowed: true, limit: 500, remaining: 490 } },
    { name: "one below the limit", metric: "messagesPerMonth", usage: 499, expected: { allowed: true, limit: 500, remaining: 1 } },
    { name: "at the limit", metric: "messagesPerMonth", usage: 500, expected: { allowed: false, limit: 500, remaining: 0 } },
    { name: "over the limit (remaining never negative)", metric: "messagesPerMonth", usage: 730, expected: { allowed: false, limit: 500, remaining: 0 } },
    { name: "a zero limit", metric: "toolCallsPerMonth", usage: 0, expected: { allowed: false, limit: 0, remaining: 0 } },
    { name: "a fractional limit", metric: "costLimitUSD", usage: 2, expected: { allowed: true, limit: 2.5, remaining: 0.5 } },
    { name: "an unlimited (null) metric", metric: "tokensPerMonth", usage: 1e12, expected: { allowed: true, limit: null, remaining: null } },
    { name: "an absent metric", metric: "conversationsPerMonth", usage: 5, expected: { allowed: true, limit: null, remaining: null } },
    { name: "an inherited property name", metric: "constructor", usage: 5, expected: { allowed: true, limit: null, remaining: null } },
  ])("$name", ({ metric, usage, expected }) => {
    expect(checkLimit(limits, metric, usage)).toEqual(expected);
  });
});
