// Stripe webhook events as Stripe sends them: the event envelope, signed with the SDK's own
// helper (timestamped HMAC-SHA256 over the raw body) and POSTed to the webhook route.
import { randomBytes } from "node:crypto";
import Stripe from "stripe";

export const WEBHOOK_SECRET = `whsec_${randomBytes(16).toString("hex")}`;
// Only its webhooks helper is used: to sign test events the way Stripe does.
export const signer = new Stripe("sk_test_signer_only");

export function paymentIntentObject(invoice: { id: string }, overrides: { id?: string; status: string; amount: number }) {
  return {
    id: overrides.id ?? `pi_${randomBytes(8).toString("hex")}`,
    object: "payment_intent",
    amount: overrides.amount,
    amount_received: overrides.status === "succeeded" ? overrides.amount : 0,
    currency: "usd",
    status: overrides.status,
    client_secret: null,
    metadata: { invoiceId: invoice.id },
    last_payment_error: overrides.status === "requires_payment_method" ? { message: "Your card was declined.", code: "card_declined" } : null,
  };
}

export function stripeEvent(type: string, object: unknown, created = Math.floor(Date.now() / 1000)): string {
  return JSON.stringify({ id: `evt_${randomBytes(10).toString("hex")}`, object: "event", api_version: "2026-10-28.endive", created, livemode: false, type, data: { object } }, null, 2);
}

export function webhookRequest(payload: string, signature = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })): Request {
  return new Request("http://localhost/api/billing/webhook/stripe", {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signature },
    body: payload,
  });
}

export const eventIdOf = (payload: string) => (JSON.parse(payload) as { id: string }).id;
