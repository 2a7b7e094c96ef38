import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getServerSession } from "next-auth";
import { z } from "zod";
import { env } from "@/env";
import { clockNow } from "@/server/clock";
import { getDb, type TDb } from "@/server/db/client";
import { endSession, liveSessionUser, SESSION_MAX_AGE_SECONDS, startSession } from "./admin-sessions";
import { authenticateAdmin } from "./authenticate-admin";
import type { TSession } from "./session";
import { clientAddress, createSignInLimiter, SignInBlockedError, type TSignInLimiter } from "./sign-in-limits";

/** The error the login form receives while sign-in is blocked: `SignInBlocked:<seconds>`. */
export const SIGN_IN_BLOCKED = "SignInBlocked";

const limiters = new WeakMap<TDb, TSignInLimiter>();
function signInLimiter(db: TDb): TSignInLimiter {
  let limiter = limiters.get(db);
  if (!limiter) limiters.set(db, (limiter = createSignInLimiter(db)));
  return limiter;
}

/** What the JWT cookie carries: which AdminSession row it stands for. Nothing else is trusted from it. */
const ZSessionRef = z.object({ sid: z.uuid() });

// A function, not a constant: the secret is read at request time, so `next build`
// needs no secrets.
export function authOptions(): NextAuthOptions {
  return {
    secret: env().NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize: async (credentials, request) => {
          const db = await getDb();
          const address = clientAddress(request?.headers);
          try {
            const user = await authenticateAdmin(db, credentials, { limiter: signInLimiter(db), address, now: clockNow() });
            if (!user) return null;
            const session = await startSession(db, user.id, clockNow());
            return { ...user, sid: session.id };
          } catch (error) {
            if (error instanceof SignInBlockedError) {
              console.warn(`sign-in blocked for ${address} (${String((credentials as { email?: unknown } | undefined)?.email ?? "?").slice(0, 320)}): retry in ${error.retryAfterSeconds} s`);
              // next-auth hands this message to the login form as result.error.
              throw new Error(`${SIGN_IN_BLOCKED}:${error.retryAfterSeconds}`);
            }
            throw error;
          }
        },
      }),
    ],
    callbacks: {
      jwt: ({ token, user }) => {
        if (user) Object.assign(token, { id: user.id, sid: (user as { sid?: string }).sid });
        return token;
      },
      session: ({ session, token }) => {
        Object.assign(session.user ?? {}, { id: token.id, sid: token.sid });
        return session;
      },
    },
    events: {
      signOut: async ({ token }) => {
        const ref = ZSessionRef.safeParse(token);
        if (ref.success) await endSession(await getDb(), ref.data.sid, clockNow());
      },
    },
  };
}

/**
 * The signed-in admin, or null: a cookie counts only while its session is live and its user
 * active, and the role is the user's role now, not when the cookie was made.
 */
export async function getSession(): Promise<TSession | null> {
  const session = await getServerSession(authOptions());
  const ref = ZSessionRef.safeParse(session?.user);
  if (!ref.success) return null;
  const user = await liveSessionUser(await getDb(), ref.data.sid, clockNow());
  return user ? { user } : null;
}
