// Which providers answer a client, in order: its override (else the plan's default),
// then its fallback chain. Pure.
import { LLM_PROVIDER_NAMES, type TLlmProviderName } from "@/server/llm/provider";
import type { TChatContext } from "./load-chat-context";

/** Used when a client overrides the provider but names no model. */
export const DEFAULT_MODEL: Record<TLlmProviderName, string> = {
  ollama: "llama3.2",
  anthropic: "claude-sonnet-5-5",
  openai: "gpt-4o-mini",
};

export type TChainEntry = { provider: TLlmProviderName; model: string };

function isProviderName(value: unknown): value is TLlmProviderName {
  return typeof value === "string" && (LLM_PROVIDER_NAMES as readonly string[]).includes(value);
}

/** The client's primary model: its override, else the plan's default. */
export function primaryModel(context: Pick<TChatContext, "override"> & { plan: Pick<TChatContext["plan"], "features"> }): TChainEntry {
  const planProvider = isProviderName(context.plan.features.llmProvider) ? context.plan.features.llmProvider : "ollama";
  const planModel =
    typeof context.plan.features.llmModel === "string" ? context.plan.features.llmModel : DEFAULT_MODEL[planProvider];
  if (context.override && isProviderName(context.override.provider)) {
    const provider = context.override.provider;
    return { provider, model: context.override.model ?? (provider === planProvider ? planModel : DEFAULT_MODEL[provider]) };
  }
  return { provider: planProvider, model: planModel };
}

export function resolveProviderChain(
  context: Pick<TChatContext, "override" | "fallbackChain"> & { plan: Pick<TChatContext["plan"], "features"> },
): TChainEntry[] {
  const entries: TChainEntry[] = [primaryModel(context)];
  entries.push(...context.fallbackChain);
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = `${entry.provider}/${entry.model}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
