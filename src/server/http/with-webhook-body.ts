// The wrapper of the payment webhooks: the body is read RAW (request.text()), size-checked
// first, because a signature covers the exact bytes and parsing JSON first would break it.
// The provider's signature is checked by the payments domain (handleWebhook), over these
// bytes. Errors answer in the one JSON shape (toErrorResponse): 4xx for a request the
// provider must not retry as is, 5xx for one it should retry.
import { toErrorResponse } from "./error-response";
import { readBodyText } from "./request-body";

export function withWebhookBody(
  options: { maxBodyBytes: number },
  handler: (args: { request: Request; providerName: string; rawBody: string }) => Promise<Response>,
) {
  return async (request: Request, providerName: string): Promise<Response> => {
    try {
      const rawBody = await readBodyText(request, options.maxBodyBytes);
      return await handler({ request, providerName, rawBody });
    } catch (error) {
      // 5xx: the provider retries; the stored event keeps attempts and lastError.
      return toErrorResponse(error, { what: `webhook from ${providerName.slice(0, 64)}`, message: "Webhook processing failed; retry later." });
    }
  };
}
