// Zod schemas for the JSON columns of PlanConfig (limits, features, pricing), of
// Client.fallbackChain and of UsageEvent.toolCalls, plus the pure limit check.
//
// Money in a plan is a decimal string ("0.002"), never a JS number: a float cannot
// hold 0.1 exactly, and prices are multiplied by millions of units. Callers turn
// the strings into Prisma.Decimal / decimal.js values.
import { z } from "zod";
import { RESERVED_KEY_MESSAGE, isReservedKey } from "./reserved-keys";
import { MAX_STORED_DECIMALS, isIsoCurrency, minorUnitDigits } from "./currency";
import { LLM_PROVIDERS, ZLlmProvider } from "./llm-providers";
import { ZPlanOptimization } from "./plan-optimization";

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

/** Limits the platform knows how to enforce; plans may carry others (camelCase). */
export const PLAN_LIMIT_METRICS = [
  "conversationsPerMonth",
  "messagesPerMonth",
  "tokensPerMonth",
  "toolCallsPerMonth",
  "costLimitUSD",
  "requestsPerMinute",
  "integrationsEnabled",
] as const;
export type TPlanLimitMetric = (typeof PLAN_LIMIT_METRICS)[number];

/** Metrics kept in UsageCounter per (client, 'YYYY-MM'); pricing keys use these names. */
export const USAGE_METRICS = [
  "messages",
  "conversations",
  "inputTokens",
  "outputTokens",
  "tokens",
  "toolCalls",
  "costUsd",
] as const;
export type TUsageMetric = (typeof USAGE_METRICS)[number];

export { LLM_PROVIDERS, ZLlmProvider, type TLlmProvider } from "./llm-providers";

const METRIC_NAME = /^[a-zA-Z][a-zA-Z0-9]*$/;

/**
 * A record keyed by camelCase names. Keys are checked here rather than with a key
 * schema so that the issue sits at the key's own path with a readable message
 * (zod's key schema reports only "Invalid key in record"). Reserved names (__proto__,
 * constructor, prototype...) are refused on the input as sent: zod's record drops a
 * "__proto__" key before any check of its result could see it.
 */
function metricRecord<T extends z.ZodType>(value: T) {
  const record = z.record(z.string(), value).superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      if (!METRIC_NAME.test(key)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "must be a camelCase name of letters and digits, e.g. messagesPerMonth",
        });
      }
    }
  });
  const checked = z
    .unknown()
    .superRefine((input, ctx) => {
      if (input === null || typeof input !== "object" || Array.isArray(input)) return;
      for (const key of Object.keys(input)) {
        if (isReservedKey(key)) ctx.addIssue({ code: "custom", path: [key], message: RESERVED_KEY_MESSAGE });
      }
    })
    .pipe(record);
  // Parses exactly like `record` once the keys are checked; the cast keeps its input type for callers.
  return checked as unknown as z.ZodType<z.output<typeof record>, z.input<typeof record>>;
}

// ---------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------

const DECIMAL_STRING = /^\d+(\.\d{1,10})?$/;
const DECIMAL_STRING_MESSAGE = 'must be a non-negative decimal string with at most 10 decimals, such as "0.002" (no sign, exponent or comma)';

/** Digits before the point, leading zeros aside: "0012.50" -> 2. Only for strings matching DECIMAL_STRING. */
function integerDigits(value: string): number {
  return value.split(".")[0]!.replace(/^0+(?=\d)/, "").length;
}

