import { adminProcedure, createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { ZListClientsInput, ZListClientsOutput, listClients } from "@/server/clients/list-clients";
import { ZClientDetail, ZGetClientInput, getClientOrThrow } from "@/server/clients/get-client";
import { ZSetClientStatusInput, setClientStatus } from "@/server/clients/set-client-status";
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
    .output(z.object({ id: z.string(), status: z.enum(["active", "suspended", "cancelled"]) }))
    .mutation(({ ctx, input }) => setClientStatus(ctx.db, input, ctx.session.user)),
});
