// A plan's LLM cost settings in words: the question types as the editor labels them, and
// the one-line summary the plans list shows per plan. Pure, browser-safe.
import { formatCount } from "@/components/display-format";
import type { TPlanOptimization } from "@/shared/plan-optimization";
import type { TQuestionType } from "@/shared/routing-rules";

export const QUESTION_TYPE_LABELS: Record<TQuestionType, { label: string; example: string }> = {
  greeting: { label: "Greetings and thanks", example: "“Hi!”, “thanks, that helped”" },
  factual: { label: "Single factual questions", example: "“What are your opening hours?”" },
  how_to: { label: "How-to questions", example: "“How do I reset my password?”" },
  reasoning: { label: "Reasoning and comparisons", example: "“Which plan suits a team of 12, and why?”" },
  code: { label: "Code", example: "“Why does this snippet throw?”" },
  multi_step: { label: "Multi-step requests", example: "“Compare these, then draft an email”" },
  other: { label: "Anything else", example: "problem reports, requests to change something" },
};

/** The section's names for the settings' paths, for the form's error summary ("LLM cost › Context budget"). */
export const OPTIMIZATION_PATH_LABELS: Record<string, string> = {
  optimization: "LLM cost",
  contextBudgetTokens: "Context budget",
  losslessCompression: "Lossless compression",
  summarizeOlderTurns: "Summarize older turns",
  routing: "Routing",
  enabled: "Send simple messages to a cheaper model",
  maxChars: "Max characters",
  maxDepth: "Max depth",
  cheapQuestionTypes: "Question types",
  neverWhenTools: "Tool calls",
  cheapModel: "Cheap model",
  degradeAtCostPercent: "Degrade at",
};

/**
 * "Budget 4,000 tokens · routing on · degrade at 80 %" ("+ summaries" after the budget when
 * older turns are summarized, the cheap model's name after routing when one is named). Lossless compression is on by
 * default and named only when it is the one thing a plan does, or when it is off while
 * other settings are on; with nothing on: "No cost optimization".
 */
export function describeOptimization(optimization: TPlanOptimization): string {
  const parts: string[] = [];
  if (optimization.contextBudgetTokens !== null) {
    parts.push(`Budget ${formatCount(optimization.contextBudgetTokens)} tokens${optimization.summarizeOlderTurns ? " + summaries" : ""}`);
  }
  if (optimization.routing.enabled) {
    const cheap = optimization.routing.cheapModel;
    parts.push(cheap ? `routing on (${cheap.model})` : "routing on");
  }
  if (optimization.degradeAtCostPercent !== null) parts.push(`degrade at ${optimization.degradeAtCostPercent} %`);
  if (parts.length === 0) return optimization.losslessCompression ? "Lossless compression only" : "No cost optimization";
  if (!optimization.losslessCompression) parts.push("no compression");
  const [first, ...rest] = parts;
  return [first!.charAt(0).toUpperCase() + first!.slice(1), ...rest].join(" · ");
}
