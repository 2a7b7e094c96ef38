import { z } from "zod";
import { env } from "@/env";
import { clockNow } from "@/server/clock";
import { adminProcedure, createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { cancelInvoice, ZCancelInvoiceInput } from "@/server/billing/cancel-invoice";
import { generateInvoice, ZGenerateInvoiceInput } from "@/server/billing/generate-invoice";
import { getInvoice, ZGetInvoiceInput, ZInvoiceDetail } from "@/server/billing/get-invoice";
import { ZInvoicePayment } from "@/server/invoices/invoice-payment";
import { ZListInvoicesInput, ZListInvoicesOutput, listInvoices } from "@/server/billing/list-invoices";
import { getRevenueAnalytics, ZRevenueAnalytics, ZRevenueInput } from "@/server/billing/revenue";
import { runBilling, ZRunBillingInput, ZRunBillingResult } from "@/server/billing/run-billing";
import { listPayments, ZListPaymentsInput, ZListPaymentsOutput } from "@/server/payments/list-payments";
import {
  listPaymentAccounts,
  removePaymentAccount,
  setPaymentAccount,
  ZListPaymentAccountsInput,
  ZPaymentAccount,
  ZRemovePaymentAccountInput,
  ZSetPaymentAccountInput,
} from "@/server/payments/payment-accounts";
import { getPaymentProvider } from "@/server/payments/payment-providers";
import { listPaymentProviders, ZPaymentProviderStatus } from "@/server/payments/provider-status";
import {
  dismissWebhookEvent,
  listWebhookEvents,
  reprocessWebhookEvent,
  ZDismissWebhookEventInput,
  ZDismissWebhookEventOutput,
  ZListWebhookEventsInput,
  ZListWebhookEventsOutput,
  ZReprocessWebhookEventInput,
} from "@/server/payments/webhook-events";
import { chargeInvoice, ZChargeInvoiceInput, ZChargeOutcome } from "@/server/payments/charge-invoice";
import { ZWebhookResult } from "@/server/payments/handle-webhook";
import { ZInvoicePaymentState } from "@/server/payments/invoice-money";
import { markInvoicePaid, ZMarkInvoicePaidRequest } from "@/server/payments/mark-invoice-paid";
import { refundInvoice, ZRefundInvoiceInput } from "@/server/payments/refund-invoice";
import { pagingInput } from "@/shared/paging";


const ZRecordedPayment = ZInvoicePayment.pick({ id: true, provider: true, providerPaymentId: true, kind: true, status: true, amount: true, failureReason: true });

export const billingRouter = createTRPCRouter({
  /** Invoices across clients, newest first, filtered and paged. */
  invoices: viewerProcedure
    .input(ZListInvoicesInput)
    .output(ZListInvoicesOutput)
    .query(({ ctx, input }) => listInvoices(ctx.db, input)),

  /** One client's invoices, newest first (the invoices list with the client filter). */
  clientInvoices: viewerProcedure
    .input(z.object({ clientId: z.uuid("must be a client id"), ...pagingInput() }))
    .output(ZListInvoicesOutput)
    .query(({ ctx, input }) => listInvoices(ctx.db, input)),

  /** One invoice with its lines and payments. */
  invoice: viewerProcedure
    .input(ZGetInvoiceInput)
    .output(ZInvoiceDetail)
    .query(({ ctx, input }) => getInvoice(ctx.db, input)),

  /** Charges and refunds, newest first; for one client or invoice when given. */
  payments: viewerProcedure
    .input(ZListPaymentsInput)
    .output(ZListPaymentsOutput)
    .query(({ ctx, input }) => listPayments(ctx.db, input)),

  /** The payment providers and whether this deployment has them configured. */
  providers: viewerProcedure.output(z.array(ZPaymentProviderStatus)).query(() => listPaymentProviders(env)),

  /** Revenue by month and plan, MRR, outstanding and overdue, per currency. */
  revenue: viewerProcedure
    .input(ZRevenueInput)
    .output(ZRevenueAnalytics)
    .query(({ ctx, input }) => getRevenueAnalytics(ctx.db, input)),

  /** Provider webhooks as stored: applied, or failed with their error. */
  webhookEvents: viewerProcedure
    .input(ZListWebhookEventsInput)
    .output(ZListWebhookEventsOutput)
    .query(({ ctx, input }) => listWebhookEvents(ctx.db, input)),

  /** Applies a stored webhook that failed or was unmatched, from its stored payload. */
  reprocessWebhookEvent: adminProcedure
    .input(ZReprocessWebhookEventInput)
    .output(ZWebhookResult)
    .mutation(({ ctx, input }) => reprocessWebhookEvent(ctx.db, input, { now: clockNow() })),

  /** Sets aside an unmatched webhook that needs nothing (audited). */
  dismissWebhookEvent: adminProcedure
    .input(ZDismissWebhookEventInput)
    .output(ZDismissWebhookEventOutput)
    .mutation(({ ctx, input }) => dismissWebhookEvent(ctx.db, input, ctx.session.user, { now: clockNow() })),

  /** A client's accounts at payment providers (customer, default payment method). */
  paymentAccounts: viewerProcedure
    .input(ZListPaymentAccountsInput)
    .output(z.array(ZPaymentAccount))
    .query(({ ctx, input }) => listPaymentAccounts(ctx.db, input)),

  /** Sets a client's customer (and default payment method) at a provider, once the provider confirms them. */
  setPaymentAccount: adminProcedure
    .input(ZSetPaymentAccountInput)
    .output(ZPaymentAccount)
    .mutation(({ ctx, input }) => setPaymentAccount(ctx.db, input, ctx.session.user)),

  removePaymentAccount: adminProcedure
    .input(ZRemovePaymentAccountInput)
    .output(z.object({ removed: z.literal(true) }))
    .mutation(({ ctx, input }) => removePaymentAccount(ctx.db, input, ctx.session.user)),

  /** Records a bank transfer (all that is due unless an amount is given). */
  markPaid: adminProcedure
    .input(ZMarkInvoicePaidRequest)
    .output(ZInvoicePaymentState)
    .mutation(({ ctx, input }) => markInvoicePaid(ctx.db, input, ctx.session.user)),

  /** Charges what is due through a provider (Stripe) with the customer's saved method. */
  charge: adminProcedure
    .input(ZChargeInvoiceInput.extend({ provider: z.string().min(1) }))
    .output(z.object({ outcome: ZChargeOutcome, payment: ZRecordedPayment, invoice: ZInvoicePaymentState }))
    .mutation(({ ctx, input: { provider, ...input } }) => chargeInvoice(ctx.db, getPaymentProvider(provider), input, ctx.session.user)),

  /** Refunds part or all of what was paid, through the provider that took the money. */
  refund: adminProcedure
    .input(ZRefundInvoiceInput)
    .output(ZInvoicePaymentState)
    .mutation(({ ctx, input }) => refundInvoice(ctx.db, input, ctx.session.user)),

  /** Voids an unpaid invoice (final). */
  cancel: adminProcedure
    .input(ZCancelInvoiceInput)
    .output(ZInvoicePaymentState)
    .mutation(({ ctx, input }) => cancelInvoice(ctx.db, input, ctx.session.user)),

  /** Issues one client's invoice for a past period, or returns the one already issued. */
  generateInvoice: adminProcedure
    .input(ZGenerateInvoiceInput)
    .output(z.object({ invoice: ZInvoiceDetail, created: z.boolean() }))
    .mutation(({ ctx, input }) => generateInvoice(ctx.db, { ...input, actor: ctx.session.user })),

  /** Invoices every active client for a past period (resumable; already invoiced clients are skipped). */
  runBilling: adminProcedure
    .input(ZRunBillingInput)
    .output(ZRunBillingResult)
    .mutation(({ ctx, input }) => runBilling(ctx.db, { ...input, actor: ctx.session.user })),
});
