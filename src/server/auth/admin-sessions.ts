// Revocable sign-in sessions. The browser's cookie is a next-auth JWT that carries the id of
// an AdminSession row; a request is signed in only while that row is live and its user is
// active, and the role comes from AdminUser each time. So sign-out, a role change, a
// password reset and deactivation take effect on the next request, not when the JWT expires.
import type { TDbClient } from "@/server/db/client";
import type { TSessionUser } from "./session";

/** How long a sign-in lasts, whatever the activity: an admin signs in again after it. */
export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** Ended sessions are kept this long (who was signed in when), then deleted at the user's next sign-in. */
const ENDED_SESSION_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export async function startSession(db: TDbClient, userId: string, now: Date): Promise<{ id: string; expiresAt: Date }> {
  await db.adminSession.deleteMany({ where: { userId, expiresAt: { lt: new Date(now.getTime() - ENDED_SESSION_RETENTION_MS) } } });
  return db.adminSession.create({
    data: { userId, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000) },
    select: { id: true, expiresAt: true },
  });
}

/** The session's user as of now, or null when the session ended, expired, or its user was deactivated. */
export async function liveSessionUser(db: TDbClient, sessionId: string, now: Date): Promise<TSessionUser | null> {
  const session = await db.adminSession.findFirst({
    where: { id: sessionId, revokedAt: null, expiresAt: { gt: now }, user: { deactivatedAt: null } },
    select: { user: { select: { id: true, email: true, name: true, role: true } } },
  });
  return session?.user ?? null;
}

/** Sign-out: this session only. */
export async function endSession(db: TDbClient, sessionId: string, now: Date): Promise<void> {
  await db.adminSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
}

/** Every session of a user (a password reset, a deactivation). Returns how many were still open. */
export async function endUserSessions(db: TDbClient, userId: string, now: Date): Promise<number> {
  const ended = await db.adminSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
  return ended.count;
}
