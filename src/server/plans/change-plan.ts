// Moving a client to another plan, effective at once: Client.planKey changes, so the
// next chat request is enforced against the new plan's limits. The base prices are
// prorated (src/server/plans/proration.ts: the plan the client leaves decides the
// mode, amounts are rounded once, half-even) and the PlanChange row keeps the
// amounts for the next invoice (see proration.ts for what that invoice does with it).
//
// previewPlanChange and changePlan share one computation, so the amounts an admin is
// shown are the amounts recorded (for the same instant: "exact" proration moves with
// the clock, "daily" only at midnight UTC).
import { z } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { periodOf } from "@/server/usage/period";
import { ZExistingPlanKey } from "./get-plan";
import { findLimitOverages } from "./limit-overages";
import { ZPlanLimits, ZPlanPricing, ZProrationMode, type TPlanLimits, type TPlanPricing } from "@/shared/plan-config";
import { prorateChange } from "./proration";
import { resolveAlertsForNewLimits } from "@/server/alerts/resolve-alerts";
import { clockNow } from "@/server/clock";
import { recordAudit } from "@/server/auth/audit-log";

export const ZPreviewPlanChangeInput = z.object({
  clientId: z.uuid("must be a client id"),
  toPlanKey: ZExistingPlanKey,
});
export type TPreviewPlanChangeInput = z.infer<typeof ZPreviewPlanChangeInput>;

export const ZChangePlanInput = ZPreviewPlanChangeInput.extend({
  reason: z.string().trim().min(3, "say why, in a few words").max(500, "at most 500 characters"),
  /** Required when current usage is already over one of the new plan's limits. */
  confirmWarnings: z.boolean().default(false),
});
export type TChangePlanInput = z.infer<typeof ZChangePlanInput>;

const ZPlanRef = z.object({ key: z.string(), name: z.string(), version: z.number().int() });

/** A limit of the new plan this period's usage has already reached. */
export const ZPlanChangeWarning = z.object({
  limitKey: z.string(),
  /** This period's counter, a decimal string. */
  current: z.string(),
  newLimit: z.number(),
});
export type TPlanChangeWarning = z.infer<typeof ZPlanChangeWarning>;

export const ZPlanChangePreview = z.object({
  clientId: z.string(),
  fromPlan: ZPlanRef,
  toPlan: ZPlanRef,
  /** The FROM plan's mode. */
  prorationMode: ZProrationMode,
  /** The client's invoice currency, which both plans are priced in. */
  currency: z.string(),
  /** The billing period the change falls in, 'YYYY-MM', and its [start, end). */
  period: z.string(),
  periodStart: z.date(),
  periodEnd: z.date(),
  effectiveAt: z.date(),
  daysInPeriod: z.number().int(),
  /** Whole days left, counting the day of the change. */
  daysRemaining: z.number().int(),
  /** Share of the period prorated (decimal string, 10 decimals at most). */
  fraction: z.string(),
  /** Decimal strings in `currency`, rounded half-even to its minor unit. netAmount = charge - credit. */
  creditAmount: z.string(),
  chargeAmount: z.string(),
  netAmount: z.string(),
  warnings: z.array(ZPlanChangeWarning),
  requiresConfirmation: z.boolean(),
  /** The client is already on the plan: nothing would change. */
  noop: z.boolean(),
});
export type TPlanChangePreview = z.infer<typeof ZPlanChangePreview>;

export const ZChangePlanOutput = ZPlanChangePreview.extend({
  /** Null for a no-op: nothing was written. */
  planChangeId: z.string().nullable(),
});
export type TChangePlanOutput = z.infer<typeof ZChangePlanOutput>;

type TChangePlan = { key: string; name: string; version: number; active: boolean; limits: TPlanLimits; pricing: TPlanPricing };
type TChangeClient = { id: string; name: string; planKey: string; currency: string };

async function loadClient(db: TDbClient, clientId: string, lock: boolean): Promise<TChangeClient> {
  // Locked for a change: two changes of one client run one after the other, and the
  // second starts from the plan the first one left.
  const rows = await db.$queryRawUnsafe<TChangeClient[]>(
    `SELECT id::text AS id, name, "planKey", currency FROM "Client" WHERE id = $1::uuid${lock ? " FOR UPDATE" : ""}`,
    clientId,
  );
  const client = rows[0];
  if (!client) throw new AppError("NOT_FOUND", "No client with that id.", { id: clientId });
  return client;
}

async function loadPlans(db: TDbClient, keys: string[], lock: boolean): Promise<Map<string, TChangePlan>> {
  // FOR SHARE: neither plan can be edited or archived until the change commits, so
  // the versions recorded are the ones in force, and archivePlan (FOR UPDATE) either
  // sees this client on the plan or is seen archived here.
  if (lock) await db.$queryRawUnsafe(`SELECT key FROM "PlanConfig" WHERE key = ANY($1::text[]) ORDER BY key FOR SHARE`, keys);
  const rows = await db.planConfig.findMany({
    where: { key: { in: keys } },
    select: { key: true, name: true, version: true, active: true, limits: true, pricing: true },
  });
  return new Map(
    rows.map((row) => [row.key, { ...row, limits: ZPlanLimits.parse(row.limits), pricing: ZPlanPricing.parse(row.pricing) }]),
  );
}

