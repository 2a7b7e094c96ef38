import { describe, expect, it } from "vitest";
import { defaultPlans } from "@/server/plans/default-plans";
import { ZPlanDefinition } from "@/shared/plan-config";
import { DEFAULT_PLAN_OPTIMIZATION } from "@/shared/plan-optimization";
import { toggleQuestionType } from "./optimization-form-state";
import {
  blankFormState,
  duplicateNameIssues,
  emptyLimitRow,
  formStateToPlan,
  issuesByPath,
  parseNumberInput,
  parseThresholds,
  placeServerIssues,
  planToFormState,
} from "./plan-form-state";

describe("plan form state", () => {
  it.each(Object.values(defaultPlans))("opening and saving $key unchanged gives back the same plan", (input) => {
    const plan = ZPlanDefinition.parse(input);
    expect(ZPlanDefinition.parse(formStateToPlan(planToFormState(plan)))).toEqual(plan);
  });

  it("a ticked Unlimited saves null whatever the number field holds", () => {
    const state = planToFormState(ZPlanDefinition.parse(defaultPlans.free));
    state.limits = state.limits.map((row) => (row.metric === "messagesPerMonth" ? { ...row, value: "500", unlimited: true } : row));
    expect(formStateToPlan(state).limits.messagesPerMonth).toBeNull();
  });

  it("a new metric row becomes a limit without any code knowing its name", () => {
    const state = planToFormState(ZPlanDefinition.parse(defaultPlans.pro));
    state.limits.push({ ...emptyLimitRow(), metric: "outputTokensPerMonth", value: "2,000,000" });
    expect(ZPlanDefinition.parse(formStateToPlan(state)).limits.outputTokensPerMonth).toBe(2_000_000);
  });

  it("an empty tier bound is the unbounded top tier", () => {
    const plan = formStateToPlan(planToFormState(ZPlanDefinition.parse(defaultPlans.pro)));
    expect(plan.pricing.metrics?.tokens?.tiers?.tiers.at(-1)?.upTo).toBeNull();
  });

  it("what is not a number reaches the server as NaN, so the server names the field", () => {
    expect(parseNumberInput("12abc")).toBeNaN();
    expect(parseNumberInput("")).toBeNaN();
    expect(parseNumberInput(" 1,500 ")).toBe(1500);
    const state = { ...blankFormState(), key: "team", name: "Team", limits: [{ ...emptyLimitRow(), metric: "messagesPerMonth", value: "lots" }] };
    const result = ZPlanDefinition.safeParse(formStateToPlan(state));
    expect(result.success).toBe(false);
    expect(Object.keys(issuesByPath(result.error!))).toEqual(["limits.messagesPerMonth"]);
  });

  it("reads alert thresholds typed with commas, spaces or percent signs", () => {
    expect(parseThresholds("50, 80,100%")).toEqual([50, 80, 100]);
    expect(parseThresholds("  ")).toEqual([]);
  });

  it("an empty or repeated name is refused before the rows become a record", () => {
    const state = blankFormState();
    const first = { ...emptyLimitRow(), metric: "messagesPerMonth", value: "1" };
    const twice = { ...emptyLimitRow(), metric: "messagesPerMonth", value: "2" };
    const unnamed = emptyLimitRow();
    state.limits = [first, twice, unnamed];
    expect(duplicateNameIssues(state)).toEqual({
      [`limits#${twice.id}`]: ["messagesPerMonth is listed twice"],
      [`limits#${unnamed.id}`]: ["enter a metric name"],
    });
  });
});

