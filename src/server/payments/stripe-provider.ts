// Stripe through its official SDK: PaymentIntents for charges, Refunds, and the SDK's own
// webhook signature check (timestamped HMAC-SHA256 with a tolerance window).
// Stripe speaks integer minor units; this file converts at the boundary (src/server/money/minor-units.ts).
import Stripe from "stripe";
import { z } from "zod";
import type { PaymentStatus } from "@/generated/prisma/enums";
import { AppError } from "@/server/errors/app-error";
import { fromMinorUnits, toMinorUnits } from "@/server/money/minor-units";
import type { PaymentProvider, TParsedWebhookEvent, TPayableInvoice, TProviderPayment, TProviderRefund, TVerifiedWebhookEvent } from "./payment-provider";

export const STRIPE_PROVIDER_NAME = "stripe";

export type TStripeConfig = {
  secretKey?: string;
  webhookSecret?: string;
  /** Another API origin (a local server in tests); default https://api.stripe.com. */
  apiBase?: string;
  /** Seconds a signed webhook stays valid (Stripe's default: 300). */
  webhookToleranceSeconds?: number;
};

function clientOptions(apiBase: string | undefined): Stripe.StripeConfig {
  // The SDK retries network errors and 5xx itself, with idempotency keys on POSTs.
  const options: Stripe.StripeConfig = { maxNetworkRetries: 1, timeout: 30_000, appInfo: { name: "meterline" } };
  if (!apiBase) return options;
  const url = new URL(apiBase);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { ...options, host: url.hostname, port: url.port || (protocol === "http" ? 80 : 443), protocol };
}

const ZPaymentIntent = z.object({
  id: z.string(),
  object: z.literal("payment_intent"),
  amount: z.number().int(),
  amount_received: z.number().int().optional(),
  currency: z.string(),
  status: z.string(),
  client_secret: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  last_payment_error: z.object({ message: z.string().nullish(), code: z.string().nullish() }).nullish(),
});
type TPaymentIntent = z.infer<typeof ZPaymentIntent>;

