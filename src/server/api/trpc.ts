// tRPC wiring: context, error shape, and the procedures every router builds on.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { AppError } from "@/server/errors/app-error";
import type { TSession } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import { authenticateApiKey } from "@/server/clients/api-keys";

export type TTRPCContext = {
  db: TDb;
  session: TSession | null;
  headers: Headers;
};

export function createTRPCContext(context: TTRPCContext): TTRPCContext {
  return context;
}

const t = initTRPC.context<TTRPCContext>().create({
  transformer: superjson,
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    data: {
      ...shape.data,
      // Field-level messages the UI shows next to inputs: { fieldErrors: { name: [...] } }.
      zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
      appError: error.cause instanceof AppError ? { code: error.cause.code, ...error.cause.data } : null,
    },
  }),
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

/** Domain code throws AppError; its code picks the tRPC code in one table. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const cause = result.error.cause;
    throw new TRPCError({ code: cause.trpcCode, message: cause.message, cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(appErrors);

/** Any signed-in admin user, read-only or not. */
export const viewerProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

/** Changes data: the admin role only. A viewer is FORBIDDEN, not UNAUTHORIZED. */
export const adminProcedure = viewerProcedure.use(({ ctx, next }) => {
  if (ctx.session.user.role !== "admin") {
    throw new TRPCError({ code: "FORBIDDEN", message: "This action needs the admin role; you are signed in as a viewer." });
  }
  return next({ ctx });
});

/** Tenant callers: `Authorization: Bearer <secret API key>`; ctx.client is the key's client. */
export const apiKeyProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const client = await authenticateApiKey(ctx.db, {
    authorization: ctx.headers.get("authorization"),
    origin: ctx.headers.get("origin"),
  });
  return next({ ctx: { ...ctx, client } });
});
