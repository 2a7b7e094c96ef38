import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describePlanIssues, withPathsInMessages } from "./zod-issues";

const ZPlan = z.object({ name: z.string(), limits: z.object({ messagesPerMonth: z.number().min(0, "must be 0 or more") }), thresholds: z.array(z.number()).default([80, 100]) });

describe("zod issues named by their path", () => {
  it("withPathsInMessages names the field in each message and keeps the issue's path", () => {
    const input = z.object({ key: z.string(), plan: withPathsInMessages(ZPlan) });
    const result = input.safeParse({ key: "team", plan: { name: "Team", limits: { messagesPerMonth: -1 } } });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.issues.map((i) => [i.path.join("."), i.message])).toEqual([["plan.limits.messagesPerMonth", "limits.messagesPerMonth: must be 0 or more"]]);
      expect(z.flattenError(result.error).fieldErrors).toEqual({ plan: ["limits.messagesPerMonth: must be 0 or more"] });
    }
    // A valid value parses as the schema does, defaults included.
    expect(input.parse({ key: "team", plan: { name: "Team", limits: { messagesPerMonth: 5 } } }).plan.thresholds).toEqual([80, 100]);
  });

  it("describes issues as 'path: message' lines; an issue of the whole value says (plan)", () => {
    const result = ZPlan.safeParse({ name: "Team", limits: { messagesPerMonth: -1 } });
    expect(result.success).toBe(false);
    if (!result.success) expect(describePlanIssues(result.error)).toEqual(["limits.messagesPerMonth: must be 0 or more"]);
    const whole = ZPlan.safeParse(7);
    expect(whole.success).toBe(false);
    if (!whole.success) expect(describePlanIssues(whole.error)[0]).toMatch(/^\(plan\): /);
  });
});
