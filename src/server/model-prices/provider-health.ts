// How each provider's model behaves across all clients over a window (default: the 30 days
// before `now`): calls answered (UsageEvent), errors (ChatAttempt failed with that model as
// the chain's first: errors write no usage event), the error rate errors / (errors + calls),
// the share of calls a fallback answered, latency percentiles and what the calls cost.
// One SQL aggregation; money stays a decimal string, rates and milliseconds are numbers.
import Decimal from "decimal.js";
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { parseInput } from "@/server/errors/parse-input";

export const DEFAULT_HEALTH_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

export const ZProviderHealthInput = z
  .object({
    /** The window is the `days` days before now. */
    days: z.number().int("must be a whole number of days").min(1, "must be at least 1 day").max(365, "must be at most 365 days").default(DEFAULT_HEALTH_WINDOW_DAYS),
  })
  .default({ days: DEFAULT_HEALTH_WINDOW_DAYS });
export type TProviderHealthInput = z.input<typeof ZProviderHealthInput>;

export const ZProviderHealthRow = z.object({
  provider: z.string(),
  model: z.string(),
  calls: z.number().int(),
  errors: z.number().int(),
  /** errors / (errors + calls), 0..1. */
  errorRate: z.number(),
  fallbacks: z.number().int(),
  /** Calls a fallback answered / calls, 0..1; null with no calls. */
  fallbackRate: z.number().nullable(),
  /** Milliseconds to 0.1 (percentile_cont over UsageEvent.latencyMs, interpolated); null with no calls. */
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  /** USD, the calls' recorded cost (10 decimals kept). */
  costUsd: z.string(),
});
export type TProviderHealthRow = z.infer<typeof ZProviderHealthRow>;

export const ZProviderHealth = z.object({
  from: z.date(),
  to: z.date(),
  rows: z.array(ZProviderHealthRow),
});
export type TProviderHealth = z.infer<typeof ZProviderHealth>;

type TSqlRow = {
  provider: string;
  model: string;
  calls: number;
  fallbacks: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  costUsd: string;
};

export async function getProviderHealth(db: TDbClient, rawInput: TProviderHealthInput, now: Date): Promise<TProviderHealth> {
  const { days } = parseInput(ZProviderHealthInput, rawInput);
  const to = now;
  const from = new Date(now.getTime() - days * DAY_MS);
  const rows = await db.$queryRaw<TSqlRow[]>`
    WITH answered AS (
      SELECT e.provider, e.model,
             count(*)::int AS calls,
             (count(*) FILTER (WHERE e.fallback))::int AS fallbacks,
             round((percentile_cont(0.5) WITHIN GROUP (ORDER BY e."latencyMs"))::numeric, 1)::float8 AS p50,
             round((percentile_cont(0.95) WITHIN GROUP (ORDER BY e."latencyMs"))::numeric, 1)::float8 AS p95,
             SUM(e."costUsd")::text AS "costUsd"
        FROM "UsageEvent" e
       WHERE e."occurredAt" >= ${from} AND e."occurredAt" < ${to}
       GROUP BY e.provider, e.model
    ), failed AS (
      SELECT a.provider, a.model, count(*)::int AS errors
        FROM "ChatAttempt" a
       WHERE a.status = 'failed' AND a.provider IS NOT NULL AND a.model IS NOT NULL
         AND a."createdAt" >= ${from} AND a."createdAt" < ${to}
       GROUP BY a.provider, a.model
    )
    SELECT COALESCE(answered.provider, failed.provider) AS provider,
           COALESCE(answered.model, failed.model) AS model,
           COALESCE(answered.calls, 0) AS calls,
           COALESCE(answered.fallbacks, 0) AS fallbacks,
           COALESCE(failed.errors, 0) AS errors,
           answered.p50, answered.p95,
           COALESCE(answered."costUsd", '0') AS "costUsd"
      FROM answered FULL OUTER JOIN failed ON failed.provider = answered.provider AND failed.model = answered.model
     ORDER BY 1, 2`;
  return {
    from,
    to,
    rows: rows.map((row) => ({
      provider: row.provider,
      model: row.model,
      calls: row.calls,
      errors: row.errors,
      errorRate: row.errors / (row.errors + row.calls),
      fallbacks: row.fallbacks,
      fallbackRate: row.calls === 0 ? null : row.fallbacks / row.calls,
      latencyP50Ms: row.p50,
      latencyP95Ms: row.p95,
      costUsd: new Decimal(row.costUsd).toFixed(),
    })),
  };
}
