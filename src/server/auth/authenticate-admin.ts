import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { hashPassword, verifyPassword } from "./password";
import type { TSessionUser } from "./session";
import { SignInBlockedError, type TSignInLimiter } from "./sign-in-limits";

export const ZCredentials = z.object({
  email: z.email().max(320).transform((email) => email.toLowerCase()),
  password: z.string().min(1).max(200),
});

// An unknown email is checked against this hash, so that it costs what a wrong password
// costs: the time of an answer must not tell which emails have an account.
let dummyHash: Promise<string> | undefined;
function unknownUserHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(24).toString("base64url"));
  return dummyHash;
}

export type TAuthenticateContext = { limiter: TSignInLimiter; address: string; now: Date };

/**
 * The user, or null when the email is unknown, the user deactivated or the password wrong:
 * the caller must not say which. Throws SignInBlockedError while too many attempts failed,
 * before the password is even looked at.
 */
export async function authenticateAdmin(db: TDbClient, credentials: unknown, { limiter, address, now }: TAuthenticateContext): Promise<TSessionUser | null> {
  const parsed = ZCredentials.safeParse(credentials);
  if (!parsed.success) return null;
  const attempt = { email: parsed.data.email, address };
  const blocked = await limiter.blockedFor(attempt);
  if (blocked) throw new SignInBlockedError(blocked.retryAfterSeconds);

  const user = await db.adminUser.findUnique({
    where: { email: parsed.data.email },
    select: { id: true, email: true, name: true, role: true, passwordHash: true, deactivatedAt: true },
  });
  const matches = await verifyPassword(parsed.data.password, user?.passwordHash ?? (await unknownUserHash()));
  if (!user || !matches || user.deactivatedAt !== null) {
    await limiter.recordFailure(attempt);
    return null;
  }
  await limiter.recordSuccess(attempt);
  await db.adminUser.update({ where: { id: user.id }, data: { lastLoginAt: now } });
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
