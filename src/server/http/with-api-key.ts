// The wrapper of every public tenant endpoint (like dub's withPublishableKey): the CORS
// preflight, the body's size limit and JSON parsing, the API key's format, the origin,
// CORS headers, and JSON errors in the one shape (toErrorResponse).
//
// The key's row is not loaded here: the endpoint's domain function loads it with the
// tenant's context in one statement and applies the key rules there (assertKeyUsable:
// unknown or revoked key, origin, suspended client), so the hot path pays one round trip.
// A refusal of the key or origin is answered without CORS headers: the origin was not
// accepted.
import type { z } from "zod";
import type { TDb } from "@/server/db/client";
import { AppError, type TAppErrorCode } from "@/server/errors/app-error";
import { keyHashFromAuthorization } from "@/server/clients/api-keys";
import { toErrorResponse, type TUnexpectedErrorText } from "./error-response";
import { readJsonBody } from "./request-body";

/** Who calls: the key's hash (its format checked) and the browser's Origin, if any. */
export type TApiKeyCaller = { keyHash: string; origin: string | null };

export type TCorsHeaders = Record<string, string>;

const KEY_REFUSALS = new Set<TAppErrorCode>(["UNAUTHORIZED", "KEY_REVOKED", "FORBIDDEN", "CLIENT_SUSPENDED"]);

function corsHeaders(origin: string | null): TCorsHeaders {
  if (!origin) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "false",
    "access-control-expose-headers": "retry-after",
    vary: "Origin",
  };
}

type TOptions<TSchema extends z.ZodType> = {
  getDb: () => Promise<TDb>;
  /** The request body's schema; a body that fails it is a 400 naming each field. */
  body: TSchema;
  /** Bodies larger than this are refused before parsing (413). */
  maxBodyBytes: number;
  /** For the log and the caller when something unexpected fails. */
  unexpected: TUnexpectedErrorText;
};

export function withApiKey<TSchema extends z.ZodType>(
  options: TOptions<TSchema>,
  handler: (args: { request: Request; db: TDb; caller: TApiKeyCaller; body: z.output<TSchema>; cors: TCorsHeaders }) => Promise<Response>,
) {
  async function POST(request: Request): Promise<Response> {
    const origin = request.headers.get("origin");
    let reached = false;
    try {
      const keyHash = keyHashFromAuthorization(request.headers.get("authorization"));
      const body = await readJsonBody(request, options.body, options.maxBodyBytes);
      const db = await options.getDb();
      reached = true;
      return await handler({ request, db, caller: { keyHash, origin }, body, cors: corsHeaders(origin) });
    } catch (error) {
      const originAccepted = reached && !(error instanceof AppError && KEY_REFUSALS.has(error.code));
      return toErrorResponse(error, options.unexpected, originAccepted ? corsHeaders(origin) : {});
    }
  }

  async function OPTIONS(request: Request): Promise<Response> {
    const origin = request.headers.get("origin");
    // A preflight carries no key: allow origins that some client lists; the real request
    // is then checked against the key's own client.
    if (!origin) return new Response(null, { status: 204 });
    try {
      const db = await options.getDb();
      const known = await db.client.count({ where: { allowedOrigins: { has: origin } } });
      if (!known) return new Response(null, { status: 403 });
    } catch (error) {
      return toErrorResponse(error, { what: `CORS preflight from ${origin.slice(0, 200)}`, message: "The preflight could not be answered; try again." });
    }
    return new Response(null, {
      status: 204,
      headers: {
        ...corsHeaders(origin),
        "access-control-allow-methods": "POST, OPTIONS",
        "access-control-allow-headers": "authorization, content-type",
        "access-control-max-age": "600",
      },
    });
  }

  return { POST, OPTIONS };
}
