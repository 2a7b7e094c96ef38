// Saves an edited plan: the whole definition replaces the stored one, the version
// goes up by one, and the new version's snapshot and an audit entry (before/after)
// are written in the same transaction. Clients on the plan get the change on their
// next request: enforcement reads PlanConfig on every chat request, nothing caches it.
import { z } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { inTransaction, type TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { PLAN_DETAIL_SELECT, ZExistingPlanKey, planSnapshot, toPlanDetail, type TPlanDetail } from "./get-plan";
import { ZPlanDefinition } from "@/shared/plan-config";
import { withPathsInMessages } from "@/shared/zod-issues";
import { clockNow } from "@/server/clock";
import { resolveAlertsForNewLimits } from "@/server/alerts/resolve-alerts";
import { periodOf } from "@/server/usage/period";
import { recordAudit } from "@/server/auth/audit-log";

export const ZUpdatePlanInput = z.object({
  key: ZExistingPlanKey,
  /** The version the editor was opened at: a save over someone else's is refused. */
  expectedVersion: z.number({ error: "must be the plan's version number" }).int().positive(),
  /** The whole plan (full replacement; a field left out takes its default, or none). */
  plan: withPathsInMessages(ZPlanDefinition.omit({ key: true })),
});
export type TUpdatePlanInput = z.infer<typeof ZUpdatePlanInput>;

function staleVersion(key: string, expectedVersion: number, currentVersion: number): AppError {
  return new AppError("STALE_PLAN_VERSION", "The plan was changed by someone else; reload", { key, expectedVersion, currentVersion });
}

export async function updatePlan(db: TDb, input: TUpdatePlanInput, actor: TSessionUser, now: Date = clockNow()): Promise<TPlanDetail> {
  return inTransaction(db, async (tx) => {
    const before = await tx.planConfig.findUnique({ where: { key: input.key }, select: PLAN_DETAIL_SELECT });
    if (!before) throw new AppError("NOT_FOUND", `No plan with the key "${input.key}".`, { key: input.key });
    if (before.version !== input.expectedVersion) throw staleVersion(input.key, input.expectedVersion, before.version);

    const { plan } = input;
    const version = input.expectedVersion + 1;
    // The version condition makes the check and the write one step: of two saves
    // from the same version, the second finds no row (PostgreSQL re-checks the
    // condition after waiting for the first one's lock) and is refused.
    const { count } = await tx.planConfig.updateMany({
      where: { key: input.key, version: input.expectedVersion },
      data: {
        name: plan.name,
        description: plan.description ?? null,
        sortOrder: plan.sortOrder,
        limits: plan.limits,
        features: plan.features,
        pricing: plan.pricing,
        alertThresholds: plan.alertThresholds,
        upgradeMessage: plan.upgradeMessage,
        upgradeUrl: plan.upgradeUrl ?? null,
        optimization: plan.optimization,
        version,
      },
    });
    if (count === 0) {
      const current = await tx.planConfig.findUnique({ where: { key: input.key }, select: { version: true } });
      throw staleVersion(input.key, input.expectedVersion, current?.version ?? before.version);
    }

    // Clients on the plan whose usage the new limits put back under a threshold: resolved.
    await resolveAlertsForNewLimits(tx, { scope: { planKey: input.key }, period: periodOf(now), limits: plan.limits, now });
    const after = await tx.planConfig.findUniqueOrThrow({ where: { key: input.key }, select: PLAN_DETAIL_SELECT });
    const snapshot = planSnapshot({ ...plan, key: input.key, version, active: after.active });
    await tx.planConfigVersion.create({ data: { createdAt: now, planKey: input.key, version, snapshot, createdBy: actor.email } });
    const previous = toPlanDetail(before);
    await recordAudit(tx, actor, now, {
      action: "plan.update",
      entityType: "PlanConfig",
      entityId: input.key,
      before: planSnapshot(previous),
      after: snapshot,
    });
    return toPlanDetail(after);
  });
}
