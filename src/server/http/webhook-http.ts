// POST /api/billing/webhook/[provider] as a plain function, so the Next route and the
// tests run the same code. withWebhookBody reads the raw body (the signature covers its
// exact bytes) and answers errors; handleWebhook checks the signature and applies the event.
import type { TDb } from "@/server/db/client";
import { clockNow } from "@/server/clock";
import { handleWebhook } from "@/server/payments/handle-webhook";
import type { TGetPaymentProvider } from "@/server/payments/payment-providers";
import { jsonResponse } from "./error-response";
import { withWebhookBody } from "./with-webhook-body";

/** Stripe's events are a few kB; anything near this is not a webhook. */
export const MAX_WEBHOOK_BYTES = 512 * 1024;

type TDeps = {
  getDb: () => Promise<TDb>;
  getProvider?: TGetPaymentProvider;
  /** The app clock (clockNow); a test may pin it. */
  now?: () => Date;
};

export function createWebhookHandler(deps: TDeps) {
  return withWebhookBody({ maxBodyBytes: MAX_WEBHOOK_BYTES }, async ({ request, providerName, rawBody }) => {
    const result = await handleWebhook(await deps.getDb(), providerName, rawBody, request.headers, {
      now: (deps.now ?? clockNow)(),
      getProvider: deps.getProvider,
    });
    if (result.status === "unmatched") {
      // Acknowledged all the same: the provider's retries would not make the object appear.
      console.warn(`webhook ${result.eventId} (${result.type}) from ${providerName} is unmatched, kept for an admin: ${result.unmatchedReason ?? "no reason"}`);
    }
    // 2xx only now: the event is stored and processed, kept as unmatched, or was before.
    return jsonResponse(200, { received: true, ...result });
  });
}
