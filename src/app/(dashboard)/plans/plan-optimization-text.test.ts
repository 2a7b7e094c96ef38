import { describe, expect, it } from "vitest";
import { ZPlanOptimization, type TPlanOptimizationInput } from "@/shared/plan-optimization";
import { QUESTION_TYPES } from "@/shared/routing-rules";
import { QUESTION_TYPE_LABELS, describeOptimization } from "./plan-optimization-text";

const describe_ = (input: TPlanOptimizationInput) => describeOptimization(ZPlanOptimization.parse(input));

describe("describeOptimization", () => {
  it.each<[string, TPlanOptimizationInput, string]>([
    ["the defaults", {}, "Lossless compression only"],
    ["everything off", { losslessCompression: false }, "No cost optimization"],
    ["a budget", { contextBudgetTokens: 4_000 }, "Budget 4,000 tokens"],
    [
      "budget, routing and degradation",
      { contextBudgetTokens: 4_000, routing: { enabled: true }, degradeAtCostPercent: 80 },
      "Budget 4,000 tokens · routing on · degrade at 80 %",
    ],
    ["summaries", { contextBudgetTokens: 8_000, summarizeOlderTurns: true }, "Budget 8,000 tokens + summaries"],
    [
      "routing to a named model, compression off",
      { losslessCompression: false, routing: { enabled: true, cheapModel: { provider: "openai", model: "gpt-4o-mini" } } },
      "Routing on (gpt-4o-mini) · no compression",
    ],
    ["routing rules kept while routing is off", { routing: { enabled: false, maxChars: 50 }, degradeAtCostPercent: 90 }, "Degrade at 90 %"],
  ])("%s", (_name, input, expected) => {
    expect(describe_(input)).toBe(expected);
  });

  it("every question type has a label", () => {
    for (const type of QUESTION_TYPES) expect(QUESTION_TYPE_LABELS[type].label).not.toBe("");
  });
});
