import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors/app-error";
import { ZExperimentVariants, assignVariant, variantBucket, type TExperimentVariant } from "./assign-variant";

const EXPERIMENT = "0d5f1f0e-6b1c-4f3e-9a57-2c1d0e9b7a11";

const variant = (key: string, weight: number, patch: Partial<TExperimentVariant> = {}): TExperimentVariant => ({
  key,
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  routing: false,
  weight,
  ...patch,
});
const FIFTY_THIRTY_TWENTY = [variant("control", 50), variant("mini", 30, { provider: "openai", model: "gpt-4o-mini" }), variant("routed", 20, { routing: true })];

/** Each variant's share of `count` random conversations, in percent. */
function observedShares(variants: TExperimentVariant[], count: number): Record<string, number> {
  const counts = new Map(variants.map((v) => [v.key, 0]));
  for (let i = 0; i < count; i++) {
    const { key } = assignVariant(EXPERIMENT, randomUUID(), variants);
    counts.set(key, counts.get(key)! + 1);
  }
  return Object.fromEntries([...counts].map(([key, n]) => [key, (n * 100) / count]));
}

/** The error a call throws, for asserting on its code and fields. */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe("experiment variant assignment", () => {
  it("is a fixed function of (experiment, conversation): the same ids give the same variant in any process", () => {
    // Pinned: sha256("<experiment>:<conversation>"), first 64 bits, × 100 >> 64. A change of
    // the hash or the scaling would move running conversations to another model.
    const pinned: Array<[string, number, string]> = [
      ["11111111-1111-4111-8111-111111111111", 78, "mini"],
      ["22222222-2222-4222-8222-222222222222", 33, "control"],
      ["55555555-5555-4555-8555-555555555555", 75, "mini"],
      ["cccccccc-cccc-4ccc-8ccc-cccccccccccc", 99, "routed"],
      ["aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", 69, "mini"],
    ];
    for (const [conversation, bucket, key] of pinned) {
      expect(variantBucket(EXPERIMENT, conversation, 100)).toBe(bucket);
      expect(assignVariant(EXPERIMENT, conversation, FIFTY_THIRTY_TWENTY).key).toBe(key);
    }
    expect(variantBucket(EXPERIMENT, "11111111-1111-4111-8111-111111111111", 1_000_000)).toBe(788_133);
  });

  it("gives a conversation the same variant on every call, and another experiment may give it another", () => {
    fc.assert(
      fc.property(fc.uuid(), (conversation) => {
        const first = assignVariant(EXPERIMENT, conversation, FIFTY_THIRTY_TWENTY);
        expect(assignVariant(EXPERIMENT, conversation, FIFTY_THIRTY_TWENTY)).toEqual(first);
        expect(assignVariant(EXPERIMENT, conversation, structuredClone(FIFTY_THIRTY_TWENTY))).toEqual(first);
      }),
    );
    const other = "9b2e4c7a-1d3f-4e5a-8b6c-7d8e9f0a1b2c";
    const conversations = Array.from({ length: 200 }, () => randomUUID());
    const differ = conversations.filter((c) => assignVariant(EXPERIMENT, c, FIFTY_THIRTY_TWENTY).key !== assignVariant(other, c, FIFTY_THIRTY_TWENTY).key);
    expect(differ.length).toBeGreaterThan(0);
  });

  it("splits 10,000 random conversations 50/30/20 within ±2 percentage points of the weights", () => {
    // One share of 10,000 has a standard deviation of at most 0.5 pp: ±2 pp is 4 sigma.
    const shares = observedShares(FIFTY_THIRTY_TWENTY, 10_000);
    console.info(`observed shares over 10,000 conversations (weights 50/30/20): ${JSON.stringify(shares)}`);
    expect(Math.abs(shares.control! - 50)).toBeLessThanOrEqual(2);
    expect(Math.abs(shares.mini! - 30)).toBeLessThanOrEqual(2);
    expect(Math.abs(shares.routed! - 20)).toBeLessThanOrEqual(2);
  });

  it("splits 100/900 weights 10/90 too, and one variant takes everything", () => {
    const shares = observedShares([variant("rare", 100), variant("common", 900)], 10_000);
    console.info(`observed shares over 10,000 conversations (weights 100/900): ${JSON.stringify(shares)}`);
    expect(Math.abs(shares.rare! - 10)).toBeLessThanOrEqual(1.5);
    const only = [variant("only", 7)];
    expect(Array.from({ length: 100 }, () => assignVariant(EXPERIMENT, randomUUID(), only).key)).toEqual(Array(100).fill("only"));
  });

  it("moving weight from one variant to the next moves only that share: 50/30/20 -> 40/40/20 moves a tenth, all of it control -> mini", () => {
    const shifted = FIFTY_THIRTY_TWENTY.map((v) => ({ ...v, weight: { control: 40, mini: 40, routed: 20 }[v.key]! }));
    const moves = new Map<string, number>();
    const count = 10_000;
    for (let i = 0; i < count; i++) {
      const conversation = randomUUID();
      const before = assignVariant(EXPERIMENT, conversation, FIFTY_THIRTY_TWENTY).key;
      const after = assignVariant(EXPERIMENT, conversation, shifted).key;
      if (before !== after) moves.set(`${before}->${after}`, (moves.get(`${before}->${after}`) ?? 0) + 1);
    }
    expect([...moves.keys()]).toEqual(["control->mini"]);
    expect(Math.abs((moves.get("control->mini")! * 100) / count - 10)).toBeLessThanOrEqual(2);
  });

  it("a new total moves only conversations near the moved boundaries, not a reshuffle", () => {
    // 50/30/20 -> 60/30/20: control grows by 4.5 pp; the scaled hash moves 6.4 pp, a modulo would move ~60%.
    const grown = FIFTY_THIRTY_TWENTY.map((v) => (v.key === "control" ? { ...v, weight: 60 } : v));
    const conversations = Array.from({ length: 10_000 }, () => randomUUID());
    const moved = conversations.filter((c) => assignVariant(EXPERIMENT, c, FIFTY_THIRTY_TWENTY).key !== assignVariant(EXPERIMENT, c, grown).key);
    expect((moved.length * 100) / conversations.length).toBeLessThan(9);
  });

  it.each<[string, unknown, string]>([
    ["no variants", [], ""],
    ["eleven variants", Array.from({ length: 11 }, (_, i) => variant(`v${i}`, 1)), ""],
    ["a zero weight", [variant("a", 0)], "0.weight"],
    ["a fractional weight", [variant("a", 1), variant("b", 2.5)], "1.weight"],
    ["a weight over 1000", [variant("a", 1001)], "0.weight"],
    ["a duplicate key", [variant("a", 1), variant("b", 1), variant("a", 2)], "2.key"],
    ["an empty key", [variant(" ", 1)], "0.key"],
    ["an unknown provider", [variant("a", 1, { provider: "mistral" as never })], "0.provider"],
    ["an empty model", [variant("a", 1, { model: "" })], "0.model"],
    ["routing missing", [{ key: "a", provider: "openai", model: "gpt-4o", weight: 1 }], "0.routing"],
  ])("refuses %s, naming the field", (_name, variants, field) => {
    expect(ZExperimentVariants.safeParse(variants).success).toBe(false);
    const error = thrownBy(() => assignVariant(EXPERIMENT, randomUUID(), variants as TExperimentVariant[]));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as AppError).data).toMatchObject({ issues: expect.arrayContaining([expect.objectContaining({ field })]) });
  });
});
