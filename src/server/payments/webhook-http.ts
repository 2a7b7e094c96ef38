// POST /api/billing/webhook/[provider] as a plain function, so the Next route and the
// tests run the same code. The body is read RAW (request.text()): a signature covers the
// exact bytes, and parsing JSON first would break it.
import type { TDb } from "@/server/db/client";
import { clockNow } from "@/server/clock";
import { AppError } from "@/server/errors/app-error";
import { handleWebhook } from "./handle-webhook";
import type { TGetPaymentProvider } from "./payment-providers";

/** Stripe's events are a few kB; anything near this is not a webhook. */
export const MAX_WEBHOOK_BYTES = 512 * 1024;

type TDeps = {
  getDb: () => Promise<TDb>;
  getProvider?: TGetPaymentProvider;
  /** The app clock (clockNow); a test may pin it. */
  now?: () => Date;
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } });
}

export function createWebhookHandler(deps: TDeps) {
  return async (request: Request, providerName: string): Promise<Response> => {
    try {
      const declared = Number(request.headers.get("content-length") ?? 0);
      if (declared > MAX_WEBHOOK_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `Body is larger than ${MAX_WEBHOOK_BYTES} bytes.`);
      const rawBody = await request.text();
      if (Buffer.byteLength(rawBody) > MAX_WEBHOOK_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `Body is larger than ${MAX_WEBHOOK_BYTES} bytes.`);
      const result = await handleWebhook(await deps.getDb(), providerName, rawBody, request.headers, {
        now: (deps.now ?? clockNow)(),
        getProvider: deps.getProvider,
      });
      if (result.status === "unmatched") {
        // Acknowledged all the same: the provider's retries would not make the object appear.
        console.warn(`webhook ${result.eventId} (${result.type}) from ${providerName} is unmatched, kept for an admin: ${result.unmatchedReason ?? "no reason"}`);
      }
      // 2xx only now: the event is stored and processed, kept as unmatched, or was before.
      return json(200, { received: true, ...result });
    } catch (error) {
      if (error instanceof AppError) return json(error.httpStatus, { error: error.message, code: error.code });
      console.error(`webhook from ${providerName} failed:`, error);
      // 5xx: the provider retries; the stored event keeps attempts and lastError.
      return json(500, { error: "Webhook processing failed; retry later." });
    }
  };
}
