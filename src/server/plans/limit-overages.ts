// Which clients this period's usage already puts at or over a set of limits: for an
// admin lowering a plan's limits (every client on the plan) and for a plan change
// (one client, the target plan's limits). One set-based query over UsageCounter,
// whatever the number of clients.
//
// A client counts when its monthly counter has reached the limit (current >= limit,
// and current > 0): its next request touching that counter is refused. Limits on a
// per-minute window (requestsPerMinute) are left out: a month's counter says nothing
// about them. Unlimited (null) limits are left out.
import Decimal from "decimal.js";
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { counterForLimit } from "@/server/usage/limit-metrics";
import type { TPlanLimits } from "@/shared/plan-config";

export const ZLimitOverage = z.object({
  clientId: z.string(),
  name: z.string(),
  limitKey: z.string(),
  /** This period's counter, a decimal string (cost limits count USD). */
  current: z.string(),
  newLimit: z.number(),
});
export type TLimitOverage = z.infer<typeof ZLimitOverage>;

type TRow = { clientId: string; name: string; limitKey: string; current: string; total: number };

export type TOverageScope = { planKey: string } | { clientId: string };

/**
 * Clients in `scope` at or over `limits` in `period`, ordered by client name, at most
 * `maxRows` rows (one per client and limit); `count` is every such client.
 */
export async function findLimitOverages(
  db: TDbClient,
  input: { scope: TOverageScope; limits: TPlanLimits; period: string; maxRows?: number },
): Promise<{ count: number; overages: TLimitOverage[] }> {
  const monthly = Object.entries(input.limits).flatMap(([limitKey, limit]) => {
    if (limit === null || limit === undefined) return [];
    const { counter, window } = counterForLimit(limitKey);
    return window === "month" ? [{ limitKey, counter, limit }] : [];
  });
  if (monthly.length === 0) return { count: 0, overages: [] };

  const rows = await db.$queryRawUnsafe<TRow[]>(
    `WITH proposed AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[]) AS p("limitKey", metric, "limit")
     ), over AS (
       SELECT c.id AS "clientId", c.name, p."limitKey", u.value
       FROM proposed p
       JOIN "UsageCounter" u ON u.period = $4 AND u.metric = p.metric
       JOIN "Client" c ON c.id = u."clientId"
       WHERE u.value > 0 AND u.value >= p."limit"
         AND ($5::text IS NULL OR c."planKey" = $5::text)
         AND ($6::uuid IS NULL OR c.id = $6::uuid)
     )
     SELECT "clientId"::text AS "clientId", name, "limitKey", value::text AS current,
            (SELECT count(DISTINCT "clientId") FROM over)::int AS total
     FROM over
     ORDER BY name, "clientId", "limitKey"
     LIMIT $7`,
    monthly.map((m) => m.limitKey),
    monthly.map((m) => m.counter),
    monthly.map((m) => new Decimal(m.limit).toFixed()),
    input.period,
    "planKey" in input.scope ? input.scope.planKey : null,
    "clientId" in input.scope ? input.scope.clientId : null,
    input.maxRows ?? 200,
  );
  const limitOf = new Map(monthly.map((m) => [m.limitKey, m.limit]));
  return {
    count: rows[0]?.total ?? 0,
    overages: rows.map((row) => ({
      clientId: row.clientId,
      name: row.name,
      limitKey: row.limitKey,
      current: new Decimal(row.current).toFixed(),
      newLimit: limitOf.get(row.limitKey)!,
    })),
  };
}
