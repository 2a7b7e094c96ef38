// Bank transfer: money moves outside the app. An admin records what arrived
// (markInvoicePaid, with the bank reference) and what was sent back (refundInvoice);
// the provider only confirms those records. It needs no configuration and gets no webhooks.
import { randomUUID } from "node:crypto";
import { AppError } from "@/server/errors/app-error";
import type { PaymentProvider } from "./payment-provider";
import { clockNow } from "@/server/clock";

export const MANUAL_PROVIDER_NAME = "manual";

export function createManualProvider(): PaymentProvider {
  return {
    name: MANUAL_PROVIDER_NAME,
    label: "Bank transfer",
    canCharge: false,
    isConfigured: () => ({ ok: true }),
    // The customer is told to transfer the amount quoting the invoice number; the
    // intent is pending until an admin marks the invoice paid.
    createPaymentIntent: async (invoice) => ({
      providerPaymentId: `manual_${randomUUID()}`,
      status: "pending",
      amount: invoice.amountDue,
      currency: invoice.currency,
      failureReason: null,
      clientSecret: null,
    }),
    processPayment: async (invoice) => {
      throw new AppError("BAD_REQUEST", `A bank transfer cannot be charged; mark invoice ${invoice.number} paid once the money has arrived.`, {
        invoiceId: invoice.id,
      });
    },
    // The admin has sent the money back; recording it is all there is to do.
    refundPayment: async (payment, amount) => ({
      providerRefundId: null,
      status: "succeeded",
      amount,
      currency: payment.currency,
      failureReason: null,
    }),
    verifyAccount: async () => {
      throw new AppError("BAD_REQUEST", "Bank transfers need no customer account: the client pays by transfer quoting the invoice number.");
    },
    getPaymentStatus: async (providerPaymentId) => {
      throw new AppError("BAD_REQUEST", "Bank transfers have no status at a provider; see the invoice's payments.", { providerPaymentId });
    },
    // A bank transfer is never charged from here: no attempt of ours ever creates one;
    // its refunds are recorded at once (refundPayment), never left waiting.
    findPaymentByAttempt: async () => null,
    findRefundByAttempt: async () => null,
    verifyWebhook: () => {
      throw new AppError("NOT_FOUND", "The manual payment provider receives no webhooks.");
    },
    parseEvent: (event) => ({ eventId: event.id, type: event.type, kind: "ignored", occurredAt: clockNow() }),
  };
}
