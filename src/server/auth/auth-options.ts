import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getServerSession } from "next-auth";
import { env } from "@/env";
import { getDb } from "@/server/db/client";
import { authenticateAdmin } from "./authenticate-admin";
import { ZSessionUser, type TSession } from "./session";

// A function, not a constant: the secret is read at request time, so `next build`
// needs no secrets.
export function authOptions(): NextAuthOptions {
  return {
  secret: env().NEXTAUTH_SECRET,
  session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: async (credentials) => authenticateAdmin(await getDb(), credentials),
    }),
  ],
  callbacks: {
    jwt: ({ token, user }) => {
      if (user) Object.assign(token, { id: user.id, role: (user as { role?: string }).role });
      return token;
    },
    session: ({ session, token }) => {
      Object.assign(session.user ?? {}, { id: token.id, role: token.role });
      return session;
    },
  },
  };
}

/** The signed-in admin, or null. A token without a valid role counts as signed out. */
export async function getSession(): Promise<TSession | null> {
  const session = await getServerSession(authOptions());
  const user = ZSessionUser.safeParse(session?.user);
  return user.success ? { user: user.data } : null;
}
