import { adminProcedure, createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { ZListClientsInput, ZListClientsOutput, listClients } from "@/server/clients/list-clients";
import { ZClientDetail, ZGetClientInput, getClientOrThrow } from "@/server/clients/get-client";
import { ZSetClientStatusInput, ZSetClientStatusOutput, setClientStatus } from "@/server/clients/set-client-status";
import { ZBillingDetails, ZUpdateBillingDetailsInput, updateBillingDetails } from "@/server/clients/update-billing-details";
import {
  ZIssueApiKeyInput,
  ZIssuedApiKey,
  ZRevokeApiKeyInput,
  issueApiKey,
  revokeClientApiKey,
} from "@/server/clients/api-keys";
import { ZClientProviderSettings, ZSetClientProviderInput, setClientProvider } from "@/server/clients/set-client-provider";
import { ZClientRouting, ZGetClientRoutingInput, ZSetClientRoutingInput, getClientRouting, setClientRouting } from "@/server/clients/set-client-routing";
import { ZClientModelCosts, ZDegradedMessages, ZListClientModelCostsInput, getDegradedMessages, listClientModelCosts } from "@/server/usage/client-model-costs";
import { clockNow } from "@/server/clock";
import { z } from "zod";

export const clientsRouter = createTRPCRouter({
  list: viewerProcedure
    .input(ZListClientsInput)
    .output(ZListClientsOutput)
    .query(({ ctx, input }) => listClients(ctx.db, input)),

  get: viewerProcedure
    .input(ZGetClientInput)
    .output(ZClientDetail)
    .query(({ ctx, input }) => getClientOrThrow(ctx.db, input.id)),

  setStatus: adminProcedure
    .input(ZSetClientStatusInput)
    .output(ZSetClientStatusOutput)
    .mutation(({ ctx, input }) => setClientStatus(ctx.db, input, ctx.session.user)),

  /** Billing email, postal address and tax id: what the next invoices are addressed to. */
  updateBillingDetails: adminProcedure
    .input(ZUpdateBillingDetailsInput)
    .output(ZBillingDetails)
    .mutation(({ ctx, input }) => updateBillingDetails(ctx.db, input, ctx.session.user)),

  /** Provider override (or the plan's default) and fallback chain; the next chat request uses them. Audited. */
  setProvider: adminProcedure
    .input(ZSetClientProviderInput)
    .output(ZClientProviderSettings)
    .mutation(({ ctx, input }) => setClientProvider(ctx.db, input, ctx.session.user, clockNow())),

  /** The client's routing switch and its plan's cost settings (budget, compression, routing rules, degradation). */
  routing: viewerProcedure
    .input(ZGetClientRoutingInput)
    .output(ZClientRouting)
    .query(({ ctx, input }) => getClientRouting(ctx.db, input)),

  /** Turns model routing on or off for the client (the plan's rules decide what is routed). Audited. */
  setRouting: adminProcedure
    .input(ZSetClientRoutingInput)
    .output(z.object({ id: z.string(), routingEnabled: z.boolean() }))
    .mutation(({ ctx, input }) => setClientRouting(ctx.db, input, ctx.session.user, clockNow())),

  /** Cost per month, provider and model over the last months (default 6). */
  modelCosts: viewerProcedure
    .input(ZListClientModelCostsInput)
    .output(ZClientModelCosts)
    .query(({ ctx, input }) => listClientModelCosts(ctx.db, input, clockNow())),

  /** This month's messages answered by the cheaper model because the client neared its cost limit. */
  degradedMessages: viewerProcedure
    .input(z.object({ clientId: z.uuid("must be a client id") }))
    .output(ZDegradedMessages)
    .query(({ ctx, input }) => getDegradedMessages(ctx.db, input, clockNow())),

  /** The plaintext key is in this response only; it is stored as a sha256. */
  issueApiKey: adminProcedure
    .input(ZIssueApiKeyInput)
    .output(ZIssuedApiKey)
    .mutation(({ ctx, input }) => issueApiKey(ctx.db, input, ctx.session.user)),

  revokeApiKey: adminProcedure
    .input(ZRevokeApiKeyInput)
    .output(z.object({ id: z.string(), revoked: z.literal(true) }))
    .mutation(({ ctx, input }) => revokeClientApiKey(ctx.db, input, ctx.session.user)),
});
