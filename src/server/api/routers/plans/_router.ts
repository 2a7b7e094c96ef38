import { z } from "zod";
import { createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { ZPlanSummary, listPlanSummaries } from "@/server/plans/list-plans";

export const plansRouter = createTRPCRouter({
  list: viewerProcedure.output(z.array(ZPlanSummary)).query(({ ctx }) => listPlanSummaries(ctx.db)),
});
