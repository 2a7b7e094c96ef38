import { z } from "zod";
import { adminProcedure, createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { ZListModelPricesInput, ZModelPriceRow, listModelPrices } from "@/server/providers/list-model-prices";
import { ZSetModelPriceInput, setModelPrice } from "@/server/providers/set-model-price";

export const providersRouter = createTRPCRouter({
  /** The ModelPrice table, with which row prices calls today. */
  modelPrices: viewerProcedure
    .input(ZListModelPricesInput)
    .output(z.array(ZModelPriceRow))
    .query(({ ctx }) => listModelPrices(ctx.db)),

  /** A new price row for a model, effective now (or later); audited. */
  setModelPrice: adminProcedure
    .input(ZSetModelPriceInput)
    .output(z.object({ id: z.string(), effectiveFrom: z.date() }))
    .mutation(({ ctx, input }) => setModelPrice(ctx.db, input, ctx.session.user)),
});
