// "12 clients already exceed this new limit": what lowering a plan's limits would do
// to the clients on it, from this period's usage counters, before the admin saves.
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { periodOf } from "@/server/usage/period";
import { ZExistingPlanKey } from "./get-plan";
import { ZLimitOverage, findLimitOverages } from "./limit-overages";
import { ZPlanLimits } from "@/shared/plan-config";
import { withPathsInMessages } from "@/shared/zod-issues";
import { clockNow } from "@/server/clock";

/** At most this many (client, limit) rows are listed; `count` counts every client. */
export const IMPACT_MAX_ROWS = 200;

export const ZPreviewPlanImpactInput = z.object({
  key: ZExistingPlanKey,
  /** The limits the admin is about to save (metric -> number | null). */
  limits: withPathsInMessages(ZPlanLimits),
});
export type TPreviewPlanImpactInput = z.infer<typeof ZPreviewPlanImpactInput>;

export const ZPlanImpact = z.object({
  /** Clients on the plan whose usage this period is at or over one of the limits. */
  count: z.number().int(),
  /** One row per client and limit, by client name; at most IMPACT_MAX_ROWS. */
  clients: z.array(ZLimitOverage),
  /** The period the usage is from, 'YYYY-MM'. */
  period: z.string(),
  /** True when more rows matched than are listed. */
  truncated: z.boolean(),
});
export type TPlanImpact = z.infer<typeof ZPlanImpact>;

export async function previewPlanImpact(db: TDbClient, input: TPreviewPlanImpactInput, now: Date = clockNow()): Promise<TPlanImpact> {
  const plan = await db.planConfig.findUnique({ where: { key: input.key }, select: { key: true } });
  if (!plan) throw new AppError("NOT_FOUND", `No plan with the key "${input.key}".`, { key: input.key });
  const period = periodOf(now);
  const { count, overages } = await findLimitOverages(db, {
    scope: { planKey: input.key },
    limits: input.limits,
    period,
    maxRows: IMPACT_MAX_ROWS + 1,
  });
  return { count, clients: overages.slice(0, IMPACT_MAX_ROWS), period, truncated: overages.length > IMPACT_MAX_ROWS };
}
