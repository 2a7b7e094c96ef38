import { z } from "zod";
import { adminProcedure, createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { generateInvoice, ZGenerateInvoiceInput } from "@/server/billing/generate-invoice";
import { getInvoice, ZGetInvoiceInput, ZInvoiceDetail } from "@/server/billing/get-invoice";
import { ZListInvoicesInput, ZListInvoicesOutput, listInvoices } from "@/server/billing/list-invoices";
import { runBilling, ZRunBillingInput, ZRunBillingResult } from "@/server/billing/run-billing";

export const billingRouter = createTRPCRouter({
  /** All invoices, newest first, paged. */
  invoices: viewerProcedure
    .input(ZListInvoicesInput)
    .output(ZListInvoicesOutput)
    .query(({ ctx, input }) => listInvoices(ctx.db, input)),

  /** One invoice with its lines. */
  invoice: viewerProcedure
    .input(ZGetInvoiceInput)
    .output(ZInvoiceDetail)
    .query(({ ctx, input }) => getInvoice(ctx.db, input)),

  /** Issues one client's invoice for a past period, or returns the one already issued. */
  generateInvoice: adminProcedure
    .input(ZGenerateInvoiceInput)
    .output(z.object({ invoice: ZInvoiceDetail, created: z.boolean() }))
    .mutation(({ ctx, input }) => generateInvoice(ctx.db, input)),

  /** Invoices every active client for a past period (resumable; already invoiced clients are skipped). */
  runBilling: adminProcedure
    .input(ZRunBillingInput)
    .output(ZRunBillingResult)
    .mutation(({ ctx, input }) => runBilling(ctx.db, input)),
});
