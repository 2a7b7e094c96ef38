// POST /api/chat as a plain (Request) => Response function, so the Next route, the
// tests and the benchmark run the very same code. `withApiKey` does what every public
// tenant endpoint needs: CORS for the client's widget origins, the API key, and JSON errors.
import type { TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { authenticateApiKey, type TAuthenticatedClient } from "@/server/clients/api-keys";
import { ZChatRequest } from "./chat-request";
import { sendChatMessage, streamChatMessage, type TLlmGateway } from "./send-chat-message";

/** Bodies larger than this are refused before parsing (413). */
export const MAX_BODY_BYTES = 64 * 1024;

type TDeps = { getDb: () => Promise<TDb>; gateway: TLlmGateway };

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
    return json(error.httpStatus, { error: error.message, code: error.code, ...error.data }, cors);
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

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function createChatHandler(deps: TDeps) {
  const POST = withApiKey(deps, async ({ request, db, client, cors }) => {
    const body = parseChatBody(await readJsonBody(request));
    if (!body.stream) {
      const reply = await sendChatMessage(db, deps.gateway, { client, request: body, signal: request.signal });
      return json(200, reply, cors);
    }

    const started = await streamChatMessage(db, deps.gateway, { client, request: body, signal: request.signal });
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
          send(sse("done", await stream.finished));
        } catch (error) {
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
