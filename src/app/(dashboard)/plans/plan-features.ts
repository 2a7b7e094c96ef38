// How the plan pages name and order a plan's feature flags. Pure; used by the server
// pages and the editor alike.
import { formatMetricName } from "@/components/display-format";

/** Features shown first, in this order; any others follow by name. */
const FEATURE_ORDER = ["llmProvider", "llmModel", "toolsEnabled", "customBranding", "prioritySupport", "supportLevel", "sso"];

/** Names formatMetricName would get wrong ("Llm provider", "Sso"). */
const FEATURE_LABEL: Record<string, string> = {
  llmProvider: "Default LLM provider",
  llmModel: "Default LLM model",
  sso: "Single sign-on (SSO)",
};

export function orderFeatures(names: string[]): string[] {
  const rank = (name: string) => (FEATURE_ORDER.includes(name) ? FEATURE_ORDER.indexOf(name) : FEATURE_ORDER.length);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function featureLabel(name: string): string {
  return FEATURE_LABEL[name] ?? formatMetricName(name);
}
