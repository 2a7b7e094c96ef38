import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { verifyPassword } from "./password";
import type { TSessionUser } from "./session";

export const ZCredentials = z.object({
  email: z.email().transform((email) => email.toLowerCase()),
  password: z.string().min(1).max(200),
});

/** Null when the email is unknown or the password wrong: the caller must not say which. */
export async function authenticateAdmin(db: TDbClient, credentials: unknown): Promise<TSessionUser | null> {
  const parsed = ZCredentials.safeParse(credentials);
  if (!parsed.success) return null;
  const user = await db.adminUser.findUnique({
    where: { email: parsed.data.email },
    select: { id: true, email: true, name: true, role: true, passwordHash: true },
  });
  if (!user || !(await verifyPassword(parsed.data.password, user.passwordHash))) return null;
  await db.adminUser.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
