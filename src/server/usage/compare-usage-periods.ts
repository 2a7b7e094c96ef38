// This period against the one before, per monthly counter: one client's, one plan's
// clients', or everyone's. Reads UsageCounter only (grouped in SQL).
import Decimal from "decimal.js";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import type { TDbClient } from "@/server/db/client";
import { MONTHLY_USAGE_METRICS } from "./monthly-limits";
import { ZPeriod, periodOf, previousPeriodOf } from "./period";

export const ZCompareUsagePeriodsInput = z
  .object({
    /** Default: the current period. */
    period: ZPeriod.optional(),
    clientId: z.uuid("must be a client id").optional(),
    planKey: z.string().min(1).max(100).optional(),
  })
  .default({});
export type TCompareUsagePeriodsInput = z.input<typeof ZCompareUsagePeriodsInput>;

export const ZUsagePeriodChange = z.object({
  metric: z.string(),
  current: z.string(),
  previous: z.string(),
  /** current - previous, a decimal string. */
  change: z.string(),
  /** The change as a percentage of the previous period, one decimal; null when the previous period had none. */
  changePercent: z.string().nullable(),
});
export type TUsagePeriodChange = z.infer<typeof ZUsagePeriodChange>;

export const ZUsagePeriodComparison = z.object({
  period: z.string(),
  previousPeriod: z.string(),
  metrics: z.array(ZUsagePeriodChange),
});
export type TUsagePeriodComparison = z.infer<typeof ZUsagePeriodComparison>;

export function periodChange(metric: string, current: Decimal.Value, previous: Decimal.Value): TUsagePeriodChange {
  const c = new Decimal(current);
  const p = new Decimal(previous);
  return {
    metric,
    current: c.toFixed(),
    previous: p.toFixed(),
    change: c.minus(p).toFixed(),
    changePercent: p.isZero() ? null : c.minus(p).times(100).div(p).toDecimalPlaces(1, Decimal.ROUND_HALF_EVEN).toFixed(),
  };
}

export async function compareUsagePeriods(db: TDbClient, rawInput: TCompareUsagePeriodsInput & { now: Date }): Promise<TUsagePeriodComparison> {
  const input = ZCompareUsagePeriodsInput.parse(rawInput);
  const period = input.period ?? periodOf(rawInput.now);
  const previousPeriod = previousPeriodOf(period);
  const clientFilter = input.clientId ? Prisma.sql`AND u."clientId" = ${input.clientId}::uuid` : Prisma.empty;
  const planFilter = input.planKey
    ? Prisma.sql`AND u."clientId" IN (SELECT id FROM "Client" WHERE "planKey" = ${input.planKey})`
    : Prisma.empty;
  const rows = await db.$queryRaw<{ period: string; metric: string; total: string }[]>`
    SELECT u.period, u.metric, SUM(u.value)::text AS total
      FROM "UsageCounter" u
     WHERE u.period IN (${period}, ${previousPeriod})
       AND u.metric IN (${Prisma.join([...MONTHLY_USAGE_METRICS])})
       ${clientFilter} ${planFilter}
     GROUP BY u.period, u.metric`;
  const sum = new Map(rows.map((row) => [`${row.period}/${row.metric}`, row.total]));
  return {
    period,
    previousPeriod,
    metrics: MONTHLY_USAGE_METRICS.map((metric) =>
      periodChange(metric, sum.get(`${period}/${metric}`) ?? "0", sum.get(`${previousPeriod}/${metric}`) ?? "0"),
    ),
  };
}
