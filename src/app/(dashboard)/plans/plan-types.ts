// The plans router's answers as the pages receive them (the router's output schemas).
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type TPlansOutputs = inferRouterOutputs<AppRouter>["plans"];
type TPlansInputs = inferRouterInputs<AppRouter>["plans"];

export type TPlanDetail = TPlansOutputs["get"];
export type TPlanSummary = TPlansOutputs["list"][number];
export type TPlanImpact = TPlansOutputs["previewImpact"];
export type TCreatePlanInput = TPlansInputs["create"];
export type TUpdatePlanInput = TPlansInputs["update"];

type TCatalogueEntry = inferRouterOutputs<AppRouter>["providers"]["modelCatalogue"][number];

/** The model catalogue as the plan form receives it: the prices, without the dates. */
export function catalogueForForm(catalogue: TCatalogueEntry[]) {
  return catalogue.map(({ provider, model, inputPer1M, outputPer1M, cachedInputPer1M }) => ({ provider, model, inputPer1M, outputPer1M, cachedInputPer1M }));
}
