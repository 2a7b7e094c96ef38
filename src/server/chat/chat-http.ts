// POST /api/chat as a plain (Request) => Response function, so the Next route, the
// tests and the benchmark run the very same code. `withApiKey` does what every public
// tenant endpoint needs: CORS for the client's widget origins, the API key, and JSON errors.
import type { TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { authenticateApiKey, keyHashFromAuthorization, type TAuthenticatedClient } from "@/server/clients/api-keys";
import { clockNow } from "@/server/clock";
import { ZChatRequest, type TChatRequest } from "./chat-request";
import type { TChatCaller } from "./load-chat-context";
import { sendChatMessage, streamChatMessage, type TLlmGateway } from "./send-chat-message";

/** Bodies larger than this are refused before parsing (413). */
export const MAX_BODY_BYTES = 64 * 1024;

type TDeps = {
  getDb: () => Promise<TDb>;
  gateway: TLlmGateway;
  /** The instant a request is served at; default the app's clock (tests pin it per request). */
  now?: () => Date;
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

function corsHeaders(origin: string | null): Record<string, string> {
  if (!origin) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-credentials": "false",
    "access-control-expose-headers": "retry-after",
    vary: "Origin",
  };
}

/** Maps any error to the public JSON shape; unexpected ones are logged and hidden. */
export function errorResponse(error: unknown, cors: Record<string, string> = {}): Response {
  if (error instanceof AppError) {
    if (error.code === "PLAN_LIMIT_EXCEEDED") {
      const { retryAfterSeconds, ...data } = error.data as { retryAfterSeconds?: number };
      return json(429, { error: "Plan limit exceeded", ...data }, {
        ...cors,
        ...(retryAfterSeconds ? { "retry-after": String(retryAfterSeconds) } : {}),
      });
    }
    const { retryAfterSeconds, ...data } = error.data as { retryAfterSeconds?: number };
    return json(error.httpStatus, { error: error.message, code: error.code, ...data }, {
      ...cors,
      ...(retryAfterSeconds ? { "retry-after": String(retryAfterSeconds) } : {}),
    });
  }
  console.error("chat request failed:", error);
  return json(500, { error: "Internal error; nothing was charged. Try again." }, cors);
}

async function readJsonBody(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `Body is larger than ${MAX_BODY_BYTES} bytes.`);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `Body is larger than ${MAX_BODY_BYTES} bytes.`);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "Body must be a JSON object.");
  }
}

function parseChatBody(body: unknown) {
  const parsed = ZChatRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(",") : "(body)"),
    message: issue.message,
  }));
  throw new AppError("BAD_REQUEST", `Invalid request body: ${issues.map((i) => `${i.field} ${i.message}`).join("; ")}`, {
    issues,
  });
}

/**
 * The tenant wrapper: authenticates the key (a browser Origin must be one of the
 * client's widget origins, whatever the key), then runs the handler with JSON errors.
 */
export function withApiKey(
  deps: Pick<TDeps, "getDb">,
  handler: (args: { request: Request; db: TDb; client: TAuthenticatedClient; cors: Record<string, string> }) => Promise<Response>,
) {
  return async (request: Request): Promise<Response> => {
    const origin = request.headers.get("origin");
    let cors: Record<string, string> = {};
    try {
      const db = await deps.getDb();
      const client = await authenticateApiKey(db, { authorization: request.headers.get("authorization"), origin });
      // authenticateApiKey refused any origin the client does not allow.
      cors = corsHeaders(origin);
      return await handler({ request, db, client, cors });
    } catch (error) {
      return errorResponse(error, cors);
    }
  };
}

/** Refusals of the key or origin: answered without CORS headers (the origin was not accepted). */
const KEY_REFUSALS = new Set(["UNAUTHORIZED", "FORBIDDEN", "CLIENT_SUSPENDED"]);

/**
 * The chat route's tenant wrapper. The key's format is checked here, without a database
 * (401); the body is read and parsed (400, 413); the key's row is then loaded with the
 * chat's context in one statement (loadChatContext), which applies the same key rules as
 * withApiKey. CORS headers go on every answer given after the key and origin passed.
 */
