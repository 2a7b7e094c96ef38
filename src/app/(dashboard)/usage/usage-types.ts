// What the usage procedures return, as the usage page's parts see it.
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type TUsageOutputs = inferRouterOutputs<AppRouter>["usage"];

export type TUsageReport = TUsageOutputs["report"];
export type TPeriodComparison = TUsageOutputs["comparePeriods"];
export type TUsageByModel = TUsageOutputs["byModel"];
export type TPlanUsage = TUsageOutputs["byPlan"]["plans"];
export type TAbandonedAttempts = TUsageOutputs["abandonedAttempts"];
