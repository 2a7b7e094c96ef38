import { describe, expect, it } from "vitest";
import { defaultPlans } from "@/server/plans/default-plans";
import { ZPlanDefinition } from "@/shared/plan-config";
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

describe("placeServerIssues", () => {
  it("files each server message under the path it starts with", () => {
    expect(
      placeServerIssues([
        "limits.messagesPerMonth: must be 0 or more (null means unlimited)",
        "pricing.metrics.tokens.tiers.tiers.1.upTo: must be greater than the previous tier's upTo (5000000); tiers must ascend",
        'pricing.baseCost: must be a decimal string such as "0.002", not a number',
        "name is required",
      ]),
    ).toEqual({
      byPath: {
        "limits.messagesPerMonth": ["must be 0 or more (null means unlimited)"],
        "pricing.metrics.tokens.tiers.tiers.1.upTo": ["must be greater than the previous tier's upTo (5000000); tiers must ascend"],
        "pricing.baseCost": ['must be a decimal string such as "0.002", not a number'],
      },
      unplaced: ["name is required"],
    });
  });
});
