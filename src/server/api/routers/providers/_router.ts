import { z } from "zod";
import { adminProcedure, createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { ZListModelPricesInput, ZModelPriceRow, listModelPrices } from "@/server/model-prices/list-model-prices";
import { ZModelCatalogueEntry, listModelCatalogue } from "@/server/model-prices/model-catalogue";
import { clockNow } from "@/server/clock";
import { ZSetModelPriceInput, setModelPrice } from "@/server/model-prices/set-model-price";
import { ZProviderHealth, ZProviderHealthInput, getProviderHealth } from "@/server/model-prices/provider-health";
import { ZModelRecommendation, ZRecommendModelInput, recommendModel } from "@/server/model-prices/recommend-model";
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

  /** Per provider and model over the last days (default 30): calls, errors, rates, latency, cost. */
  health: viewerProcedure
    .input(ZProviderHealthInput)
    .output(ZProviderHealth)
    .query(({ ctx, input }) => getProviderHealth(ctx.db, input, clockNow())),

  /** A cheaper model for a client with the evidence, or why none qualifies. */
  recommendation: viewerProcedure
    .input(ZRecommendModelInput)
    .output(ZModelRecommendation)
    .query(({ ctx, input }) => recommendModel(ctx.db, input, clockNow())),

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
