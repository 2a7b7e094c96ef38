// The replay's settings (providers, models, plan optimization per run) and the CPU
// measurement of planPrompt, for bench/replay-optimization.ts. The CPU runs in a child
// process per provider (`--cpu-child <provider>`), so that the tokenizers' count cache
// starts cold as in a fresh server process and nothing else (HTTP, the SDKs, other
// replays) runs between the timers: one planPrompt per turn, sequential, after a warm-up
// on 200 other conversations (another seed). `--breakdown` runs a copy of planPrompt with
// a timer around each step instead, in the same order and cache state.
import { planPrompt, type TPromptPlan, type TPromptPlanInput } from "@/server/chat/plan-prompt";
import { HISTORY_MESSAGES } from "@/server/chat/load-chat-context";
import { AppError } from "@/server/errors/app-error";
import { fitToBudget } from "@/server/llm/context/budget";
import { compressLosslessly } from "@/server/llm/context/lossless";
import { loadTokenizer } from "@/server/llm/context/tokenizers";
import type { TChatMessage, TLlmProviderName } from "@/server/llm/provider";
import { messageFeatures, TOOL_INTENT_RULES } from "@/server/llm/routing/features";
import { chooseCheapModel, routeMessage } from "@/server/llm/routing/route";
import { DEMO_MODEL_PRICES } from "@/server/seed/demo-catalogue";
import { ZPlanOptimization, type TPlanOptimization } from "@/shared/plan-optimization";
import { generateConversations, type TReplayConversation } from "./replay-conversations";

/** The plan's budget in the optimized runs (Starter's default is 4,000; 2,000 is a tight plan). */
export const BUDGET_TOKENS = 2000;

export type TSetup = { provider: TLlmProviderName; primary: string; cheap: string | null };
export const SETUPS: TSetup[] = [
  { provider: "openai", primary: "gpt-4o", cheap: "gpt-4o-mini" },
  { provider: "anthropic", primary: "claude-sonnet-5-5", cheap: "claude-haiku-4-5" },
  { provider: "ollama", primary: "llama3.2", cheap: null },
];

export type TConfigName = "baseline" | "optimized" | "compression" | "budget" | "routing";
export const CONFIGS: Record<TConfigName, { optimization: TPlanOptimization; routingEnabled: boolean; label: string }> = {
  baseline: { optimization: ZPlanOptimization.parse({ losslessCompression: false }), routingEnabled: false, label: "before (last 20 messages)" },
  optimized: {
    optimization: ZPlanOptimization.parse({ contextBudgetTokens: BUDGET_TOKENS, losslessCompression: true, routing: { enabled: true } }),
    routingEnabled: true,
    label: `all: compression + budget ${BUDGET_TOKENS} + routing`,
  },
  compression: { optimization: ZPlanOptimization.parse({ losslessCompression: true }), routingEnabled: false, label: "compression alone" },
  budget: { optimization: ZPlanOptimization.parse({ losslessCompression: false, contextBudgetTokens: BUDGET_TOKENS }), routingEnabled: false, label: `budget ${BUDGET_TOKENS} alone` },
  routing: { optimization: ZPlanOptimization.parse({ losslessCompression: false, routing: { enabled: true } }), routingEnabled: true, label: "routing alone (default rules)" },
};

/** The catalogue the chat path loads: the seed's prices (USD per 1M tokens). */
export const CATALOGUE = DEMO_MODEL_PRICES.map(({ provider, model, inputPer1M, outputPer1M }) => ({ provider, model, inputPer1M, outputPer1M }));
export const PRICES = new Map(DEMO_MODEL_PRICES.map((price) => [`${price.provider}/${price.model}`, price]));

/** A stored message as the chat path loads it: with its time, which summaries are cut by. */
export type TReplayStored = TChatMessage & { at: string };

/** Stored messages' times: one minute apart from a fixed start, so every replay stores the same history. */
export const storedAt = (index: number) => new Date(Date.UTC(2026, 10, 2, 9) + index * 60_000).toISOString();

/**
 * planPrompt's input for a turn, as prepareChat builds it: no cost limit (degradation is
 * not exercised) and no conversation summary (summarizeOlderTurns is off in every setting
 * here). `summary` is added with Object.assign so that this compiles against planPrompt
 * with and without the summary field.
 */
export function planInput(setup: TSetup, config: TConfigName, stored: readonly TReplayStored[], message: string): TPromptPlanInput {
  const input = {
    history: stored.slice(-HISTORY_MESSAGES),
    message,
    optimization: CONFIGS[config].optimization,
    routingEnabled: CONFIGS[config].routingEnabled,
    primary: { provider: setup.provider, model: setup.primary },
    fallbacks: [],
    catalogue: CATALOGUE,
    cost: null,
  };
  return Object.assign(input, { summary: null });
}

/** A turn's plan, or null when the budget refuses it (PROMPT_OVER_BUDGET: nothing is sent or stored). */
export async function planOrRefuse(input: TPromptPlanInput): Promise<TPromptPlan | null> {
  try {
    return await planPrompt(input);
  } catch (error) {
    if (error instanceof AppError && error.code === "PROMPT_OVER_BUDGET") return null;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------
// CPU per planPrompt

type TSummary = { p50: number; p95: number; p99: number; mean: number };
export type TCpuResult = { calls: number; wall: TSummary; cpu: TSummary; steps?: Array<{ name: string } & TSummary>; parts?: Array<{ name: string } & TSummary> };

function summarize(values: number[]): TSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
  return { p50: at(50), p95: at(95), p99: at(99), mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length) };
}

const STEP_NAMES = ["route (features + rules)", "loadTokenizer (await)", "count the prompt", "compress: parse, dedupe, render", "compress: its two counts", "budget: counts", "budget: search and copy"] as const;