function withChatKey(
  deps: Pick<TDeps, "getDb">,
  handler: (args: { request: Request; db: TDb; caller: TChatCaller; body: TChatRequest; cors: Record<string, string> }) => Promise<Response>,
) {
  return async (request: Request): Promise<Response> => {
    const origin = request.headers.get("origin");
    let accepted = false;
    try {
      const keyHash = keyHashFromAuthorization(request.headers.get("authorization"));
      const body = parseChatBody(await readJsonBody(request));
      const db = await deps.getDb();
      accepted = true;
      return await handler({ request, db, caller: { keyHash, origin }, body, cors: corsHeaders(origin) });
    } catch (error) {
      const originAccepted = accepted && !(error instanceof AppError && KEY_REFUSALS.has(error.code));
      return errorResponse(error, originAccepted ? corsHeaders(origin) : {});
    }
  };
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function createChatHandler(deps: TDeps) {
  const clock = deps.now ?? clockNow;
  const POST = withChatKey(deps, async ({ request, db, caller, body, cors }) => {
    if (!body.stream) {
      // No abort signal: a caller that hangs up does not stop a call the provider is already
      // working on; it runs to the end and is metered and stored, so a retry with the same
      // idempotency key gets the answer instead of a second provider call.
      const reply = await sendChatMessage(db, deps.gateway, { caller, request: body, clock });
      return json(200, reply, cors);
    }

    const started = await streamChatMessage(db, deps.gateway, { caller, request: body, signal: request.signal, clock });
    const encoder = new TextEncoder();
    const headers = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", ...cors };
    if (started.kind === "replay") {
      const reply = started.reply;
      return new Response(sse("delta", { text: reply.reply }) + sse("done", reply), { headers });
    }

    const { stream } = started;
    const iterator = stream.deltas[Symbol.asyncIterator]();
    // Pull the first delta before answering, so a chain that fails entirely is a plain 503.
    let first: IteratorResult<string>;
    try {
      first = await iterator.next();
    } catch (error) {
      // Answer only once the reservation is given back: a 503 means nothing is held.
      await stream.finished.catch(() => undefined);
      throw error;
    }
    const body$ = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (chunk: string) => {
          try {
            controller.enqueue(encoder.encode(chunk));
          } catch {
            // The client went away; keep draining so the call is still metered.
          }
        };
        send(sse("start", { conversationId: stream.conversationId }));
        try {
          if (!first.done) send(sse("delta", { text: first.value }));
          for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
            send(sse("delta", { text: step.value }));
          }
          const { reply, interrupted } = await stream.finished;
          // A reply the provider cut off is not "done": the widget must not show it as whole.
          if (interrupted) {
            send(sse("error", { error: "The reply was interrupted. Please try again.", code: "REPLY_INTERRUPTED", ...reply }));
          } else {
            send(sse("done", reply));
          }
        } catch (error) {
          if (!(error instanceof AppError)) {
            // Not silent: the answer may have been produced without being metered.
            console.error(`chat stream of conversation ${stream.conversationId} failed after it started:`, error);
          }
          send(sse("error", { error: error instanceof AppError ? error.message : "The reply was interrupted." }));
        } finally {
          try {
            controller.close();
          } catch {
            // already closed by a disconnect
          }
        }
      },
      async cancel() {
        // Client disconnected: stop the provider; deltas() records what it produced.
        await iterator.return?.();
      },
    });
    return new Response(body$, { headers });
  });

  async function OPTIONS(request: Request): Promise<Response> {
    const origin = request.headers.get("origin");
    // A preflight carries no key: allow origins that some client lists; the real request
    // is then checked against the key's own client.
    if (!origin) return new Response(null, { status: 204 });
    const db = await deps.getDb();
    const known = await db.client.count({ where: { allowedOrigins: { has: origin } } });
    if (!known) return new Response(null, { status: 403 });
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
