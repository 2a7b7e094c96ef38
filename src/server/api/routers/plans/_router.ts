import { z } from "zod";
import { adminProcedure, createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { ZPlanSummary, listPlanSummaries } from "@/server/plans/list-plans";
import { ZGetPlanInput, ZPlanDetail, getPlanOrThrow } from "@/server/plans/get-plan";
import { ZCreatePlanInput, createPlan } from "@/server/plans/create-plan";
import { ZUpdatePlanInput, updatePlan } from "@/server/plans/update-plan";
import { ZArchivePlanInput, archivePlan } from "@/server/plans/archive-plan";
import { ZPlanImpact, ZPreviewPlanImpactInput, previewPlanImpact } from "@/server/plans/preview-plan-impact";
import {
  ZChangePlanInput,
  ZChangePlanOutput,
  ZPlanChangePreview,
  ZPreviewPlanChangeInput,
  changePlan,
  previewPlanChange,
} from "@/server/plans/change-plan";

export const plansRouter = createTRPCRouter({
  list: viewerProcedure.output(z.array(ZPlanSummary)).query(({ ctx }) => listPlanSummaries(ctx.db)),

  get: viewerProcedure
    .input(ZGetPlanInput)
    .output(ZPlanDetail)
    .query(({ ctx, input }) => getPlanOrThrow(ctx.db, input.key)),

  /** A duplicate key is CONFLICT; with copyFrom, limits/features/pricing left out are copied. */
  create: adminProcedure
    .input(ZCreatePlanInput)
    .output(ZPlanDetail)
    .mutation(({ ctx, input }) => createPlan(ctx.db, input, ctx.session.user)),

  /** Bumps the version and snapshots it; a stale expectedVersion is CONFLICT. */
  update: adminProcedure
    .input(ZUpdatePlanInput)
    .output(ZPlanDetail)
    .mutation(({ ctx, input }) => updatePlan(ctx.db, input, ctx.session.user)),

  /** CONFLICT with { clientCount } while clients are on the plan. */
  archive: adminProcedure
    .input(ZArchivePlanInput)
    .output(ZPlanDetail)
    .mutation(({ ctx, input }) => archivePlan(ctx.db, input, ctx.session.user)),

  previewImpact: viewerProcedure
    .input(ZPreviewPlanImpactInput)
    .output(ZPlanImpact)
    .query(({ ctx, input }) => previewPlanImpact(ctx.db, input)),

  previewChange: viewerProcedure
    .input(ZPreviewPlanChangeInput)
    .output(ZPlanChangePreview)
    .query(({ ctx, input }) => previewPlanChange(ctx.db, input)),

  /** Over-limit usage needs confirmWarnings (else CONFLICT with { warnings }); the same plan is a no-op. */
  changePlan: adminProcedure
    .input(ZChangePlanInput)
    .output(ZChangePlanOutput)
    .mutation(({ ctx, input }) => changePlan(ctx.db, input, ctx.session.user)),
});
