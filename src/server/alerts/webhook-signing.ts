// Signing secrets and headers of outbound alert webhooks, per the Standard Webhooks spec,
// through its own library: `webhook-id` (the notification's id, the same on every retry, so a
// receiver deduplicates by it), `webhook-timestamp` (seconds) and `webhook-signature`
// (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` keyed with the secret's bytes).
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** A new endpoint secret: `whsec_` and 32 random bytes in base64, as the spec writes them. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export function signedWebhookHeaders(secret: string, input: { id: string; timestamp: Date; body: string }): Record<string, string> {
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(Math.floor(input.timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(input.id, input.timestamp, input.body),
  };
}
