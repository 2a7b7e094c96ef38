// The one JSON error body of every route handler that is not tRPC:
//   { error: <message>, code: <AppError code>, ...<the error's data> }
// An AppError answers its own message with the status of its code (one table:
// src/server/errors/app-error.ts). Anything else is unexpected: its text may carry SQL,
// ORM or stack details, so the caller gets a generic message and a request id, and the
// log gets the whole error under the same id.
import { randomUUID } from "node:crypto";
import { AppError } from "@/server/errors/app-error";

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } as const;

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export type TUnexpectedErrorText = {
  /** What failed, for the log: "chat request", `invoice PDF ${id}`. */
  what: string;
  /** What the caller is told (a request id is added): what happened and whether to retry. */
  message: string;
};

export function toErrorResponse(error: unknown, unexpected: TUnexpectedErrorText, headers: Record<string, string> = {}): Response {
  if (error instanceof AppError) {
    // retryAfterSeconds travels as the Retry-After header, not in the body.
    const { retryAfterSeconds, ...data } = error.data as { retryAfterSeconds?: number };
    return jsonResponse(
      error.httpStatus,
      { ...data, error: error.message, code: error.code },
      { ...headers, ...(retryAfterSeconds ? { "retry-after": String(retryAfterSeconds) } : {}) },
    );
  }
  const requestId = randomUUID();
  console.error(`${unexpected.what} failed [request ${requestId}]:`, error);
  return jsonResponse(500, { error: `${unexpected.message} (request ${requestId})`, code: "INTERNAL_SERVER_ERROR", requestId }, headers);
}
