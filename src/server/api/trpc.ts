// tRPC wiring: context, error shape, and the procedures every router builds on.
import { randomUUID } from "node:crypto";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError, ZodRealError } from "zod";
import { AppError } from "@/server/errors/app-error";
import { RESERVED_KEY_MESSAGE, findProtoKey } from "@/shared/reserved-keys";
import { findUnstorableText } from "@/server/errors/storable-text";
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

/** A field error as the formatter reports it: the message names the path below the top-level field. */
function inputFieldError(path: Array<string | number>, message: string): TRPCError {
  const described = path.length > 1 ? `${path.slice(1).join(".")}: ${message}` : message;
  const cause = new ZodRealError([{ code: "custom", path, message: described, input: undefined }]);
  return new TRPCError({ code: "BAD_REQUEST", message: `${path.join(".") || "input"} ${message}`, cause });
}

/**
 * superjson, except that a "__proto__" key in an input is refused: its copy drops the
 * key silently, so no later check could name it (a plan saved without the limit sent).
 */
const transformer = {
  input: {
    serialize: (value: unknown) => superjson.serialize(value),
    deserialize: (payload: unknown) => {
      const path = findProtoKey((payload as { json?: unknown } | null)?.json);
      if (path) throw inputFieldError(path, RESERVED_KEY_MESSAGE);
      return superjson.deserialize(payload as Parameters<typeof superjson.deserialize>[0]);
    },
  },
  output: superjson,
};

const t = initTRPC.context<TTRPCContext>().create({
  transformer,
  errorFormatter: ({ shape, error, path }) => {
    // An error that is neither ours nor tRPC's own refusal (a database error, a bug):
    // its text may carry SQL, ORM or stack details. The caller gets a generic message
    // and a request id; the log gets the whole error under the same id.
    const unexpected = error.code === "INTERNAL_SERVER_ERROR" && !(error.cause instanceof AppError);
    // An input the parser threw on instead of reporting an issue (a check handing text it
    // had not validated to a library, say decimal.js): still the caller's bad input, but
    // the message is the library's. The caller gets a 400 without it; the log gets it.
    const unreadable = error.code === "BAD_REQUEST" && error.cause !== undefined && !(error.cause instanceof ZodError) && !(error.cause instanceof AppError);
    const requestId = unexpected || unreadable ? randomUUID() : null;
    if (requestId) console.error(`tRPC ${path ?? "(unknown procedure)"} failed [request ${requestId}]:`, error.cause ?? error);
    return {
      ...shape,
      message: unexpected
        ? `Something went wrong on our side (request ${requestId}). It has been logged; try again.`
        : unreadable
          ? `The input could not be read; check its fields (request ${requestId}).`
          : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        ...(requestId ? { requestId } : {}),
        // Field-level messages the UI shows next to inputs: { fieldErrors: { name: [...] } }.
        zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
        appError: error.cause instanceof AppError ? { code: error.cause.code, ...error.cause.data } : null,
      },
    };
  },
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

/**
 * Every input, before its schema and before any database round trip: a string (or key)
 * PostgreSQL cannot store is a 400 naming its field, like any other field error.
 */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  const issue = findUnstorableText(await getRawInput());
  if (issue) {
    const cause = new ZodRealError([{ code: "custom", path: issue.path, message: issue.message, input: undefined }]);
    throw new TRPCError({ code: "BAD_REQUEST", message: `${issue.path.join(".") || "input"} ${issue.message}`, cause });
  }
  return next();
});

export const publicProcedure = t.procedure.use(appErrors).use(storableInput);

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
