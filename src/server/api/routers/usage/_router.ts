import { z } from "zod";
import { createTRPCRouter, viewerProcedure } from "@/server/api/trpc";
import { ZGetUsageSummaryInput, ZUsageSummary, getUsageSummary } from "@/server/usage/get-usage-summary";
import { ZListClientUsageInput, ZListClientUsageOutput, listClientUsage } from "@/server/usage/list-client-usage";
import { ZListPlanUsageInput, ZListPlanUsageOutput, listPlanUsage } from "@/server/plans/list-plan-usage";
import { clockNow } from "@/server/clock";
import { ZAbandonedAttempts, ZListAbandonedAttemptsInput, listAbandonedAttempts } from "@/server/chat/list-abandoned-attempts";
import { ZClientPeriodUsage, ZGetClientPeriodUsageInput, getClientPeriodUsage } from "@/server/usage/get-client-period-usage";
import { ZGetUsageHistoryInput, ZUsageHistory, getUsageHistory } from "@/server/usage/get-usage-history";
import {
  ZGetUsageReportInput,
  ZListNearLimitInput,
  ZNearLimitClients,
  ZUsageReport,
  getUsageReport,
  listNearLimitClients,
} from "@/server/usage/get-usage-report";
import { ZListUsageByToolInput, ZUsageByTool, listUsageByTool } from "@/server/usage/list-usage-by-tool";
import { ZListUsageByModelInput, ZUsageByModel, listUsageByModel } from "@/server/usage/list-usage-by-model";
import { ZCompareUsagePeriodsInput, ZUsagePeriodComparison, compareUsagePeriods } from "@/server/usage/compare-usage-periods";
import { ZGetCurrentUsageInput, getCurrentUsage } from "@/server/usage/get-current-usage";
import { ZWhatIfCosts, ZWhatIfCostsInput, whatIfCosts } from "@/server/usage/what-if-cost";

export const usageRouter = createTRPCRouter({
  /** All clients (or one plan's), totals of a period and the months before it, from UsageCounter. */
  summary: viewerProcedure
    .input(ZGetUsageSummaryInput)
    .output(ZUsageSummary)
    .query(({ ctx, input }) => getUsageSummary(ctx.db, { now: clockNow(), ...input })),

  /** One row per client with usage in a period, paged. */
  byClient: viewerProcedure
    .input(ZListClientUsageInput)
    .output(ZListClientUsageOutput)
    .query(({ ctx, input }) => listClientUsage(ctx.db, input)),

  /** Every client (or one plan's) with its usage and the limit it is closest to; sorted by percent of limit, cost, ... */
  report: viewerProcedure
    .input(ZGetUsageReportInput)
    .output(ZUsageReport)
    .query(({ ctx, input }) => getUsageReport(ctx.db, { ...input, now: clockNow() })),

  /** Clients at or past their plan's first alert threshold on some limit. */
  nearLimit: viewerProcedure
    .input(ZListNearLimitInput)
    .output(ZNearLimitClients)
    .query(({ ctx, input }) => listNearLimitClients(ctx.db, { ...input, now: clockNow() })),

  /** One client's settled value of one counter in a period (decimal string). */
  current: viewerProcedure
    .input(ZGetCurrentUsageInput)
    .output(z.object({ value: z.string() }))
    .query(async ({ ctx, input }) => ({ value: await getCurrentUsage(ctx.db, input) })),

  /** One client's period: every counter with its limit, percent, remaining, level and forecast. */
  clientPeriod: viewerProcedure
    .input(ZGetClientPeriodUsageInput)
    .output(ZClientPeriodUsage)
    .query(({ ctx, input }) => getClientPeriodUsage(ctx.db, { ...input, now: clockNow() })),

  /** One client's counter month by month (default: messages, 12 months). */
  history: viewerProcedure
    .input(ZGetUsageHistoryInput)
    .output(ZUsageHistory)
    .query(({ ctx, input }) => getUsageHistory(ctx.db, { ...input, now: clockNow() })),

  /** This period against the previous one, per counter: everyone, one plan or one client. */
  comparePeriods: viewerProcedure
    .input(ZCompareUsagePeriodsInput)
    .output(ZUsagePeriodComparison)
    .query(({ ctx, input }) => compareUsagePeriods(ctx.db, { ...input, now: clockNow() })),

  /** Tool calls by tool name in a period. */
  byTool: viewerProcedure
    .input(ZListUsageByToolInput)
    .output(ZUsageByTool)
    .query(({ ctx, input }) => listUsageByTool(ctx.db, { ...input, now: clockNow() })),

  /** Calls, tokens and provider cost per provider and per model in a period. */
  byModel: viewerProcedure
    .input(ZListUsageByModelInput)
    .output(ZUsageByModel)
    .query(({ ctx, input }) => listUsageByModel(ctx.db, { ...input, now: clockNow() })),

  /** One client's period (default: last month) priced on other models at today's prices, cheapest first. */
  whatIf: viewerProcedure
    .input(ZWhatIfCostsInput)
    .output(ZWhatIfCosts)
    .query(({ ctx, input }) => whatIfCosts(ctx.db, { ...input, now: clockNow() })),

  /** Chat calls whose process died before they were metered (abandoned attempts): unmetered spend. */
  abandonedAttempts: viewerProcedure
    .input(ZListAbandonedAttemptsInput)
    .output(ZAbandonedAttempts)
    .query(({ ctx, input }) => listAbandonedAttempts(ctx.db, input)),

  /** Each plan's limits and prices with its clients' usage in a period. */
  byPlan: viewerProcedure
    .input(ZListPlanUsageInput)
    .output(ZListPlanUsageOutput)
    .query(({ ctx, input }) => listPlanUsage(ctx.db, input)),
});
