// A new plan, from scratch or from a copy of another: version 1, its snapshot and an
// audit entry, in one transaction.
import { z } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { Prisma } from "@/generated/prisma/client";
import { PLAN_DETAIL_SELECT, ZExistingPlanKey, getPlanOrThrow, planSnapshot, toPlanDetail, type TPlanDetail } from "./get-plan";
import { ZPlanDefinition, ZPlanFeatures, ZPlanLimits, ZSavedPlanPricing, type TPlanDefinition } from "@/shared/plan-config";
import { ZPlanOptimization } from "@/shared/plan-optimization";
import { describePlanIssues, withPathsInMessages } from "@/shared/zod-issues";
import { clockNow } from "@/server/clock";
import { recordAudit } from "@/server/auth/audit-log";

/** Fields a new plan needs unless it copies them: taken whole from the plan copied. */
const COPYABLE_FIELDS = ["limits", "features", "pricing"] as const;

/**
 * A plan definition. With `copyFrom`, limits, features, pricing and the LLM cost settings
 * (optimization) may be left out and are copied from that plan (without a copy, left-out
 * cost settings take their defaults); every other field means what it means in a
 * definition (left out: its default, or none), so a form that sends everything gets
 * exactly what it sent.
 */
export const ZCreatePlanInput = z
  .object({
    copyFrom: ZExistingPlanKey.optional(),
    plan: withPathsInMessages(
      ZPlanDefinition.extend({
        limits: ZPlanLimits.optional(),
        features: ZPlanFeatures.optional(),
        pricing: ZSavedPlanPricing.optional(),
        optimization: ZPlanOptimization.optional(),
      }),
    ),
  })
  .superRefine((input, ctx) => {
    if (input.copyFrom !== undefined) return;
    for (const field of COPYABLE_FIELDS) {
      if (input.plan[field] === undefined) {
        ctx.addIssue({ code: "custom", path: ["plan", field], message: `${field}: is required (or give copyFrom to copy it from another plan)` });
      }
    }
  });
export type TCreatePlanInput = z.infer<typeof ZCreatePlanInput>;

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

function duplicateKey(key: string): AppError {
  return new AppError("PLAN_KEY_TAKEN", `A plan with the key "${key}" already exists; choose another key.`, { key });
}

async function definitionOf(db: TDbClient, input: TCreatePlanInput): Promise<TPlanDefinition> {
  const source = input.copyFrom === undefined ? null : await getPlanOrThrow(db, input.copyFrom).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "NOT_FOUND") {
      throw new AppError("NOT_FOUND", `No plan with the key "${input.copyFrom}" to copy from.`, { copyFrom: input.copyFrom });
    }
    throw error;
  });
  const limits = input.plan.limits ?? source?.limits;
  const features = input.plan.features ?? source?.features;
  const pricing = input.plan.pricing ?? source?.pricing;
  if (!limits || !features || !pricing) {
    throw new AppError("BAD_REQUEST", "A new plan needs limits, features and pricing, or a plan to copy them from (copyFrom).");
  }
  // Pricing copied from a plan saved under older bounds must meet today's, as if it were typed.
  const saved = input.plan.pricing === undefined ? ZSavedPlanPricing.safeParse(pricing) : null;
  if (saved && !saved.success) {
    const issues = describePlanIssues(saved.error).map((issue) => `pricing.${issue}`);
    throw new AppError("BAD_REQUEST", `The pricing of "${input.copyFrom}" cannot be copied as it is: ${issues.join("; ")}. Send the pricing with the new plan.`, {
      field: "pricing",
      issues,
    });
  }
  const optimization = input.plan.optimization ?? source?.optimization ?? ZPlanOptimization.parse({});
  return { ...input.plan, limits, features, pricing, optimization };
}

export async function createPlan(db: TDb, input: TCreatePlanInput, actor: TSessionUser): Promise<TPlanDetail> {
  try {
    return await inTransaction(db, async (tx) => {
      const definition = await definitionOf(tx, input);
      if (await tx.planConfig.findUnique({ where: { key: definition.key }, select: { key: true } })) throw duplicateKey(definition.key);
      const row = await tx.planConfig.create({
        data: {
          createdAt: clockNow(),
          key: definition.key,
          name: definition.name,
          description: definition.description ?? null,
          sortOrder: definition.sortOrder,
          limits: definition.limits,
          features: definition.features,
          pricing: definition.pricing,
          alertThresholds: definition.alertThresholds,
          upgradeMessage: definition.upgradeMessage,
          upgradeUrl: definition.upgradeUrl ?? null,
          optimization: definition.optimization,
          version: 1,
          active: true,
        },
        select: PLAN_DETAIL_SELECT,
      });
      const snapshot = planSnapshot({ ...definition, version: 1, active: true });
      await tx.planConfigVersion.create({ data: { createdAt: clockNow(), planKey: row.key, version: 1, snapshot, createdBy: actor.email } });
      await recordAudit(tx, actor, clockNow(), {
        action: "plan.create",
        entityType: "PlanConfig",
        entityId: row.key,
        before: Prisma.DbNull,
        after: { ...snapshot, ...(input.copyFrom ? { copiedFrom: input.copyFrom } : {}) },
      });
      return toPlanDetail(row);
    });
  } catch (error) {
    // Two admins creating the same key at once: the unique index decides.
    if (isUniqueViolation(error)) throw duplicateKey(input.plan.key);
    throw error;
  }
}
