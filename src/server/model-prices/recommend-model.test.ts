import { describe, expect, it } from "vitest";
import { disqualification, type TModelEvidence } from "./recommend-model";

const evidence = (over: Partial<TModelEvidence>): TModelEvidence => ({
  provider: "openai",
  model: "m",
  messages: 100,
  errors: 0,
  errorRate: 0,
  votes: 20,
  upVotes: 16,
  upShare: 0.8,
  costUsd: "1",
  costPerMessageUsd: "0.01",
  retired: false,
  ...over,
});

describe("disqualification: a candidate against the primary (both with enough evidence)", () => {
  const primary = evidence({ errorRate: 0.05, upShare: 0.8, costPerMessageUsd: "0.01" });
  const cases: Array<{ rule: string; candidate: Partial<TModelEvidence>; expected: string | null }> = [
    { rule: "exactly 10 % cheaper, same quality, qualifies", candidate: { costPerMessageUsd: "0.009" }, expected: null },
    { rule: "9.99 % cheaper does not", candidate: { costPerMessageUsd: "0.009001" }, expected: "not at least 10 % cheaper per message" },
    { rule: "error rate exactly 2 points higher qualifies (no float drift)", candidate: { costPerMessageUsd: "0.001", errorRate: 0.07 }, expected: null },
    { rule: "error rate 2.01 points higher does not", candidate: { costPerMessageUsd: "0.001", errorRate: 0.0701 }, expected: "error rate more than 2 points above the primary's" },
    { rule: "thumbs-up exactly 5 points lower qualifies", candidate: { costPerMessageUsd: "0.001", upShare: 0.75 }, expected: null },
    { rule: "thumbs-up 5.01 points lower does not", candidate: { costPerMessageUsd: "0.001", upShare: 0.7499 }, expected: "thumbs-up share more than 5 points below the primary's" },
    { rule: "a retired model never qualifies", candidate: { costPerMessageUsd: "0.001", retired: true }, expected: "retired" },
  ];
  for (const { rule, candidate, expected } of cases) {
    it(rule, () => {
      expect(disqualification(evidence(candidate), primary)).toBe(expected);
    });
  }
});
