// POST /api/chat as a plain (Request) => Response function, so the Next route, the
// tests and the benchmark run the very same code. withApiKey does what every public
// tenant endpoint needs (preflight, body, key and origin, CORS, JSON errors); this file
// answers the chat, as JSON or as server-sent events.
import type { TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { clockNow } from "@/server/clock";
import { ZChatRequest } from "@/server/chat/chat-request";
import { sendChatMessage, streamChatMessage, type TLlmGateway } from "@/server/chat/send-chat-message";
import { jsonResponse } from "./error-response";
import { withApiKey } from "./with-api-key";

/** Bodies larger than this are refused before parsing (413). */
export const MAX_BODY_BYTES = 64 * 1024;

type TDeps = {
  getDb: () => Promise<TDb>;
  gateway: TLlmGateway;
  /** The instant a request is served at; default the app's clock (tests pin it per request). */
  now?: () => Date;
};

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function createChatHandler(deps: TDeps) {
  const clock = deps.now ?? clockNow;
  return withApiKey(
    {
      getDb: deps.getDb,
      body: ZChatRequest,
      maxBodyBytes: MAX_BODY_BYTES,
      unexpected: { what: "chat request", message: "Internal error; nothing was charged. Try again." },
    },
    async ({ request, db, caller, body, cors }) => {
      if (!body.stream) {
        // No abort signal: a caller that hangs up does not stop a call the provider is already
        // working on; it runs to the end and is metered and stored, so a retry with the same
        // idempotency key gets the answer instead of a second provider call.
        const reply = await sendChatMessage(db, deps.gateway, { caller, request: body, clock });
        return jsonResponse(200, reply, cors);
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
        // Answer only once the reservation is given back: a 503 means nothing is held. How
        // `finished` settles is logged by streamChatMessage; the caller gets `error`.
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
            // Not silent: a reply that could not be metered is logged at error level where the
            // settle failed (streamChatMessage), with the attempt and what was used; this log
            // ties the failure to the conversation the caller saw cut off.
            console.error(`chat stream of conversation ${stream.conversationId} failed after it started:`, error);
            send(
              sse("error", {
                error: error instanceof AppError ? error.message : "The reply was interrupted.",
                code: error instanceof AppError ? error.code : "REPLY_INTERRUPTED",
              }),
            );
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
    },
  );
}