describe("plan form state: LLM cost settings", () => {
  const tuned = ZPlanDefinition.parse({
    ...defaultPlans.pro,
    optimization: {
      contextBudgetTokens: 4_000,
      losslessCompression: false,
      summarizeOlderTurns: true,
      routing: {
        enabled: true,
        maxChars: 500,
        maxDepth: 3,
        // Not in QUESTION_TYPES order: an unchanged save keeps the stored order.
        cheapQuestionTypes: ["how_to", "greeting"],
        cheapModel: { provider: "openai", model: "gpt-4o-mini" },
      },
      degradeAtCostPercent: 75,
    },
  });

  it("opening and saving a plan unchanged keeps every optimization field", () => {
    const saved = ZPlanDefinition.parse(formStateToPlan(planToFormState(tuned)));
    expect(saved.optimization).toEqual(tuned.optimization);
    expect(saved.optimization).not.toEqual(DEFAULT_PLAN_OPTIMIZATION);
  });

  it("a new plan starts with the defaults: no budget, compression on, no routing, never degrade", () => {
    const state = { ...blankFormState(), key: "team", name: "Team" };
    expect(state.optimization).toMatchObject({ contextBudgetTokens: "", degradeAtCostPercent: "", routingEnabled: false, cheapModel: null });
    const plan = formStateToPlan(state);
    expect(ZPlanDefinition.shape.optimization.parse(plan.optimization)).toEqual(DEFAULT_PLAN_OPTIMIZATION);
  });

  it("an emptied budget or degrade field is null; an emptied cheap model is the router's choice", () => {
    const state = planToFormState(tuned);
    state.optimization = { ...state.optimization, contextBudgetTokens: " ", summarizeOlderTurns: false, degradeAtCostPercent: "", cheapModel: null };
    const optimization = ZPlanDefinition.parse(formStateToPlan(state)).optimization;
    expect(optimization).toMatchObject({ contextBudgetTokens: null, degradeAtCostPercent: null });
    expect(optimization.routing.cheapModel).toBeUndefined();
  });

  it("a typed number is read like the other fields; what is not a number is named by the schema at its path", () => {
    const state = planToFormState(tuned);
    state.optimization = { ...state.optimization, contextBudgetTokens: "8,000", maxChars: "lots", degradeAtCostPercent: "100" };
    const plan = formStateToPlan(state);
    expect(plan.optimization?.contextBudgetTokens).toBe(8_000);
    const result = ZPlanDefinition.safeParse(plan);
    expect(Object.keys(issuesByPath(result.error!)).sort()).toEqual(["optimization.degradeAtCostPercent", "optimization.routing.maxChars"]);
  });

  it("summarizing older turns without a budget is refused at the summarize field", () => {
    const state = planToFormState(tuned);
    state.optimization = { ...state.optimization, contextBudgetTokens: "" };
    const result = ZPlanDefinition.safeParse(formStateToPlan(state));
    expect(Object.keys(issuesByPath(result.error!))).toEqual(["optimization.summarizeOlderTurns"]);
  });

  it("ticking a question type keeps the list in QUESTION_TYPES order without repeats", () => {
    expect(toggleQuestionType(["how_to", "greeting"], "factual", true)).toEqual(["greeting", "factual", "how_to"]);
    expect(toggleQuestionType(["greeting", "factual"], "factual", true)).toEqual(["greeting", "factual"]);
    expect(toggleQuestionType(["greeting", "factual"], "greeting", false)).toEqual(["factual"]);
  });
});

describe("placeServerIssues", () => {
  it("files each server message under the path it starts with", () => {
    expect(
      placeServerIssues([
        "limits.messagesPerMonth: must be 0 or more (null means unlimited)",
        "pricing.metrics.tokens.tiers.tiers.1.upTo: must be greater than the previous tier's upTo (5000000); tiers must ascend",
        'pricing.baseCost: must be a decimal string such as "0.002", not a number',
        "optimization.routing.cheapQuestionTypes: must not repeat a question type",
        "name is required",
      ]),
    ).toEqual({
      byPath: {
        "limits.messagesPerMonth": ["must be 0 or more (null means unlimited)"],
        "pricing.metrics.tokens.tiers.tiers.1.upTo": ["must be greater than the previous tier's upTo (5000000); tiers must ascend"],
        "pricing.baseCost": ['must be a decimal string such as "0.002", not a number'],
        "optimization.routing.cheapQuestionTypes": ["must not repeat a question type"],
      },
      unplaced: ["name is required"],
    });
  });
});