/** 10^digits with thousands separators: 7 -> "10,000,000". */
function powerOfTenInWords(digits: number): string {
  return `1${"0".repeat(digits)}`.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * A non-negative decimal string below 10^maxIntegerDigits. One check, so text that is
 * not a decimal gets the one format message (a refinement would run after a failed
 * format check too, and add a second message).
 */
function decimalStringBelow(maxIntegerDigits: number) {
  const bound = powerOfTenInWords(maxIntegerDigits);
  return z
    .string({
      error: (issue) =>
        issue.input === undefined ? "is required" : 'must be a decimal string such as "0.002", not a number',
    })
    .superRefine((value, ctx) => {
      if (!DECIMAL_STRING.test(value)) ctx.addIssue({ code: "custom", message: DECIMAL_STRING_MESSAGE });
      else if (integerDigits(value) > maxIntegerDigits) {
        ctx.addIssue({ code: "custom", message: `must be less than ${bound} (at most ${maxIntegerDigits} digits before the point)` });
      }
    });
}

/**
 * A non-negative decimal string that fits NUMERIC(20,10) (unit prices are stored so on
 * invoice lines): at most 10 digits before the point and 10 after: "29", "0.002".
 */
export const ZDecimalString = decimalStringBelow(10);

/** A limit fits the counters it is compared with (NUMERIC(24,10): 14 digits before the point). */
export const MAX_LIMIT = 99_999_999_999_999;

/**
 * Where a plan's upgrade link may point: https, or http on this machine (a local demo).
 * Anything else (javascript:, data:, file:) would run or leak in the widget's page.
 */
export const ZUpgradeUrl = z.url("must be a URL").refine((value) => {
  if (!URL.canParse(value)) return true; // z.url has said so
  const url = new URL(value);
  return url.protocol === "https:" || (url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname));
}, "must be an https:// URL (http:// only for localhost)");

/** An ISO 4217 code whose amounts fit the stored NUMERIC(14,2) columns (so not KWD, BHD...). */
export const ZCurrency = z.string({ error: "must be a 3-letter uppercase ISO 4217 code, e.g. USD" }).superRefine((code, ctx) => {
  if (!/^[A-Z]{3}$/.test(code)) {
    ctx.addIssue({ code: "custom", message: "must be a 3-letter uppercase ISO 4217 code, e.g. USD" });
  } else if (!isIsoCurrency(code)) {
    ctx.addIssue({ code: "custom", message: `${code} is not an ISO 4217 currency code (e.g. USD, EUR, GBP, JPY)` });
  } else if (minorUnitDigits(code) > MAX_STORED_DECIMALS) {
    ctx.addIssue({
      code: "custom",
      message: `${code} amounts have ${minorUnitDigits(code)} decimals; invoices keep at most ${MAX_STORED_DECIMALS}, so plans cannot be priced in ${code}`,
    });
  }
});

/** Decimals a decimal string really uses: "29.50" -> 1, "29.00" -> 0. */
function significantDecimals(value: string): number {
  const fraction = value.split(".")[1] ?? "";
  return fraction.replace(/0+$/, "").length;
}

// ---------------------------------------------------------------------------
// Limits and features
// ---------------------------------------------------------------------------

/** metric -> limit per period; null means unlimited. */
export const ZPlanLimits = metricRecord(
  z
    .number({ error: "must be a number, or null for unlimited" })
    .nonnegative("must be 0 or more (null means unlimited)")
    .max(MAX_LIMIT, "must be at most 99,999,999,999,999 (use null for unlimited)")
    .nullable(),
);

/** flag -> boolean | string, e.g. { toolsEnabled: true, llmProvider: "anthropic" }. */
export const ZPlanFeatures = metricRecord(
  z.union([z.boolean(), z.string()], { error: "must be true/false or a string" }),
).superRefine((features, ctx) => {
    const provider = features.llmProvider;
    if (provider !== undefined && !ZLlmProvider.safeParse(provider).success) {
      ctx.addIssue({
        code: "custom",
        path: ["llmProvider"],
        message: `must be one of ${LLM_PROVIDERS.join(", ")}`,
      });
    }
  });

// ---------------------------------------------------------------------------
// Pricing
// ---------------------------------------------------------------------------

export const ZPriceTier = z.object({
  /** Inclusive upper bound of the tier in the metric's raw units; null = no bound (last tier only). */
  upTo: z.number().int("must be a whole number").positive("must be greater than 0").nullable(),
  /** Price per `unit` of the metric inside this tier. */
  unitPrice: ZDecimalString,
});

/**
 * Tiers cover (previous upTo, upTo]. They must ascend strictly and end with an
 * unbounded tier, so that every quantity falls in exactly one tier.
 * - graduated: each tier prices the units that fall inside it;
 * - volume: the tier the whole quantity reaches prices every unit.
 */
