// tRPC for server components: calls procedures in-process, with the request's session.
import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { getSession } from "@/server/auth/auth-options";
import { getDb } from "@/server/db/client";

const createContext = cache(async () =>
  createTRPCContext({ db: await getDb(), session: await getSession(), headers: new Headers(await headers()) }),
);

export const api = createCaller(createContext);
