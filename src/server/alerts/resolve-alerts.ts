// Closing the loop on usage alerts: an alert is resolved when usage is back under its
// threshold, because a new period started (counters of the new period start from zero) or
// because a plan change raised or removed the limit. Resolving only marks the alert; the
// outbox worker sends `alert.resolved` for it (UsageAlert.resolvedNotifiedAt).
import type { TDbClient } from "@/server/db/client";
import { periodOf } from "@/server/usage/period";

export type TAlertResolution = "new_period" | "plan_change";

/** Resolves every open alert of a period before the one containing `now`. Returns how many. */
export async function resolveEndedPeriodAlerts(db: TDbClient, now: Date): Promise<number> {
  return db.$executeRaw`
    UPDATE "UsageAlert" SET "resolvedAt" = ${now}, "resolvedReason" = 'new_period'
    WHERE "resolvedAt" IS NULL AND period < ${periodOf(now)}`;
}

/**
 * After limits changed (a client's plan change, or an edit of the plan its clients are on):
 * resolves the open alerts of the period whose threshold, at the new limit, is above the
 * settled usage, and those whose limit is gone (`limits` maps limit key to the new limit,
 * null for unlimited; a key absent is gone too). Run inside the change's transaction.
 */
export async function resolveAlertsForNewLimits(
  db: TDbClient,
  input: { scope: { clientId: string } | { planKey: string }; period: string; limits: Record<string, number | null>; now: Date },
): Promise<number> {
  const clientId = "clientId" in input.scope ? input.scope.clientId : null;
  const planKey = "planKey" in input.scope ? input.scope.planKey : null;
  const keys = Object.keys(input.limits);
  const values = keys.map((key) => (input.limits[key] == null ? null : String(input.limits[key])));
  return db.$executeRaw`
    UPDATE "UsageAlert" a SET "resolvedAt" = ${input.now}, "resolvedReason" = 'plan_change'
    FROM (
      SELECT a2.id
      FROM "UsageAlert" a2
      LEFT JOIN unnest(${keys}::text[], ${values}::numeric[]) AS l(key, "limit") ON l.key = a2."limitKey"
      LEFT JOIN "UsageCounter" c
        ON c."clientId" = a2."clientId" AND c.period = a2.period AND c.metric = a2.counter
      WHERE (a2."clientId" = ${clientId}::uuid OR a2."clientId" IN (SELECT id FROM "Client" WHERE "planKey" = ${planKey}))
        AND a2.period = ${input.period} AND a2."resolvedAt" IS NULL
        AND (l."limit" IS NULL OR COALESCE(c.value, 0) < l."limit" * a2.threshold / 100)
    ) gone
    WHERE a.id = gone.id`;
}