export const ZPriceTiers = z
  .object({
    mode: z.enum(["graduated", "volume"]),
    tiers: z.array(ZPriceTier).min(1, "needs at least one tier"),
  })
  .superRefine(({ tiers }, ctx) => {
    let previous = 0;
    tiers.forEach((tier, index) => {
      const isLast = index === tiers.length - 1;
      if (tier.upTo === null) {
        if (!isLast) {
          ctx.addIssue({
            code: "custom",
            path: ["tiers", index, "upTo"],
            message: `only the last tier may be unbounded (upTo: null); tier ${index + 1} of ${tiers.length} is`,
          });
        }
        return;
      }
      if (tier.upTo <= previous) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", index, "upTo"],
          message:
            tier.upTo === previous
              ? `duplicates the previous tier's upTo (${previous}); each tier must end above the one before`
              : `must be greater than the previous tier's upTo (${previous}); tiers must ascend`,
        });
      }
      previous = Math.max(previous, tier.upTo);
      if (isLast) {
        ctx.addIssue({
          code: "custom",
          path: ["tiers", index, "upTo"],
          message: `the last tier must be unbounded (upTo: null), else usage above ${tier.upTo} has no price`,
        });
      }
    });
  });

/**
 * Usage price of one metric. `includedUnits` are free each period; what is above is
 * priced at `unitPrice` per `unit` units (tokens priced per 1,000: unit 1000), or by
 * `tiers` when present (tier bounds count raw units above the included ones).
 */
export const ZMetricPrice = z.object({
  unitPrice: ZDecimalString,
  includedUnits: z.number().int("must be a whole number").nonnegative("must be 0 or more").default(0),
  unit: z.number().int("must be a whole number").positive("must be 1 or more").default(1),
  tiers: ZPriceTiers.optional(),
});

export const PRORATION_MODES = ["none", "daily", "exact"] as const;
export const ZProrationMode = z.enum(PRORATION_MODES);
export type TProrationMode = z.infer<typeof ZProrationMode>;

export const ZPlanPricing = z
  .object({
    /** Flat price per billing period, in `currency`, in whole minor units (cents): it is invoiced as is. */
    baseCost: ZDecimalString,
    currency: ZCurrency,
    /** Multiplies every usage line (e.g. "1.2" for a 20% margin on a plan). */
    usageMultiplier: ZDecimalString.default("1"),
    /**
     * How a mid-period plan change away from this plan is prorated (the plan a
     * client leaves decides; see src/server/plans/proration.ts).
     */
    prorationMode: ZProrationMode.default("daily"),
    /** Keyed by UsageCounter metric (messages, tokens, toolCalls, ...). */
    metrics: metricRecord(ZMetricPrice).default({}),
  })
  .superRefine((pricing, ctx) => {
    // Checked only once both fields are valid on their own (their issues are reported already).
    if (!ZDecimalString.safeParse(pricing.baseCost).success || !ZCurrency.safeParse(pricing.currency).success) return;
    const digits = minorUnitDigits(pricing.currency);
    if (significantDecimals(pricing.baseCost) > digits) {
      ctx.addIssue({
        code: "custom",
        path: ["baseCost"],
        message:
          digits === 0
            ? `must be a whole number of ${pricing.currency} (it has no minor unit)`
            : `must have at most ${digits} decimals, the minor unit of ${pricing.currency}`,
      });
    }
  });

/** Digits before the point a saved plan's unit prices and usage multiplier may have. */
export const MAX_UNIT_PRICE_DIGITS = 7;
export const MAX_MULTIPLIER_DIGITS = 3;

/**
 * Pricing a plan may be SAVED with. An invoice's usage line carries unitPrice x
 * usageMultiplier as its unit price, in NUMERIC(20,10): unit prices below 10,000,000
 * and a multiplier below 1,000 keep that product below 10^10 (the base cost, below
 * 10^10, and the proration amounts it yields already fit). Checked when a plan is
 * saved, not when a stored one is read (ZPlanPricing), so that a plan saved under
 * older bounds can still be invoiced and left.
 */
