import { z } from "zod";
import { createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { ZListModelPricesInput, ZModelPriceRow, listModelPrices } from "@/server/providers/list-model-prices";

export const providersRouter = createTRPCRouter({
  /** The ModelPrice table, with which row prices calls today. */
  modelPrices: viewerProcedure
    .input(ZListModelPricesInput)
    .output(z.array(ZModelPriceRow))
    .query(({ ctx }) => listModelPrices(ctx.db)),
});
