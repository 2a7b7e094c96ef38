// What every payment provider implements. Adding one (PayPal...) is one new file with a
// factory returning this interface, plus one line in payment-providers.ts.
//
// Amounts crossing this interface are decimal strings in the invoice currency's MAJOR
// unit ("12.34" USD); a provider that speaks minor units converts with src/server/money/minor-units.ts.
import { z } from "zod";
import type { PaymentStatus } from "@/generated/prisma/enums";
import { AppError } from "@/server/errors/app-error";

/** An id at a provider (Stripe: pm_..., cus_...) that may be left out: blank is none. */
export const ZOptionalProviderId = z
  .string()
  .trim()
  .max(255)
  .optional()
  .transform((value) => value || undefined);

/** What a provider needs to know about the invoice it charges. */
export type TPayableInvoice = {
  id: string;
  number: string;
  clientId: string;
  currency: string;
  /** Amount to collect, major unit, decimal string. */
  amountDue: string;
};

/** A charge as the provider sees it. */
export type TProviderPayment = {
  providerPaymentId: string;
  status: PaymentStatus;
  /** Major unit, decimal string. */
  amount: string;
  currency: string;
  failureReason: string | null;
  /** For a client-side confirmation flow (Stripe Elements); never stored. */
  clientSecret: string | null;
};

export type TProviderRefund = {
  providerRefundId: string | null;
  status: PaymentStatus;
  amount: string;
  currency: string;
  failureReason: string | null;
};

/** The charge being refunded: the Payment row that recorded it. */
export type TRefundablePayment = { providerPaymentId: string | null; currency: string; invoiceId: string };

export const ZWebhookEventKind = z.enum(["payment_succeeded", "payment_failed", "payment_processing", "refund_succeeded", "refund_failed", "ignored"]);
export type TWebhookEventKind = z.infer<typeof ZWebhookEventKind>;

/** An event whose signature has been checked; `payload` is what gets stored. */
export type TVerifiedWebhookEvent = { id: string; type: string; payload: unknown };

/** A provider event in our words. */
export type TParsedWebhookEvent = {
  eventId: string;
  type: string;
  kind: TWebhookEventKind;
  /** The charge (payment intent) id; for a refund, the refund's own id. */
  providerPaymentId?: string;
  /** For a refund: the charge it refunds. */
  refundedPaymentId?: string;
  invoiceId?: string;
  /** Our Payment row of the charge attempt or refund that started it, when the provider's object carries it. */
  paymentId?: string;
  /** Major unit, decimal string. */
  amount?: string;
  currency?: string;
  failureReason?: string;
  occurredAt: Date;
};

export type TConfigCheck = { ok: true } | { ok: false; missing: string[] };

/** A client's account at the provider, as the provider confirmed it. */
export type TVerifiedAccount = {
  customerId: string;
  paymentMethodId: string | null;
  /** "Visa •••• 4242". */
  paymentMethodLabel: string | null;
};

export interface PaymentProvider {
  /** Stored in Payment.provider and WebhookEvent.provider, and the webhook URL's segment. */
  readonly name: string;
  /** How the dashboard names it ("Stripe", "Bank transfer"). */
  readonly label: string;
  /** Whether an admin can charge an invoice through it (a bank transfer is only recorded). */
  readonly canCharge: boolean;
  isConfigured(): TConfigCheck;
  /** Starts a payment the customer completes elsewhere (card form, bank transfer). */
  createPaymentIntent(invoice: TPayableInvoice): Promise<TProviderPayment>;
  /**
   * Charges now, with a stored payment method when given. `paymentId` is our Payment row
   * for this attempt: the provider's idempotency key, and carried on the charge so its
   * webhook finds the row even when our call never got the answer.
   */
  processPayment(invoice: TPayableInvoice, options: { paymentMethod?: string; customerId?: string; paymentId: string }): Promise<TProviderPayment>;
  /**
   * Checks, before it is stored, that the customer exists at the provider and that the
   * payment method (if any) is saved on that customer. Throws AppError BAD_REQUEST saying
   * what is wrong.
   */
  verifyAccount(account: { customerId: string; paymentMethodId?: string }): Promise<TVerifiedAccount>;
  /**
   * Refunds `amount` of a charge. `refundId` is our Payment row for this refund: the
   * provider's idempotency key, and carried on the refund so its webhook finds the row.
   */
  refundPayment(payment: TRefundablePayment, amount: string, options: { refundId: string }): Promise<TProviderRefund>;
  /**
   * The refund one of our refunds created at the provider (found by the id it carries), or
   * null when none was made. Asked when a refund never got its answer.
   */
  findRefundByAttempt(payment: TRefundablePayment, refundId: string): Promise<TProviderRefund | null>;
  getPaymentStatus(providerPaymentId: string): Promise<TProviderPayment>;
  /**
   * The charge one of our attempts created, found by the attempt's id (processPayment's
   * `paymentId`, which the charge carries), or null when the attempt created none. Asked
   * when an attempt never got its answer, before the invoice it holds is released.
   */
  findPaymentByAttempt(paymentId: string): Promise<TProviderPayment | null>;
  /** Checks the signature over the RAW body; throws AppError BAD_REQUEST when it does not hold. */
  verifyWebhook(rawBody: string, headers: Headers): TVerifiedWebhookEvent;
  parseEvent(event: TVerifiedWebhookEvent): TParsedWebhookEvent;
}

/** Fails early, naming the variables to set, instead of failing at the provider's API. */
export function assertProviderConfigured(provider: PaymentProvider): void {
  const check = provider.isConfigured();
  if (!check.ok) {
    throw new AppError(
      "PROVIDERS_UNAVAILABLE",
      `Payment provider "${provider.name}" is not configured: set ${check.missing.join(", ")}.`,
      { provider: provider.name, missing: check.missing },
    );
  }
}