function assertChangeAllowed(client: TChangeClient, from: TChangePlan, to: TChangePlan): void {
  if (!to.active) {
    throw new AppError("BAD_REQUEST", `The plan "${to.name}" is archived; choose an active plan.`, { toPlanKey: to.key });
  }
  const mismatched = [from, to].filter((plan) => plan.pricing.currency !== client.currency);
  if (mismatched.length > 0) {
    const priced = mismatched.map((plan) => `"${plan.name}" is priced in ${plan.pricing.currency}`).join(" and ");
    throw new AppError(
      "BAD_REQUEST",
      `The client is invoiced in ${client.currency} but ${priced}: the proration would be in the wrong currency. ` +
        `Choose a plan priced in ${client.currency}, or change the client's currency first.`,
      { clientCurrency: client.currency, fromCurrency: from.pricing.currency, toCurrency: to.pricing.currency },
    );
  }
}

async function computePlanChange(
  db: TDbClient,
  input: TPreviewPlanChangeInput,
  now: Date,
  lock: boolean,
): Promise<{ client: TChangeClient; preview: TPlanChangePreview; toLimits: Record<string, number | null> }> {
  const client = await loadClient(db, input.clientId, lock);
  const plans = await loadPlans(db, [...new Set([client.planKey, input.toPlanKey])], lock);
  const from = plans.get(client.planKey);
  const to = plans.get(input.toPlanKey);
  if (!to) throw new AppError("NOT_FOUND", `No plan with the key "${input.toPlanKey}".`, { key: input.toPlanKey });
  if (!from) throw new Error(`Client ${client.id} is on plan "${client.planKey}", which does not exist`);

  const noop = from.key === to.key;
  if (!noop) assertChangeAllowed(client, from, to);
  const proration = prorateChange({
    from: { key: from.key, baseCost: from.pricing.baseCost, prorationMode: from.pricing.prorationMode },
    to: { key: to.key, baseCost: to.pricing.baseCost, prorationMode: to.pricing.prorationMode },
    currency: client.currency,
    effectiveAt: now,
  });
  const warnings: TPlanChangeWarning[] = noop
    ? []
    : (await findLimitOverages(db, { scope: { clientId: client.id }, limits: to.limits, period: periodOf(now) })).overages.map(
        ({ limitKey, current, newLimit }) => ({ limitKey, current, newLimit }),
      );
  return {
    client,
    toLimits: to.limits,
    preview: {
      clientId: client.id,
      fromPlan: { key: from.key, name: from.name, version: from.version },
      toPlan: { key: to.key, name: to.name, version: to.version },
      prorationMode: proration.prorationMode,
      currency: proration.currency,
      period: proration.period,
      periodStart: proration.periodStart,
      periodEnd: proration.periodEnd,
      effectiveAt: proration.effectiveAt,
      daysInPeriod: proration.daysInPeriod,
      daysRemaining: proration.daysRemaining,
      fraction: proration.fraction,
      creditAmount: proration.creditAmount,
      chargeAmount: proration.chargeAmount,
      netAmount: proration.netAmount,
      warnings,
      requiresConfirmation: warnings.length > 0,
      noop,
    },
  };
}

/** What changePlan would do now, without writing anything. */
export async function previewPlanChange(
  db: TDbClient,
  input: TPreviewPlanChangeInput,
  now: Date = clockNow(),
): Promise<TPlanChangePreview> {
  return (await computePlanChange(db, input, now, false)).preview;
}

function describeWarnings(warnings: TPlanChangeWarning[]): string {
  return warnings.map((w) => `${w.limitKey}: ${w.current} used, new limit ${w.newLimit}`).join("; ");
}

/**
 * Moves the client to `toPlanKey` now: Client.planKey, a PlanChange row and an audit
 * entry, in one transaction. The same plan is a no-op that writes nothing.
 */
export async function changePlan(
  db: TDb,
  input: TChangePlanInput,
  actor: TSessionUser,
  now: Date = clockNow(),
): Promise<TChangePlanOutput> {
  return inTransaction(db, async (tx) => {
    const { client, preview, toLimits } = await computePlanChange(tx, input, now, true);
    if (preview.noop) return { ...preview, planChangeId: null };
    if (preview.requiresConfirmation && !input.confirmWarnings) {
      throw new AppError(
        "PLAN_CHANGE_NEEDS_CONFIRMATION",
        `This period's usage is already at or over the new plan's limits (${describeWarnings(preview.warnings)}); ` +
          "confirm the warnings to change the plan anyway.",
        { warnings: preview.warnings },
      );
    }

    await tx.client.update({ where: { id: client.id }, data: { planKey: preview.toPlan.key } });
    // Alerts the new limits put usage back under are resolved (the outbox sends alert.resolved).
    await resolveAlertsForNewLimits(tx, { scope: { clientId: client.id }, period: preview.period, limits: toLimits, now });
    const change = await tx.planChange.create({
      data: {
        createdAt: now,
        clientId: client.id,
        fromPlanKey: preview.fromPlan.key,
        fromPlanVersion: preview.fromPlan.version,
        toPlanKey: preview.toPlan.key,
        toPlanVersion: preview.toPlan.version,
        effectiveAt: preview.effectiveAt,
        prorationMode: preview.prorationMode,
        creditAmount: preview.creditAmount,
        chargeAmount: preview.chargeAmount,
        currency: preview.currency,
        warnings: preview.warnings,
        changedBy: actor.email,
        reason: input.reason,
      },
      select: { id: true },
    });
    await recordAudit(tx, actor, now, {
      action: "client.plan_change",
      entityType: "Client",
      entityId: client.id,
      clientId: client.id,
      before: { planKey: preview.fromPlan.key, planVersion: preview.fromPlan.version },
      after: {
        planKey: preview.toPlan.key,
        planVersion: preview.toPlan.version,
        planChangeId: change.id,
        prorationMode: preview.prorationMode,
        creditAmount: preview.creditAmount,
        chargeAmount: preview.chargeAmount,
        currency: preview.currency,
        warnings: preview.warnings,
      },
      reason: input.reason,
    });
    return { ...preview, planChangeId: change.id };
  });
}
