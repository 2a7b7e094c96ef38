// A client's switch for model routing (Client.routingEnabled). The plan's rules
// (PlanConfig.optimization.routing) decide which messages go to a cheaper model; the switch
// lets an admin turn routing off for one client whose plan has it on. Routing happens only
// when both are on. Audited with before and after; setting the same value writes nothing.
import { z } from "zod";
import type { TSessionUser } from "@/server/auth/session";
import { recordAudit } from "@/server/auth/audit-log";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { ZPlanOptimization } from "@/shared/plan-optimization";

export const ZSetClientRoutingInput = z.object({
  id: z.uuid("must be a client id"),
  enabled: z.boolean({ error: "must be true or false" }),
});
export type TSetClientRoutingInput = z.input<typeof ZSetClientRoutingInput>;

export const ZGetClientRoutingInput = z.object({ id: z.uuid("must be a client id") });

export const ZClientRouting = z.object({
  id: z.string(),
  routingEnabled: z.boolean(),
  plan: z.object({ key: z.string(), name: z.string() }),
  /** The plan's cost settings (context budget, compression, routing rules, degradation). */
  optimization: ZPlanOptimization,
  /** Whether messages are routed for this client now: the plan's rules on and the client's switch on. */
  routingActive: z.boolean(),
});
export type TClientRouting = z.infer<typeof ZClientRouting>;

export async function getClientRouting(db: TDbClient, rawInput: { id: string }): Promise<TClientRouting> {
  const { id } = parseInput(ZGetClientRoutingInput, rawInput);
  const row = await db.client.findUnique({ where: { id }, select: { id: true, routingEnabled: true, plan: { select: { key: true, name: true, optimization: true } } } });
  if (!row) throw new AppError("NOT_FOUND", "No client with that id.", { id });
  // Stored JSON was validated when the plan was saved; parsing again fills the defaults.
  const optimization = ZPlanOptimization.parse(row.plan.optimization ?? {});
  return {
    id: row.id,
    routingEnabled: row.routingEnabled,
    plan: { key: row.plan.key, name: row.plan.name },
    optimization,
    routingActive: row.routingEnabled && optimization.routing.enabled,
  };
}

export async function setClientRouting(db: TDb, rawInput: TSetClientRoutingInput, actor: TSessionUser, now: Date): Promise<{ id: string; routingEnabled: boolean }> {
  const { id, enabled } = parseInput(ZSetClientRoutingInput, rawInput);
  return inTransaction(db, async (tx) => {
    // Locked: two admins switching at once apply one after the other, each audit's "before" being what the other left.
    const rows = await tx.$queryRaw<Array<{ routingEnabled: boolean }>>`SELECT "routingEnabled" FROM "Client" WHERE id = ${id}::uuid FOR UPDATE`;
    const before = rows[0];
    if (!before) throw new AppError("NOT_FOUND", "No client with that id.", { id });
    if (before.routingEnabled === enabled) return { id, routingEnabled: enabled };
    await tx.client.update({ where: { id }, data: { routingEnabled: enabled, updatedAt: now }, select: { id: true } });
    await recordAudit(tx, actor, now, {
      action: "client.routing_change",
      entityType: "Client",
      entityId: id,
      clientId: id,
      before: { routingEnabled: before.routingEnabled },
      after: { routingEnabled: enabled },
    });
    return { id, routingEnabled: enabled };
  });
}