export const ZSavedPlanPricing = ZPlanPricing.superRefine((pricing, ctx) => {
  const check = (value: unknown, path: Array<string | number>, maxDigits: number) => {
    // Values that are not decimal strings have their own issue already.
    if (typeof value !== "string" || !DECIMAL_STRING.test(value) || integerDigits(value) <= maxDigits) return;
    const bound = powerOfTenInWords(maxDigits);
    const why = path.at(-1) === "usageMultiplier" ? "" : ` (times the usage multiplier, it is an invoice line's unit price)`;
    ctx.addIssue({ code: "custom", path, message: `must be less than ${bound}${why}` });
  };
  check(pricing.usageMultiplier, ["usageMultiplier"], MAX_MULTIPLIER_DIGITS);
  for (const [metric, price] of Object.entries(pricing.metrics ?? {})) {
    check(price?.unitPrice, ["metrics", metric, "unitPrice"], MAX_UNIT_PRICE_DIGITS);
    price?.tiers?.tiers?.forEach((tier, index) => check(tier?.unitPrice, ["metrics", metric, "tiers", "tiers", index, "unitPrice"], MAX_UNIT_PRICE_DIGITS));
  }
});

// ---------------------------------------------------------------------------
// Client and usage JSON columns
// ---------------------------------------------------------------------------

/** Client.fallbackChain: providers tried in order when the primary one fails. */
export const ZProviderChain = z.array(
  z.object({
    provider: ZLlmProvider,
    model: z.string().min(1, "model is required"),
  }),
);

/** UsageEvent.toolCalls: tool name -> number of calls. */
export const ZToolCalls = z.record(
  z.string().min(1, "tool name is required"),
  z.number().int("must be a whole number").nonnegative("must be 0 or more"),
);

// ---------------------------------------------------------------------------
// A whole plan
// ---------------------------------------------------------------------------

export const DEFAULT_UPGRADE_MESSAGE = "Please upgrade your plan or contact support";

export const ZPlanKey = z.string().regex(/^[a-z][a-z0-9-]*$/, "must be lowercase letters, digits and dashes, e.g. starter");

export const ZPlanDefinition = z.object({
  key: ZPlanKey,
  name: z.string().trim().min(1, "name is required"),
  description: z.string().optional(),
  sortOrder: z.number({ error: "must be a whole number" }).int("must be a whole number").default(0),
  limits: ZPlanLimits,
  features: ZPlanFeatures,
  pricing: ZSavedPlanPricing,
  /** Percentages of a limit at which an alert is sent, ascending. */
  alertThresholds: z
    .array(z.number().int("must be a whole percentage").min(1, "must be at least 1").max(1000, "must be at most 1000"))
    .default([80, 100])
    .refine((values) => values.every((value, i) => i === 0 || value > values[i - 1]!), {
      message: "must ascend without duplicates, e.g. [80, 100]",
    }),
  upgradeMessage: z.string().min(1, "must not be empty").default(DEFAULT_UPGRADE_MESSAGE),
  upgradeUrl: ZUpgradeUrl.optional(),
  optimization: ZPlanOptimization.default(() => ZPlanOptimization.parse({})),
});

export type TPlanLimits = z.infer<typeof ZPlanLimits>;
export type TPlanFeatures = z.infer<typeof ZPlanFeatures>;
export type TPriceTier = z.infer<typeof ZPriceTier>;
export type TPriceTiers = z.infer<typeof ZPriceTiers>;
export type TMetricPrice = z.infer<typeof ZMetricPrice>;
export type TPlanPricing = z.infer<typeof ZPlanPricing>;
export type TPlanPricingInput = z.input<typeof ZPlanPricing>;
export type TProviderChain = z.infer<typeof ZProviderChain>;
export type TToolCalls = z.infer<typeof ZToolCalls>;
export type TPlanDefinition = z.infer<typeof ZPlanDefinition>;
/** What a config file writes: defaults (alertThresholds, unit, ...) may be left out. */
export type TPlanDefinitionInput = z.input<typeof ZPlanDefinition>;

// ---------------------------------------------------------------------------
// Limit check (pure)
// ---------------------------------------------------------------------------

export type TLimitCheck =
  | { allowed: true; limit: null; remaining: null }
  | { allowed: boolean; limit: number; remaining: number };

/**
 * Whether one more unit fits under a plan's limit, given the usage already counted.
 * A metric that is null or absent is unlimited.
 */
export function checkLimit(limits: TPlanLimits, metric: string, usage: number): TLimitCheck {
  // Own keys only: "constructor" or "toString" must not read as a limit.
  const limit = Object.hasOwn(limits, metric) ? limits[metric] : undefined;
  if (limit === null || limit === undefined) return { allowed: true, limit: null, remaining: null };
  return { allowed: usage < limit, limit, remaining: Math.max(0, limit - usage) };
}
