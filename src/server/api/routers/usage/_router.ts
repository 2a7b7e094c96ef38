import { createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { ZGetUsageSummaryInput, ZUsageSummary, getUsageSummary } from "@/server/usage/get-usage-summary";
import { ZListClientUsageInput, ZListClientUsageOutput, listClientUsage } from "@/server/usage/list-client-usage";
import { ZListPlanUsageInput, ZListPlanUsageOutput, listPlanUsage } from "@/server/usage/list-plan-usage";

export const usageRouter = createTRPCRouter({
  /** All clients, 12 periods, from UsageCounter. */
  summary: viewerProcedure
    .input(ZGetUsageSummaryInput)
    .output(ZUsageSummary)
    .query(({ ctx, input }) => getUsageSummary(ctx.db, { now: new Date(), period: input.period })),

  /** One row per client with usage in a period, paged. */
  byClient: viewerProcedure
    .input(ZListClientUsageInput)
    .output(ZListClientUsageOutput)
    .query(({ ctx, input }) => listClientUsage(ctx.db, input)),

  /** Each plan's limits and prices with its clients' usage in a period. */
  byPlan: viewerProcedure
    .input(ZListPlanUsageInput)
    .output(ZListPlanUsageOutput)
    .query(({ ctx, input }) => listPlanUsage(ctx.db, input)),
});
