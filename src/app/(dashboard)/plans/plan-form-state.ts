// The plan editor's state: what the inputs hold (text, so a half-typed number stays
// as typed), and the two conversions around it: plan -> form when the page opens,
// form -> plan definition when it is saved. Pure: no React, no I/O.
//
// Numbers the admin typed that are not numbers become NaN rather than being dropped,
// so that the server's validation names the field instead of the plan silently
// losing a limit. Money stays a decimal string end to end.
import type { z } from "zod";
import { DEFAULT_UPGRADE_MESSAGE, type TPlanDefinitionInput } from "@/shared/plan-config";
import type { TPlanOptimization } from "@/shared/plan-optimization";
import {
  defaultOptimizationFormState,
  formStateToOptimization,
  optimizationToFormState,
  type TOptimizationFormState,
} from "./optimization-form-state";

export type TProrationMode = "none" | "daily" | "exact";
export type TTierMode = "graduated" | "volume";

export type TLimitRow = { id: string; metric: string; value: string; unlimited: boolean; isNew: boolean };
export type TFeatureRow = { id: string; name: string; value: boolean | string; isNew: boolean };
export type TTierRow = { id: string; upTo: string; unitPrice: string };
export type TMetricPriceRow = {
  id: string;
  metric: string;
  unitPrice: string;
  includedUnits: string;
  unit: string;
  tiered: boolean;
  tierMode: TTierMode;
  tiers: TTierRow[];
  isNew: boolean;
};

export type TPlanFormState = {
  key: string;
  name: string;
  description: string;
  sortOrder: string;
  limits: TLimitRow[];
  features: TFeatureRow[];
  baseCost: string;
  currency: string;
  usageMultiplier: string;
  prorationMode: TProrationMode;
  metricPrices: TMetricPriceRow[];
  alertThresholds: string;
  upgradeMessage: string;
  upgradeUrl: string;
  /** LLM cost settings; the editor sends them back on every save (an update replaces the whole plan). */
  optimization: TOptimizationFormState;
};

/** What the editor reads from a stored plan (plans.get, minus the bookkeeping fields). */
export type TEditablePlan = {
  key: string;
  name: string;
  description?: string | null;
  sortOrder: number;
  limits: Record<string, number | null>;
  features: Record<string, boolean | string>;
  pricing: {
    baseCost: string;
    currency: string;
    usageMultiplier?: string;
    prorationMode?: TProrationMode;
    metrics?: Record<
      string,
      {
        unitPrice: string;
        includedUnits?: number;
        unit?: number;
        tiers?: { mode: TTierMode; tiers: { upTo: number | null; unitPrice: string }[] };
      }
    >;
  };
  alertThresholds: number[];
  upgradeMessage: string;
  upgradeUrl?: string | null;
  optimization: TPlanOptimization;
};

// Rows of a stored plan get their ids on the server (the page builds the form state),
// rows added later get theirs in the browser: a counter alone would restart at 1 there
// and hand out an id already taken. The random prefix tells the two modules apart.
const ROW_ID_PREFIX = Math.random().toString(36).slice(2, 8);
let nextRowId = 0;
/** Row ids keep React's keys stable while rows are added, renamed and removed. */
export function newRowId(): string {
  nextRowId += 1;
  return `row-${ROW_ID_PREFIX}-${nextRowId}`;
}

export function emptyLimitRow(): TLimitRow {
  return { id: newRowId(), metric: "", value: "", unlimited: false, isNew: true };
}

export function emptyFeatureRow(kind: "boolean" | "string"): TFeatureRow {
  return { id: newRowId(), name: "", value: kind === "boolean" ? false : "", isNew: true };
}

export function emptyTierRow(): TTierRow {
  return { id: newRowId(), upTo: "", unitPrice: "" };
}

export function emptyMetricPriceRow(metric = ""): TMetricPriceRow {
  return {
    id: newRowId(),
    metric,
    unitPrice: "0",
    includedUnits: "0",
    unit: "1",
    tiered: false,
    tierMode: "graduated",
    tiers: [{ ...emptyTierRow() }],
    isNew: true,
  };
}

export function planToFormState(plan: TEditablePlan): TPlanFormState {
  return {
    key: plan.key,
    name: plan.name,
    description: plan.description ?? "",
    sortOrder: String(plan.sortOrder),
    limits: Object.entries(plan.limits).map(([metric, limit]) => ({
      id: newRowId(),
      metric,
      value: limit === null ? "" : String(limit),
      unlimited: limit === null,
      isNew: false,
    })),
    features: Object.entries(plan.features).map(([name, value]) => ({ id: newRowId(), name, value, isNew: false })),
    baseCost: plan.pricing.baseCost,
    currency: plan.pricing.currency,
    usageMultiplier: plan.pricing.usageMultiplier ?? "1",
    prorationMode: plan.pricing.prorationMode ?? "daily",
    metricPrices: Object.entries(plan.pricing.metrics ?? {}).map(([metric, price]) => ({
      id: newRowId(),
      metric,
      unitPrice: price.unitPrice,
      includedUnits: String(price.includedUnits ?? 0),
      unit: String(price.unit ?? 1),
      tiered: price.tiers !== undefined,
      tierMode: price.tiers?.mode ?? "graduated",
      tiers: (price.tiers?.tiers ?? [{ upTo: null, unitPrice: price.unitPrice }]).map((tier) => ({
        id: newRowId(),
        upTo: tier.upTo === null ? "" : String(tier.upTo),
        unitPrice: tier.unitPrice,
      })),
      isNew: false,
    })),
    alertThresholds: plan.alertThresholds.join(", "),
    upgradeMessage: plan.upgradeMessage,
    upgradeUrl: plan.upgradeUrl ?? "",
    optimization: optimizationToFormState(plan.optimization),
  };
}

