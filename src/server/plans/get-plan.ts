// One plan as the dashboard reads and edits it: its definition, version, state and
// how many clients are on it. The JSON columns are parsed with the plan schemas, so
// what leaves here is what the editor can send back.
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZPlanFeatures, ZPlanLimits, ZPlanPricing, type TPlanDefinition } from "@/shared/plan-config";
import { ZPlanOptimization } from "@/shared/plan-optimization";

/** An existing plan's key. Older plans may predate the key format, so any non-empty key is looked up. */
export const ZExistingPlanKey = z.string().trim().min(1, "choose a plan");

export const ZGetPlanInput = z.object({ key: ZExistingPlanKey });
export type TGetPlanInput = z.infer<typeof ZGetPlanInput>;

export const ZPlanDetail = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  version: z.number().int(),
  active: z.boolean(),
  sortOrder: z.number().int(),
  limits: ZPlanLimits,
  features: ZPlanFeatures,
  /** Money as decimal strings in pricing.currency. */
  pricing: ZPlanPricing,
  alertThresholds: z.array(z.number().int()),
  upgradeMessage: z.string(),
  upgradeUrl: z.string().nullable(),
  /** Context budget, compression, routing and degradation; {} when saved before they existed. */
  optimization: ZPlanOptimization,
  clientCount: z.number().int(),
  updatedAt: z.date(),
});
export type TPlanDetail = z.infer<typeof ZPlanDetail>;

export const PLAN_DETAIL_SELECT = {
  key: true,
  name: true,
  description: true,
  version: true,
  active: true,
  sortOrder: true,
  limits: true,
  features: true,
  pricing: true,
  alertThresholds: true,
  upgradeMessage: true,
  upgradeUrl: true,
  optimization: true,
  updatedAt: true,
  _count: { select: { clients: true } },
} as const;

type TPlanRow = {
  key: string;
  name: string;
  description: string | null;
  version: number;
  active: boolean;
  sortOrder: number;
  limits: unknown;
  features: unknown;
  pricing: unknown;
  alertThresholds: number[];
  upgradeMessage: string;
  upgradeUrl: string | null;
  optimization: unknown;
  updatedAt: Date;
  _count: { clients: number };
};

/** A stored row as the DTO. Stored JSON was validated on save; parsing again fills defaults. */
export function toPlanDetail(row: TPlanRow): TPlanDetail {
  return {
    key: row.key,
    name: row.name,
    description: row.description,
    version: row.version,
    active: row.active,
    sortOrder: row.sortOrder,
    limits: ZPlanLimits.parse(row.limits),
    features: ZPlanFeatures.parse(row.features),
    pricing: ZPlanPricing.parse(row.pricing),
    alertThresholds: row.alertThresholds,
    upgradeMessage: row.upgradeMessage,
    upgradeUrl: row.upgradeUrl,
    optimization: ZPlanOptimization.parse(row.optimization),
    clientCount: row._count.clients,
    updatedAt: row.updatedAt,
  };
}

/**
 * The whole plan as it is saved at one version: what PlanConfigVersion.snapshot and
 * the audit log's before/after hold.
 */
export function planSnapshot(plan: Omit<TPlanDefinition, "description" | "upgradeUrl"> & {
  description?: string | null;
  upgradeUrl?: string | null;
  version: number;
  active: boolean;
}) {
  return {
    key: plan.key,
    name: plan.name,
    description: plan.description ?? null,
    version: plan.version,
    active: plan.active,
    sortOrder: plan.sortOrder,
    limits: plan.limits,
    features: plan.features,
    pricing: plan.pricing,
    alertThresholds: plan.alertThresholds,
    upgradeMessage: plan.upgradeMessage,
    upgradeUrl: plan.upgradeUrl ?? null,
    optimization: plan.optimization,
  };
}

export async function getPlanOrThrow(db: TDbClient, key: string): Promise<TPlanDetail> {
  const row = await db.planConfig.findUnique({ where: { key }, select: PLAN_DETAIL_SELECT });
  if (!row) throw new AppError("NOT_FOUND", `No plan with the key "${key}".`, { key });
  return toPlanDetail(row);
}
