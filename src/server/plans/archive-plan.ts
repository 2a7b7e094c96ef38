// Archiving retires a plan: it stays (invoices and plan changes refer to it) but no
// client may be moved onto it. Refused while clients are on it.
import { z } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { inTransaction, type TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { PLAN_DETAIL_SELECT, ZExistingPlanKey, toPlanDetail, type TPlanDetail } from "./get-plan";
import { clockNow } from "@/server/clock";
import { recordAudit } from "@/server/auth/audit-log";

export const ZArchivePlanInput = z.object({ key: ZExistingPlanKey });
export type TArchivePlanInput = z.infer<typeof ZArchivePlanInput>;

export function clientsOnPlanMessage(clientCount: number): string {
  return clientCount === 1
    ? "1 client is on this plan; move it first"
    : `${clientCount} clients are on this plan; move them first`;
}

export async function archivePlan(db: TDb, input: TArchivePlanInput, actor: TSessionUser): Promise<TPlanDetail> {
  return inTransaction(db, async (tx) => {
    // The row lock orders this against changePlan, which reads its target plan FOR
    // SHARE: either the change sees the plan archived, or this sees its client.
    const locked = await tx.$queryRawUnsafe<{ active: boolean }[]>(
      `SELECT active FROM "PlanConfig" WHERE key = $1 FOR UPDATE`,
      input.key,
    );
    const plan = locked[0];
    if (!plan) throw new AppError("NOT_FOUND", `No plan with the key "${input.key}".`, { key: input.key });
    const clientCount = await tx.client.count({ where: { planKey: input.key } });
    if (clientCount > 0) throw new AppError("PLAN_IN_USE", clientsOnPlanMessage(clientCount), { key: input.key, clientCount });

    if (plan.active) {
      await tx.planConfig.update({ where: { key: input.key }, data: { active: false } });
      await recordAudit(tx, actor, clockNow(), {
        action: "plan.archive",
        entityType: "PlanConfig",
        entityId: input.key,
        before: { active: true },
        after: { active: false },
      });
    }
    return toPlanDetail(await tx.planConfig.findUniqueOrThrow({ where: { key: input.key }, select: PLAN_DETAIL_SELECT }));
  });
}
