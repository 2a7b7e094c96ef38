// The dashboard's users: who can sign in, with which role. Admins add users, change roles,
// deactivate and reactivate them and reset passwords; each change is audited in its
// transaction, and the ones that take rights away end the user's sessions (admin-sessions.ts).
// The last active admin can be neither demoted nor deactivated: someone must keep the keys.
import { recordAudit } from "./audit-log";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { endUserSessions } from "./admin-sessions";
import { hashPassword } from "./password";
import { ZAdminRole, type TSessionUser } from "./session";

export const ZAdminUserRow = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZAdminRole,
  lastLoginAt: z.date().nullable(),
  createdAt: z.date(),
  deactivatedAt: z.date().nullable(),
  liveSessions: z.number().int(),
});
export type TAdminUserRow = z.infer<typeof ZAdminUserRow>;

export async function listAdminUsers(db: TDbClient, now: Date): Promise<TAdminUserRow[]> {
  const users = await db.adminUser.findMany({
    orderBy: [{ deactivatedAt: { sort: "asc", nulls: "first" } }, { email: "asc" }],
    select: {
      id: true, email: true, name: true, role: true, lastLoginAt: true, createdAt: true, deactivatedAt: true,
      _count: { select: { sessions: { where: { revokedAt: null, expiresAt: { gt: now } } } } },
    },
  });
  return users.map(({ _count, ...user }) => ({ ...user, liveSessions: _count.sessions }));
}

/** A temporary password, shown once to the admin who hands it over; 20 characters of base64url. */
function temporaryPassword(): string {
  return randomBytes(15).toString("base64url");
}

const ZUserId = z.uuid("must be a user id");

export const ZAddAdminUserInput = z.strictObject({
  email: z.email("enter an email address").max(320).transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1, "enter a name").max(120),
  role: ZAdminRole,
});
export const ZSetAdminRoleInput = z.strictObject({ id: ZUserId, role: ZAdminRole });
export const ZSetAdminUserActiveInput = z.strictObject({
  id: ZUserId,
  active: z.boolean(),
  reason: z.string().trim().min(3, "say why, in a few words").max(500),
});
export const ZResetAdminPasswordInput = z.strictObject({ id: ZUserId });
export const ZIssuedPassword = z.object({ id: z.string(), email: z.string(), temporaryPassword: z.string() });

type TUserBefore = { id: string; email: string; role: "admin" | "viewer"; deactivatedAt: Date | null };

/** The user, locked with every active admin, so that two admins demoting each other cannot both succeed. */
async function lockUser(tx: TDbClient, id: string): Promise<{ user: TUserBefore; activeAdmins: number }> {
  const admins = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id::text AS id FROM "AdminUser" WHERE role = 'admin' AND "deactivatedAt" IS NULL ORDER BY id FOR UPDATE`,
  );
  const rows = await tx.$queryRawUnsafe<TUserBefore[]>(
    `SELECT id::text AS id, email, role::text AS role, "deactivatedAt" FROM "AdminUser" WHERE id = $1::uuid FOR UPDATE`,
    id,
  );
  const user = rows[0];
  if (!user) throw new AppError("NOT_FOUND", "No user with that id.", { id });
  return { user, activeAdmins: admins.length };
}

function refuseLastAdmin(user: TUserBefore, activeAdmins: number, change: string): void {
  if (user.role === "admin" && user.deactivatedAt === null && activeAdmins <= 1) {
    throw new AppError("LAST_ADMIN", `${user.email} is the last active admin: make another user an admin before you ${change}.`, { id: user.id });
  }
}

type TAudit = { action: string; entityId: string; before?: object; after?: object; reason?: string };
function audit(tx: TDbClient, actor: TSessionUser, now: Date, entry: TAudit) {
  return recordAudit(tx, actor, now, { entityType: "AdminUser", ...entry });
}

export async function addAdminUser(db: TDb, input: z.infer<typeof ZAddAdminUserInput>, actor: TSessionUser, now: Date) {
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  return inTransaction(db, async (tx) => {
    const taken = await tx.adminUser.findUnique({ where: { email: input.email }, select: { id: true } });
    if (taken) throw new AppError("EMAIL_TAKEN", `${input.email} already has an account.`, { field: "email" });
    const user = await tx.adminUser.create({
      data: { email: input.email, name: input.name, role: input.role, passwordHash, createdAt: now },
      select: { id: true, email: true },
    });
    await audit(tx, actor, now, { action: "admin_user.create", entityId: user.id, after: { email: user.email, name: input.name, role: input.role } });
    return { ...user, temporaryPassword: password };
  });
}

/** A role change applies on the user's next request: the role is read from here each time. */
export async function setAdminRole(db: TDb, input: z.infer<typeof ZSetAdminRoleInput>, actor: TSessionUser, now: Date) {
  return inTransaction(db, async (tx) => {
    const { user, activeAdmins } = await lockUser(tx, input.id);
    if (user.role === input.role) return { id: user.id, role: user.role };
    if (input.role !== "admin") refuseLastAdmin(user, activeAdmins, "demote them");
    await tx.adminUser.update({ where: { id: user.id }, data: { role: input.role } });
    await audit(tx, actor, now, { action: "admin_user.role_change", entityId: user.id, before: { role: user.role }, after: { role: input.role } });
    return { id: user.id, role: input.role };
  });
}

/** Deactivating ends every session of the user at once; reactivating lets them sign in again. */
export async function setAdminUserActive(db: TDb, input: z.infer<typeof ZSetAdminUserActiveInput>, actor: TSessionUser, now: Date) {
  return inTransaction(db, async (tx) => {
    const { user, activeAdmins } = await lockUser(tx, input.id);
    const active = user.deactivatedAt === null;
    if (active === input.active) return { id: user.id, active };
    if (!input.active) refuseLastAdmin(user, activeAdmins, "deactivate them");
    await tx.adminUser.update({ where: { id: user.id }, data: { deactivatedAt: input.active ? null : now } });
    const endedSessions = input.active ? 0 : await endUserSessions(tx, user.id, now);
    await audit(tx, actor, now, {
      action: input.active ? "admin_user.reactivate" : "admin_user.deactivate",
      entityId: user.id,
      before: { active },
      after: { active: input.active, endedSessions },
      reason: input.reason,
    });
    return { id: user.id, active: input.active };
  });
}

/** A new temporary password; the old one stops working and every session of the user ends. */
export async function resetAdminPassword(db: TDb, input: z.infer<typeof ZResetAdminPasswordInput>, actor: TSessionUser, now: Date) {
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  return inTransaction(db, async (tx) => {
    const { user } = await lockUser(tx, input.id);
    await tx.adminUser.update({ where: { id: user.id }, data: { passwordHash } });
    const endedSessions = await endUserSessions(tx, user.id, now);
    await audit(tx, actor, now, { action: "admin_user.password_reset", entityId: user.id, after: { endedSessions } });
    return { id: user.id, email: user.email, temporaryPassword: password };
  });
}