const ZRefund = z.object({
  id: z.string(),
  object: z.literal("refund"),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string().nullish(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  failure_reason: z.string().nullish(),
});

const ZEventEnvelope = z.object({
  id: z.string(),
  type: z.string(),
  created: z.number().int(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

function paymentStatusOf(intent: Pick<TPaymentIntent, "status" | "last_payment_error">): PaymentStatus {
  switch (intent.status) {
    case "succeeded":
      return "succeeded";
    case "processing":
      return "processing";
    case "canceled":
      return "failed";
    case "requires_payment_method":
      // Where a declined attempt leaves an intent; a fresh one has no error yet.
      return intent.last_payment_error ? "failed" : "pending";
    default:
      return "pending";
  }
}

function refundStatusOf(status: string | null | undefined): PaymentStatus {
  if (status === "succeeded") return "succeeded";
  if (status === "failed" || status === "canceled") return "failed";
  return "pending";
}

function toProviderRefund(refund: z.infer<typeof ZRefund>): TProviderRefund {
  const currency = refund.currency.toUpperCase();
  return {
    providerRefundId: refund.id,
    status: refundStatusOf(refund.status),
    amount: fromMinorUnits(refund.amount, currency),
    currency,
    failureReason: refund.failure_reason ?? null,
  };
}

function toProviderPayment(intent: TPaymentIntent): TProviderPayment {
  const currency = intent.currency.toUpperCase();
  return {
    providerPaymentId: intent.id,
    status: paymentStatusOf(intent),
    amount: fromMinorUnits(intent.amount, currency),
    currency,
    failureReason: intent.last_payment_error?.message ?? null,
    clientSecret: intent.client_secret ?? null,
  };
}

/** A Stripe API failure, as an AppError that says what happened without leaking the key. */
function stripeFailure(error: unknown, action: string): never {
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode ?? 502;
    // A refusal (4xx) means nothing happened. 409 (the same idempotency key still in use)
    // and 429 (rate limited) do not: the first request may still go through.
    const refused = status >= 400 && status < 500 && status !== 409 && status !== 429;
    throw new AppError(refused ? "BAD_REQUEST" : "PROVIDERS_UNAVAILABLE", `Stripe could not ${action}: ${error.message}`, {
      provider: STRIPE_PROVIDER_NAME,
      stripeCode: error.code ?? null,
      requestId: error.requestId ?? null,
    });
  }
  throw error;
}

export function createStripeProvider(config: TStripeConfig): PaymentProvider {
  let client: Stripe | undefined;
  // Built on first use, so an unconfigured provider can still be asked isConfigured().
  const stripe = (): Stripe => {
    if (!config.secretKey) throw new AppError("PROVIDERS_UNAVAILABLE", 'Payment provider "stripe" is not configured: set STRIPE_SECRET_KEY.', { missing: ["STRIPE_SECRET_KEY"] });
    client ??= new Stripe(config.secretKey, clientOptions(config.apiBase));
    return client;
  };

  async function createIntent(invoice: TPayableInvoice, confirm: { paymentMethod?: string; customerId?: string; paymentId: string } | null) {
    try {
      const intent = await stripe().paymentIntents.create(
        {
          amount: toMinorUnits(invoice.amountDue, invoice.currency),
          currency: invoice.currency.toLowerCase(),
          description: `Invoice ${invoice.number}`,
          // The webhook finds the invoice (and our attempt's row) from here, even for a
          // charge whose answer we never got.
          metadata: { invoiceId: invoice.id, invoiceNumber: invoice.number, clientId: invoice.clientId, ...(confirm ? { paymentId: confirm.paymentId } : {}) },
          // A saved card belongs to its customer: Stripe charges it only with the customer named.
          ...(confirm ? { confirm: true, payment_method: confirm.paymentMethod, off_session: true, ...(confirm.customerId ? { customer: confirm.customerId } : {}) } : {}),
        },
        // One attempt is one charge at Stripe, however often the request is retried.
        confirm ? { idempotencyKey: `charge-${confirm.paymentId}` } : undefined,
      );
      return toProviderPayment(ZPaymentIntent.parse(intent));
    } catch (error) {
      // A declined card is an outcome, not an exception: the intent carries the reason.
      if (error instanceof Stripe.errors.StripeCardError && error.payment_intent) {
        const intent = ZPaymentIntent.parse(error.payment_intent);
        return { ...toProviderPayment(intent), status: "failed" as const, failureReason: error.message };
      }
      return stripeFailure(error, `charge invoice ${invoice.number}`);
    }
  }

  return {
    name: STRIPE_PROVIDER_NAME,
    label: "Stripe",
    canCharge: true,
    isConfigured: () => {
      const missing = [
        ...(config.secretKey ? [] : ["STRIPE_SECRET_KEY"]),
        ...(config.webhookSecret ? [] : ["STRIPE_WEBHOOK_SECRET"]),
      ];
      return missing.length === 0 ? { ok: true } : { ok: false, missing };
    },
    createPaymentIntent: (invoice) => createIntent(invoice, null),
    processPayment: (invoice, options) => createIntent(invoice, options),
    refundPayment: async (payment, amount, { refundId }) => {
      if (!payment.providerPaymentId) throw new AppError("BAD_REQUEST", "The charge has no Stripe payment id to refund.", { invoiceId: payment.invoiceId });
      try {
        const refund = ZRefund.parse(
          await stripe().refunds.create(
            {
              payment_intent: payment.providerPaymentId,
              amount: toMinorUnits(amount, payment.currency),
              metadata: { invoiceId: payment.invoiceId, paymentId: refundId },
            },
            // One refund of ours is one refund at Stripe, however often the request is retried.
            { idempotencyKey: `refund-${refundId}` },
          ),
        );
        return toProviderRefund(refund);
      } catch (error) {
        return stripeFailure(error, `refund ${payment.providerPaymentId}`);
      }
    },
    verifyAccount: async ({ customerId, paymentMethodId }) => {
      let customer: Stripe.Customer | Stripe.DeletedCustomer;
      try {
        customer = await stripe().customers.retrieve(customerId);
      } catch (error) {
        return stripeFailure(error, `find customer ${customerId}`);
      }
      if (customer.deleted) throw new AppError("BAD_REQUEST", `Stripe customer ${customerId} was deleted.`, { customerId });
      if (!paymentMethodId) return { customerId, paymentMethodId: null, paymentMethodLabel: null };
      let method: Stripe.PaymentMethod;
      try {
        method = await stripe().paymentMethods.retrieve(paymentMethodId);
      } catch (error) {
        return stripeFailure(error, `find payment method ${paymentMethodId}`);
      }
      const owner = typeof method.customer === "string" ? method.customer : (method.customer?.id ?? null);
      if (owner !== customerId) {
        throw new AppError("BAD_REQUEST", `Payment method ${paymentMethodId} is not saved on Stripe customer ${customerId}${owner ? ` (it belongs to ${owner})` : ""}.`, {
          customerId,
          paymentMethodId,
        });
      }
      const card = method.card;
      const label = card ? `${card.brand.charAt(0).toUpperCase()}${card.brand.slice(1)} •••• ${card.last4}` : method.type;
      return { customerId, paymentMethodId, paymentMethodLabel: label };
    },
    findRefundByAttempt: async (payment, refundId) => {
      if (!payment.providerPaymentId) return null;
      try {
        // A charge has few refunds: the first page holds them.
        const refunds = await stripe().refunds.list({ payment_intent: payment.providerPaymentId, limit: 100 });
        const found = refunds.data.find((refund) => refund.metadata?.paymentId === refundId);
        return found ? toProviderRefund(ZRefund.parse(found)) : null;
      } catch (error) {
        return stripeFailure(error, `look up the refunds of ${payment.providerPaymentId}`);
      }
    },
    getPaymentStatus: async (providerPaymentId) => {
      try {
        return toProviderPayment(ZPaymentIntent.parse(await stripe().paymentIntents.retrieve(providerPaymentId)));
      } catch (error) {
        return stripeFailure(error, `look up ${providerPaymentId}`);
      }
    },
    findPaymentByAttempt: async (paymentId) => {
      try {
        // Search is eventually consistent (about a minute); it is asked well after the charge.
        const found = await stripe().paymentIntents.search({ query: `metadata['paymentId']:'${paymentId.replace(/'/g, "")}'`, limit: 1 });
        const intent = found.data[0];
        return intent ? toProviderPayment(ZPaymentIntent.parse(intent)) : null;
      } catch (error) {
        return stripeFailure(error, `look up the charge of attempt ${paymentId}`);
      }
    },
    verifyWebhook: (rawBody, headers): TVerifiedWebhookEvent => {
      if (!config.webhookSecret) {
        throw new AppError("PROVIDERS_UNAVAILABLE", 'Payment provider "stripe" is not configured: set STRIPE_WEBHOOK_SECRET.', { missing: ["STRIPE_WEBHOOK_SECRET"] });
      }
      const signature = headers.get("stripe-signature");
      if (!signature) throw new AppError("BAD_REQUEST", "Missing Stripe-Signature header.");
      let event: Stripe.Event;
      try {
        // Verification needs no API key; the SDK's webhooks helper works on any instance.
        event = (client ?? new Stripe(config.secretKey ?? "sk_unused", clientOptions(config.apiBase))).webhooks.constructEvent(
          rawBody,
          signature,
          config.webhookSecret,
          config.webhookToleranceSeconds,
        );
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new AppError("BAD_REQUEST", `Invalid Stripe webhook signature: ${reason}`);
      }
      // Signed but not an event (no id or type): nothing to store it under.
      const envelope = z.object({ id: z.string().min(1).max(255), type: z.string().min(1).max(255) }).safeParse(event);
      if (!envelope.success) throw new AppError("BAD_REQUEST", "The body is not a Stripe event: it has no id or type.");
      return { id: envelope.data.id, type: envelope.data.type, payload: JSON.parse(rawBody) as unknown };
    },
    parseEvent: (event): TParsedWebhookEvent => {
      const envelope = ZEventEnvelope.parse(event.payload);
      const base = { eventId: envelope.id, type: envelope.type, occurredAt: new Date(envelope.created * 1000) };
      const object = envelope.data.object;
      switch (envelope.type) {
        case "payment_intent.succeeded":
        case "payment_intent.payment_failed":
        case "payment_intent.processing": {
          const intent = ZPaymentIntent.parse(object);
          const currency = intent.currency.toUpperCase();
          const kind =
            envelope.type === "payment_intent.succeeded" ? "payment_succeeded" : envelope.type === "payment_intent.processing" ? "payment_processing" : "payment_failed";
          return {
            ...base,
            kind,
            providerPaymentId: intent.id,
            invoiceId: intent.metadata?.invoiceId,
            paymentId: intent.metadata?.paymentId,
            amount: fromMinorUnits(kind === "payment_succeeded" ? (intent.amount_received ?? intent.amount) : intent.amount, currency),
            currency,
            failureReason: intent.last_payment_error?.message ?? undefined,
          };
        }
        case "refund.created":
        case "refund.updated":
        case "refund.failed": {
          const refund = ZRefund.parse(object);
          if (refund.status === "failed" || refund.status === "canceled") {
            return { ...base, kind: "refund_failed", providerPaymentId: refund.id, paymentId: refund.metadata?.paymentId, failureReason: refund.failure_reason ?? refund.status };
          }
          if (refund.status !== "succeeded") return { ...base, kind: "ignored" };
          const currency = refund.currency.toUpperCase();
          return {
            ...base,
            kind: "refund_succeeded",
            providerPaymentId: refund.id,
            refundedPaymentId: typeof refund.payment_intent === "string" ? refund.payment_intent : refund.payment_intent?.id,
            invoiceId: refund.metadata?.invoiceId,
            paymentId: refund.metadata?.paymentId,
            amount: fromMinorUnits(refund.amount, currency),
            currency,
          };
        }
        default:
          return { ...base, kind: "ignored" };
      }
    },
  };
}
