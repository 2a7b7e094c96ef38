// A stored plan with its limits and features in the order the dashboard lists them
// (JSON columns come back in the database's key order, not the author's).
import { orderLimitMetrics } from "@/components/plan-limits";
import { orderFeatures } from "./plan-features";
import type { TPlanDetail } from "./plan-types";

function pick<T>(record: Record<string, T>, keys: string[]): Record<string, T> {
  return Object.fromEntries(keys.map((key) => [key, record[key] as T]));
}

export function inDisplayOrder(plan: TPlanDetail): TPlanDetail {
  return {
    ...plan,
    limits: pick(plan.limits, orderLimitMetrics(Object.keys(plan.limits))),
    features: pick(plan.features, orderFeatures(Object.keys(plan.features))),
  };
}