/** A blank plan for /plans/new without ?copy=. */
export function blankFormState(): TPlanFormState {
  return {
    key: "",
    name: "",
    description: "",
    sortOrder: "0",
    limits: [],
    features: [],
    baseCost: "0",
    currency: "USD",
    usageMultiplier: "1",
    prorationMode: "daily",
    metricPrices: [],
    alertThresholds: "80, 100",
    upgradeMessage: DEFAULT_UPGRADE_MESSAGE,
    upgradeUrl: "",
    optimization: defaultOptimizationFormState(),
  };
}

/** "1,000" and " 500 " are what people type; anything else is NaN for the server to name. */
export function parseNumberInput(text: string): number {
  const trimmed = text.trim().replace(/[,_\s]/g, "");
  return trimmed === "" || !/^-?\d+(\.\d+)?$/.test(trimmed) ? Number.NaN : Number(trimmed);
}

/** "80, 100" -> [80, 100]; an empty field -> []. */
export function parseThresholds(text: string): number[] {
  const parts = text
    .split(/[,;\s]+/)
    .map((part) => part.trim().replace(/%$/, ""))
    .filter((part) => part !== "");
  return parts.map(parseNumberInput);
}

/** A limit: null when "Unlimited" is ticked. */
export function limitsOf(rows: TLimitRow[]): Record<string, number | null> {
  return Object.fromEntries(rows.map((row) => [row.metric.trim(), row.unlimited ? null : parseNumberInput(row.value)]));
}

export function formStateToPlan(state: TPlanFormState): TPlanDefinitionInput {
  const optional = (text: string) => (text.trim() === "" ? undefined : text.trim());
  return {
    key: state.key.trim(),
    name: state.name.trim(),
    description: optional(state.description),
    sortOrder: parseNumberInput(state.sortOrder),
    limits: limitsOf(state.limits),
    features: Object.fromEntries(
      state.features.map((row) => [row.name.trim(), typeof row.value === "string" ? row.value.trim() : row.value]),
    ),
    pricing: {
      baseCost: state.baseCost.trim(),
      currency: state.currency.trim(),
      usageMultiplier: state.usageMultiplier.trim(),
      prorationMode: state.prorationMode,
      metrics: Object.fromEntries(
        state.metricPrices.map((row) => [
          row.metric.trim(),
          {
            unitPrice: row.unitPrice.trim(),
            includedUnits: parseNumberInput(row.includedUnits),
            unit: parseNumberInput(row.unit),
            tiers: row.tiered
              ? {
                  mode: row.tierMode,
                  // An empty "up to" is the unbounded top tier.
                  tiers: row.tiers.map((tier) => ({
                    upTo: tier.upTo.trim() === "" ? null : parseNumberInput(tier.upTo),
                    unitPrice: tier.unitPrice.trim(),
                  })),
                }
              : undefined,
          },
        ]),
      ),
    },
    alertThresholds: parseThresholds(state.alertThresholds),
    upgradeMessage: state.upgradeMessage.trim(),
    upgradeUrl: optional(state.upgradeUrl),
    optimization: formStateToOptimization(state.optimization, parseNumberInput),
  };
}

/**
 * Names the form itself must reject before a record is built from its rows: an
 * empty or repeated name would silently drop or merge a row. Keyed like the
 * server's issue paths ("limits.<row id>") so the message sits under the row.
 */
export function duplicateNameIssues(state: TPlanFormState): Record<string, string[]> {
  const issues: Record<string, string[]> = {};
  const check = (section: string, rows: { id: string; name: string }[], what: string) => {
    const seen = new Set<string>();
    for (const row of rows) {
      const name = row.name.trim();
      if (name === "") issues[`${section}#${row.id}`] = [`enter a ${what} name`];
      else if (seen.has(name)) issues[`${section}#${row.id}`] = [`${name} is listed twice`];
      seen.add(name);
    }
  };
  check("limits", state.limits.map((row) => ({ id: row.id, name: row.metric })), "metric");
  check("features", state.features, "feature");
  check("pricing.metrics", state.metricPrices.map((row) => ({ id: row.id, name: row.metric })), "metric");
  return issues;
}

/** One issue path as the form keys it: "limits.messagesPerMonth", "pricing.metrics.tokens.tiers.tiers.1.upTo". */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map(String).join(".");
}

/**
 * Issue messages by path, from a zod error on the plan definition. Used to place the
 * server's validation messages under the fields they are about.
 */
export function issuesByPath(error: z.ZodError): Record<string, string[]> {
  const byPath: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const path = issuePath(issue.path);
    (byPath[path] ??= []).push(issue.message);
  }
  return byPath;
}

/**
 * The server's messages about the plan, by path. Its input schema prefixes each
 * message with the issue's path inside the plan ("limits.messagesPerMonth: must be
 * 0 or more"), because tRPC flattens input errors to the top-level field ("plan").
 * Messages without a path prefix are returned apart, for the summary.
 */
export function placeServerIssues(messages: readonly string[]): { byPath: Record<string, string[]>; unplaced: string[] } {
  const byPath: Record<string, string[]> = {};
  const unplaced: string[] = [];
  for (const message of messages) {
    const match = /^([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*): (.+)$/s.exec(message);
    if (match) (byPath[match[1]!] ??= []).push(match[2]!);
    else unplaced.push(message);
  }
  return { byPath, unplaced };
}
