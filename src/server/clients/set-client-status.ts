import { z } from "zod";
import { inTransaction, type TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import type { TSessionUser } from "@/server/auth/session";
import { clockNow } from "@/server/clock";
import { recordAudit } from "@/server/auth/audit-log";

export const ZSetClientStatusInput = z.object({
  id: z.uuid("must be a client id"),
  status: z.enum(["active", "suspended", "cancelled"]),
  reason: z.string().trim().min(3, "say why, in a few words").max(500),
});
export type TSetClientStatusInput = z.infer<typeof ZSetClientStatusInput>;

export const ZSetClientStatusOutput = z.object({ id: z.string(), status: ZSetClientStatusInput.shape.status });
export type TSetClientStatusOutput = z.infer<typeof ZSetClientStatusOutput>;

/** Suspends, reactivates or cancels a client, with an audit entry in the same transaction. */
export async function setClientStatus(
  db: TDb,
  input: TSetClientStatusInput,
  actor: TSessionUser,
): Promise<TSetClientStatusOutput> {
  return inTransaction(db, async (tx) => {
    const before = await tx.client.findUnique({ where: { id: input.id }, select: { id: true, status: true } });
    if (!before) throw new AppError("NOT_FOUND", "No client with that id.", { id: input.id });
    if (before.status === input.status) return { id: before.id, status: before.status };
    const after = await tx.client.update({ where: { id: input.id }, data: { status: input.status }, select: { id: true, status: true } });
    await recordAudit(tx, actor, clockNow(), {
      action: "client.status_change",
      entityType: "Client",
      entityId: input.id,
      clientId: input.id,
      before: { status: before.status },
      after: { status: after.status },
      reason: input.reason,
    });
    return after;
  });
}