/** This process's CPU time in ms (all threads: GC helpers included). On a shared machine steadier than wall time. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * planPrompt's steps (degradation left out: no cost limit here; no summary), each timed in
 * CPU ms (process.cpuUsage, about 1 µs per reading); the same calls in the same order.
 */
async function timedPlan(input: TPromptPlanInput, steps: number[]): Promise<void> {
  let t = cpuMs();
  const lap = (step: number) => {
    const now = cpuMs();
    steps[step]! += now - t;
    t = now;
  };
  const original: TChatMessage[] = [...input.history, { role: "user", content: input.message }];
  const decision = routeMessage({
    messages: original,
    rules: input.optimization.routing,
    clientRoutingEnabled: input.routingEnabled,
    primary: input.primary,
    chain: input.fallbacks,
    catalogue: input.catalogue,
  });
  lap(0);
  const tokenizer = await loadTokenizer(decision.target.provider, decision.target.model);
  lap(1);
  const before = tokenizer.countPromptTokens(original);
  lap(2);
  let countMs = 0;
  const timedCount = (messages: readonly TChatMessage[]) => {
    const started = cpuMs();
    const n = tokenizer.countPromptTokens(messages);
    countMs += cpuMs() - started;
    return n;
  };
  let messages = original;
  let after = before;
  if (input.optimization.losslessCompression) {
    const compressed = compressLosslessly(original, { count: timedCount });
    messages = compressed.messages;
    after = compressed.tokensAfter;
  }
  lap(3);
  steps[3]! -= countMs;
  steps[4]! += countMs;
  countMs = 0;
  const budget = input.optimization.contextBudgetTokens;
  if (budget !== null && after > budget) fitToBudget(messages, { budgetTokens: budget, count: timedCount });
  lap(6);
  steps[6]! -= countMs;
  steps[5]! += countMs;
}

async function replayPlans(conversations: readonly TReplayConversation[], setup: TSetup, measure: ((input: TPromptPlanInput) => Promise<TPromptPlan | null>) | null, timed: ((input: TPromptPlanInput) => Promise<void>) | null) {
  for (const conversation of conversations) {
    const stored: TReplayStored[] = [];
    for (const turn of conversation.turns) {
      const input = planInput(setup, "optimized", stored, turn.user);
      if (timed) await timed(input);
      const plan = measure ? await measure(input) : await planOrRefuse(input);
      // The fake answers every model with the generator's reply, so the history is known without a call.
      if (plan) stored.push({ role: "user", content: turn.user, at: storedAt(stored.length) }, { role: "assistant", content: turn.reply, at: storedAt(stored.length + 1) });
    }
  }
}

export async function cpuChild(provider: TLlmProviderName, count: number, breakdown: boolean): Promise<TCpuResult> {
  const setup = SETUPS.find((candidate) => candidate.provider === provider)!;
  const warmUp = generateConversations(200, 7).conversations;
  const { conversations } = generateConversations(count);
  await replayPlans(warmUp, setup, null, null);
  if (breakdown) {
    const wall: number[] = [];
    const perStep: number[][] = STEP_NAMES.map(() => []);
    // The route step's parts, timed apart after each plan (they touch no cache).
    const parts: Record<string, number[]> = { "route: messageFeatures": [], "route: messageFeatures, messages > 1,000 chars": [], "route: the tool rules alone, messages > 1,000 chars": [], "route: chooseCheapModel (decimal prices)": [], "compress: the new message alone": [] };
    await replayPlans(conversations, setup, null, async (input) => {
      const steps = STEP_NAMES.map(() => 0);
      const started = cpuMs();
      try {
        await timedPlan(input, steps);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
      wall.push(cpuMs() - started);
      steps.forEach((value, index) => perStep[index]!.push(value));
      const messages: TChatMessage[] = [...input.history, { role: "user", content: input.message }];
      let t = cpuMs();
      messageFeatures(messages);
      const featuresMs = cpuMs() - t;
      parts["route: messageFeatures"]!.push(featuresMs);
      if (input.message.length > 1000) {
        parts["route: messageFeatures, messages > 1,000 chars"]!.push(featuresMs);
        // What is left when a message over maxChars skips the question-type rules (its route is primary whatever its type).
        t = cpuMs();
        TOOL_INTENT_RULES.find((rule) => rule.pattern.test(input.message.trim()));
        parts["route: the tool rules alone, messages > 1,000 chars"]!.push(cpuMs() - t);
      }
      t = cpuMs();
      chooseCheapModel({ rules: input.optimization.routing, primary: input.primary, chain: input.fallbacks, catalogue: input.catalogue });
      parts["route: chooseCheapModel (decimal prices)"]!.push(cpuMs() - t);
      // What compression would cost if each stored message's parse were kept (history messages never change).
      t = cpuMs();
      compressLosslessly([{ role: "user", content: input.message }], { count: () => 0 });
      parts["compress: the new message alone"]!.push(cpuMs() - t);
    });
    const cpu = summarize([]);
    return {
      calls: wall.length,
      wall: summarize(wall),
      cpu,
      steps: STEP_NAMES.map((name, index) => ({ name, ...summarize(perStep[index]!) })),
      parts: Object.entries(parts).map(([name, values]) => ({ name: `${name} (${values.length} calls)`, ...summarize(values) })),
    };
  }
  const wall: number[] = [];
  const cpu: number[] = [];
  await replayPlans(conversations, setup, async (input) => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const plan = await planOrRefuse(input);
    wall.push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
    return plan;
  }, null);
  return { calls: wall.length, wall: summarize(wall), cpu: summarize(cpu) };
}
