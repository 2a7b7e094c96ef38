import { beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "@/server/auth/session";
import { setClientProvider } from "@/server/clients/set-client-provider";
import type { TDb } from "@/server/db/client";
import { recommendModel } from "@/server/model-prices/recommend-model";
import { retireModel } from "@/server/model-prices/retire-model";
import { createTestAdmin, createTestClient, uniqueSuffix } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { rejection } from "../payments/payment-test-support";
import { insertEvents, insertFailedAttempts, insertFeedback } from "./provider-analytics-support";

// Fixed instants. The evidence window is the 30 days before NOW; the what-if month is November.
const NOW = new Date("2026-12-03T09:00:00Z");
const IN_WINDOW = new Date("2026-11-28T12:00:00Z");
const LONG_AGO = new Date("2026-01-01T00:00:00Z");

type TModelSpec = { name: string; messages: number; costEach: string; errors?: number; up?: number; down?: number };

describeEachDatabase("model recommendation", (testDb) => {
  let admin: TSessionUser;
  beforeAll(async () => {
    admin = await createTestAdmin(testDb().db, "admin");
  });

  /** A client whose primary is `primary`; every model priced (USD per 1M: input, output) and given its events, errors and votes. */
  async function clientWith(db: TDb, primary: TModelSpec & { price: [string, string] }, others: Array<TModelSpec & { price: [string, string] }>) {
    const client = await createTestClient(db);
    for (const spec of [primary, ...others]) {
      await db.modelPrice.create({ data: { provider: "openai", model: spec.name, inputPer1M: spec.price[0], outputPer1M: spec.price[1], effectiveFrom: LONG_AGO } });
      const ids = await insertEvents(db, client.id, Array.from({ length: spec.messages }, () => ({ provider: "openai", model: spec.name, at: IN_WINDOW, costUsd: spec.costEach, inputTokens: 1000, outputTokens: 100 })));
      if (spec.errors) await insertFailedAttempts(db, client.id, { provider: "openai", model: spec.name }, spec.errors, IN_WINDOW);
      await insertFeedback(db, client.id, ids, spec.up ?? 0, spec.down ?? 0);
    }
    await setClientProvider(db, { id: client.id, override: { provider: "openai", model: primary.name }, fallbackChain: [] }, admin, NOW);
    return client;
  }

  it("recommends the cheapest model as good as the primary (within 2 error points and 5 thumbs-up points, with 20 messages and 5 votes), with the evidence and last month's saving", async () => {
    const { db } = testDb();
    const s = uniqueSuffix();
    const primary = { name: `primary-${s}`, messages: 40, costEach: "0.01", errors: 0, up: 10, down: 0, price: ["10", "20"] as [string, string] };
    // 1 error in 50 attempts: exactly 2 points above the primary's 0; 19 of 20 up: exactly 5 points below.
    const good = { name: `good-${s}`, messages: 49, costEach: "0.002", errors: 1, up: 19, down: 1, price: ["1", "2"] as [string, string] };
    const lessLiked = { name: `liked-less-${s}`, messages: 30, costEach: "0.001", up: 18, down: 2, price: ["0.5", "1"] as [string, string] };
    const moreErrors = { name: `errors-${s}`, messages: 48, costEach: "0.0009", errors: 2, up: 10, price: ["0.5", "1"] as [string, string] };
    const tooFew = { name: `few-${s}`, messages: 19, costEach: "0.0001", up: 10, price: ["0.1", "0.1"] as [string, string] };
    const client = await clientWith(db, primary, [good, lessLiked, moreErrors, tooFew]);

    const result = await recommendModel(db, { clientId: client.id }, NOW);
    expect(result.reason).toBeNull();
    expect(result.primary).toEqual({ provider: "openai", model: primary.name });
    expect(result.models[0]).toMatchObject({ model: primary.name });
    expect(result.models).toHaveLength(5);
    const rec = result.recommendation!;
    expect(rec.candidate).toEqual({
      provider: "openai",
      model: good.name,
      messages: 49,
      errors: 1,
      errorRate: 0.02,
      votes: 20,
      upVotes: 19,
      upShare: 0.95,
      costUsd: "0.098",
      costPerMessageUsd: "0.002",
      retired: false,
    });
    expect(rec.primary).toMatchObject({ model: primary.name, messages: 40, errorRate: 0, upShare: 1, costUsd: "0.4", costPerMessageUsd: "0.01" });
    expect(rec.costPerMessageCut).toBe(0.8);
    // November's 186 calls of 1000 in / 100 out: on `good` 186 * (0.001 + 0.0002), on the primary 186 * (0.01 + 0.002).
    expect(rec.whatIf).toEqual({
      period: "2026-11",
      actualUsd: "0.5731", // 0.4 + 0.098 + 0.03 + 0.0432 + 0.0019
      primaryUsd: "2.232",
      candidateUsd: "0.2232",
      monthlySavingUsd: "0.3499",
    });

    // Retired, the good model is no longer recommended; nothing else qualifies, and the reason names each model's failing rule.
    await retireModel(db, { provider: "openai", model: good.name }, admin, NOW);
    const afterRetire = await recommendModel(db, { clientId: client.id }, NOW);
    expect(afterRetire.recommendation).toBeNull();
    expect(afterRetire.reason).toContain(`openai · ${good.name}: retired`);
    expect(afterRetire.reason).toContain(`openai · ${lessLiked.name}: thumbs-up share more than 5 points below`);
    expect(afterRetire.reason).toContain(`openai · ${moreErrors.name}: error rate more than 2 points above`);
    expect(afterRetire.reason).not.toContain(tooFew.name);
  });

  it("recommends nothing, saying why: too little evidence on the primary, on the others, or not 10 % cheaper", async () => {
    const { db } = testDb();
    const s = uniqueSuffix();
    const thinPrimary = await clientWith(db, { name: `thin-${s}`, messages: 25, costEach: "0.01", up: 4, price: ["1", "1"] }, [
      { name: `cheap-a-${s}`, messages: 40, costEach: "0.001", up: 10, price: ["1", "1"] },
    ]);
    const thin = await recommendModel(db, { clientId: thinPrimary.id }, NOW);
    expect(thin).toMatchObject({ recommendation: null });
    expect(thin.reason).toMatch(/Not enough evidence on the primary model openai · thin-\w+: .* \(has 25 and 4\)/);

    const lonely = await clientWith(db, { name: `lonely-${s}`, messages: 30, costEach: "0.01", up: 6, price: ["1", "1"] }, [
      { name: `cheap-b-${s}`, messages: 40, costEach: "0.001", up: 4, price: ["1", "1"] },
    ]);
    expect((await recommendModel(db, { clientId: lonely.id }, NOW)).reason).toContain("No other model has enough evidence");

    const close = await clientWith(db, { name: `close-${s}`, messages: 30, costEach: "0.01", up: 6, price: ["1", "1"] }, [
      { name: `near-${s}`, messages: 30, costEach: "0.0091", up: 6, price: ["1", "1"] },
    ]);
    const notCheaper = await recommendModel(db, { clientId: close.id }, NOW);
    expect(notCheaper.recommendation).toBeNull();
    expect(notCheaper.reason).toContain(`openai · near-${s}: not at least 10 % cheaper per message`);
    expect(notCheaper.models.map((m) => m.model)).toEqual([`close-${s}`, `near-${s}`]);

    // Events older than 30 days are not evidence.
    const old = await createTestClient(db);
    await insertEvents(db, old.id, [{ provider: "ollama", model: "llama3.2", at: new Date("2026-11-02T08:59:59Z") }]);
    const none = await recommendModel(db, { clientId: old.id }, NOW);
    expect(none.models).toEqual([]);
    expect(none.reason).toContain("Not enough evidence on the primary model ollama · llama3.2"); // the test plan's default
    expect(await rejection(recommendModel(db, { clientId: "00000000-0000-4000-8000-000000000000" }, NOW))).toMatchObject({ code: "NOT_FOUND" });
  });
});
