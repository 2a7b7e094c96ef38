import { z } from "zod";
import { adminProcedure, createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { ZListModelPricesInput, ZModelPriceRow, listModelPrices } from "@/server/model-prices/list-model-prices";
import { ZModelCatalogueEntry, listModelCatalogue } from "@/server/model-prices/model-catalogue";
import { clockNow } from "@/server/clock";
import { ZSetModelPriceInput, setModelPrice } from "@/server/model-prices/set-model-price";
import { ZRetireModelInput, ZRetiredState, ZUnretireModelInput, retireModel, unretireModel } from "@/server/model-prices/retire-model";

export const providersRouter = createTRPCRouter({
  /** The ModelPrice table, with which row prices calls today. */
  modelPrices: viewerProcedure
    .input(ZListModelPricesInput)
    .output(z.array(ZModelPriceRow))
    .query(({ ctx }) => listModelPrices(ctx.db)),

  /** The models that can be chosen for a client, each with the price in effect now. */
  modelCatalogue: viewerProcedure
    .input(z.object({}).default({}))
    .output(z.array(ZModelCatalogueEntry))
    .query(({ ctx }) => listModelCatalogue(ctx.db, clockNow())),

  /** A new price row for a model, effective now (or later); audited. */
  setModelPrice: adminProcedure
    .input(ZSetModelPriceInput)
    .output(z.object({ id: z.string(), effectiveFrom: z.date() }))
    .mutation(({ ctx, input }) => setModelPrice(ctx.db, input, ctx.session.user)),

  /** The model can no longer be chosen for a client; its prices stay. Audited; 404 for a model with no price row. */
  retireModel: adminProcedure
    .input(ZRetireModelInput)
    .output(ZRetiredState)
    .mutation(({ ctx, input }) => retireModel(ctx.db, input, ctx.session.user, clockNow())),

  /** The model can be chosen again. Audited. */
  unretireModel: adminProcedure
    .input(ZUnretireModelInput)
    .output(ZRetiredState)
    .mutation(({ ctx, input }) => unretireModel(ctx.db, input, ctx.session.user, clockNow())),
});
