// tRPC for server components: calls procedures in-process, with the request's session.
import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { getSession } from "@/server/auth/auth-options";
import { getDb } from "@/server/db/client";

const createContext = cache(async () =>
  createTRPCContext({ db: await getDb(), session: await getSession(), headers: new Headers(await headers()) }),
);

// A session that ended while the page rendered (signed out elsewhere, deactivated, revoked)
// sends the admin to the login page instead of rendering an error: the layout's own check and
// the page's procedures run concurrently, so the procedure can be the first to notice.
export const api = createCaller(createContext, {
  onError: ({ error }) => {
    if (error.code === "UNAUTHORIZED") redirect("/login");
  },
});
