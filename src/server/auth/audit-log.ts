// The audit trail: one writer for every change an admin, a scheduled job or a webhook
// makes to money, plans, tenants or users. Callers pass the transaction that makes the
// change, so the entry exists exactly when the change does.
import type { Prisma } from "@/generated/prisma/client";
import type { TDbClient } from "@/server/db/client";

/** Who made a change: an admin (id and email), or a system actor such as "system:cron" (no id). */
export type TActor = { id: string | null; email: string };

type TJson = Prisma.InputJsonValue | typeof Prisma.DbNull;

export type TAuditEntry = {
  /** What happened, `<entity>.<verb>`: plan.update, invoice.mark_paid, client.provider_change... */
  action: string;
  entityType: string;
  entityId: string;
  /** The tenant the change concerns, when there is one (the client page lists its entries). */
  clientId?: string | null;
  before?: TJson;
  after?: TJson;
  reason?: string | null;
};

export function recordAudit(db: TDbClient, actor: TActor, now: Date, entry: TAuditEntry) {
  return db.auditLog.create({ data: { createdAt: now, actorId: actor.id, actorEmail: actor.email, ...entry } });
}
