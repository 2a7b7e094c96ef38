// Each plan with what it allows and costs, how many clients are on it, and what
// those clients used in the period. Usage is summed per plan in SQL from
// UsageCounter (joined to Client for the plan): one row per (plan, metric).
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { ZPlanLimits, ZPlanPricing } from "@/shared/plan-config";
import { ZPeriod, periodOf } from "@/server/usage/period";
import { clockNow } from "@/server/clock";

export const ZListPlanUsageInput = z
  .object({
    /** Default: the current period. */
    period: ZPeriod.optional(),
  })
  .default({});
export type TListPlanUsageInput = z.input<typeof ZListPlanUsageInput>;

export const ZPlanUsage = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  version: z.number().int(),
  active: z.boolean(),
  /** metric -> limit per period; null = unlimited. */
  limits: ZPlanLimits,
  /** Flat price per period, a decimal string in `currency`. */
  baseCost: z.string(),
  currency: z.string(),
  /** Usage prices: per `unit` units above `includedUnits`; decimal strings. */
  metricPrices: z.array(
    z.object({ metric: z.string(), unitPrice: z.string(), includedUnits: z.number().int(), unit: z.number().int(), tiered: z.boolean() }),
  ),
  defaultModel: z.object({ provider: z.string(), model: z.string().nullable() }).nullable(),
  clientCount: z.number().int(),
  activeClientCount: z.number().int(),
  /** Sums over the plan's clients in the period (decimal strings; cost in USD). */
  usage: z.object({ messages: z.string(), tokens: z.string(), costUsd: z.string() }),
});
export type TPlanUsage = z.infer<typeof ZPlanUsage>;

export const ZListPlanUsageOutput = z.object({ period: z.string(), plans: z.array(ZPlanUsage) });
export type TListPlanUsageOutput = z.infer<typeof ZListPlanUsageOutput>;

export async function listPlanUsage(
  db: TDbClient,
  rawInput: TListPlanUsageInput,
  now: Date = clockNow(),
): Promise<TListPlanUsageOutput> {
  const input = ZListPlanUsageInput.parse(rawInput);
  const period = input.period ?? periodOf(now);
  const [plans, activeCounts, sums] = await Promise.all([
    db.planConfig.findMany({
      orderBy: [{ sortOrder: "asc" }, { key: "asc" }],
      select: {
        key: true,
        name: true,
        description: true,
        version: true,
        active: true,
        limits: true,
        features: true,
        pricing: true,
        _count: { select: { clients: true } },
      },
    }),
    db.client.groupBy({ by: ["planKey"], where: { status: "active" }, _count: { _all: true } }),
    db.$queryRaw<{ planKey: string; metric: string; total: string }[]>`
      SELECT c."planKey", u.metric, SUM(u.value)::text AS total
        FROM "UsageCounter" u
        JOIN "Client" c ON c.id = u."clientId"
       WHERE u.period = ${period} AND u.metric IN ('messages', 'tokens', 'costUsd')
       GROUP BY c."planKey", u.metric`,
  ]);

  const active = new Map(activeCounts.map((row) => [row.planKey, row._count._all]));
  const sum = new Map(sums.map((row) => [`${row.planKey}/${row.metric}`, row.total]));
  return {
    period,
    plans: plans.map((plan) => {
      const pricing = ZPlanPricing.parse(plan.pricing);
      const features = z.record(z.string(), z.unknown()).parse(plan.features);
      const provider = typeof features.llmProvider === "string" ? features.llmProvider : null;
      return {
        key: plan.key,
        name: plan.name,
        description: plan.description,
        version: plan.version,
        active: plan.active,
        limits: ZPlanLimits.parse(plan.limits),
        baseCost: pricing.baseCost,
        currency: pricing.currency,
        metricPrices: Object.entries(pricing.metrics).map(([metric, price]) => ({
          metric,
          unitPrice: price.unitPrice,
          includedUnits: price.includedUnits,
          unit: price.unit,
          tiered: price.tiers !== undefined,
        })),
        defaultModel: provider
          ? { provider, model: typeof features.llmModel === "string" ? features.llmModel : null }
          : null,
        clientCount: plan._count.clients,
        activeClientCount: active.get(plan.key) ?? 0,
        usage: {
          messages: sum.get(`${plan.key}/messages`) ?? "0",
          tokens: sum.get(`${plan.key}/tokens`) ?? "0",
          costUsd: sum.get(`${plan.key}/costUsd`) ?? "0",
        },
      };
    }),
  };
}
