import { createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { ZListInvoicesInput, ZListInvoicesOutput, listInvoices } from "@/server/billing/list-invoices";

export const billingRouter = createTRPCRouter({
  /** All invoices, newest first, paged. */
  invoices: viewerProcedure
    .input(ZListInvoicesInput)
    .output(ZListInvoicesOutput)
    .query(({ ctx, input }) => listInvoices(ctx.db, input)),
});
