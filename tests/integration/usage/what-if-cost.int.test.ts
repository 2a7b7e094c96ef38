import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import { beforeAll, expect, it } from "vitest";
import { clockNow } from "@/server/clock";
import type { TSession } from "@/server/auth/session";
import type { TDbClient } from "@/server/db/client";
import { costOfCall, type TModelPrice } from "@/server/usage/cost-of-call";
import { periodOf, previousPeriodOf } from "@/server/usage/period";
import { whatIfCosts } from "@/server/usage/what-if-cost";
import { createTestAdmin, createTestClient, uniqueSuffix } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { callerFor } from "../plans/plan-test-support";

// Fixed instants, never today's date. ModelPrice is global: every test prices models of its
// own (unique names) and looks only at those, since the file's tests share the database.
const NOW = new Date("2026-12-03T09:00:00Z");
const IN_NOVEMBER = new Date("2026-11-14T10:00:00Z");
const LONG_AGO = new Date("2026-01-01T00:00:00Z");

type TEvent = { provider: string; model: string; inputTokens: number; cachedInputTokens: number; outputTokens: number; costUsd: string; at?: Date };

async function insertEvents(db: TDbClient, clientId: string, events: TEvent[]) {
  await db.usageEvent.createMany({
    data: events.map((event) => ({
      clientId,
      conversationId: randomUUID(),
      idempotencyKey: randomUUID(),
      occurredAt: event.at ?? IN_NOVEMBER,
      provider: event.provider,
      model: event.model,
      inputTokens: event.inputTokens,
      cachedInputTokens: event.cachedInputTokens,
      outputTokens: event.outputTokens,
      status: "success" as const,
      costUsd: event.costUsd,
    })),
  });
}

async function priceModel(db: TDbClient, provider: string, model: string, price: TModelPrice, effectiveFrom = LONG_AGO) {
  await db.modelPrice.create({ data: { provider, model, ...price, effectiveFrom } });
}

/** Priced one call at a time, the way the chat path prices them. */
const costOfEach = (price: TModelPrice, events: TEvent[]) => events.reduce((sum, event) => sum.plus(costOfCall(price, event)), new Decimal(0)).toFixed();

describeEachDatabase("what-if cost of a client's month on other models", (testDb) => {
  let viewer: TSession;

  beforeAll(async () => {
    viewer = { user: await createTestAdmin(testDb().db, "viewer") };
  });

  it("prices the period's real tokens at each model's price in force with the calculator, cheapest first, against the stored actual cost", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const suffix = uniqueSuffix();
    const sonnet = { provider: "anthropic", model: `sonnet-${suffix}` };
    const mini = { provider: "openai", model: `mini-${suffix}` };
    const sonnetPrice = { inputPer1M: "3", outputPer1M: "15", cachedInputPer1M: "0.3" };
    const miniPrice = { inputPer1M: "0.15", outputPer1M: "0.6", cachedInputPer1M: null };
    await priceModel(db, sonnet.provider, sonnet.model, { inputPer1M: "4", outputPer1M: "20", cachedInputPer1M: "0.4" }, new Date("2025-06-01T00:00:00Z"));
    await priceModel(db, sonnet.provider, sonnet.model, sonnetPrice);
    await priceModel(db, mini.provider, mini.model, miniPrice);
    // Scheduled after `now`: not the price in force, so never used.
    await priceModel(db, mini.provider, mini.model, { inputPer1M: "0.01", outputPer1M: "0.02", cachedInputPer1M: null }, new Date("2026-12-10T00:00:00Z"));

    const events: TEvent[] = [
      { ...sonnet, inputTokens: 1200, cachedInputTokens: 1000, outputTokens: 350, costUsd: "0.00615" },
      { ...sonnet, inputTokens: 98_765, cachedInputTokens: 0, outputTokens: 4321, costUsd: "0.361110" },
      // More cached than input (a provider's report): billed as input tokens at most.
      { ...sonnet, inputTokens: 10, cachedInputTokens: 50, outputTokens: 7, costUsd: "0.000108" },
      { ...mini, inputTokens: 5555, cachedInputTokens: 555, outputTokens: 333, costUsd: "0.0010330001" },
    ];
    await insertEvents(db, client.id, events);
    // Outside the period: October, and December (the month of `now`).
    await insertEvents(db, client.id, [
      { ...sonnet, inputTokens: 1_000_000, cachedInputTokens: 0, outputTokens: 0, costUsd: "3", at: new Date("2026-10-31T23:59:59.999Z") },
      { ...sonnet, inputTokens: 1_000_000, cachedInputTokens: 0, outputTokens: 0, costUsd: "3", at: new Date("2026-12-01T00:00:00Z") },
    ]);

    const result = await whatIfCosts(db, { clientId: client.id, now: NOW, models: [sonnet, mini] });
    expect(result).toMatchObject({ clientId: client.id, period: "2026-11", pricedAt: NOW, unpriced: [] });
    expect(result.totals).toEqual({
      calls: 4,
      inputTokens: "105530",
      cachedInputTokens: "1565", // 1000 + 0 + 10 + 555
      outputTokens: "5011",
      costUsd: "0.3684010001",
    });
    expect(result.usage.map((row) => [row.model, row.calls, row.inputTokens, row.cachedInputTokens, row.outputTokens, row.costUsd])).toEqual([
      [sonnet.model, 3, "99975", "1010", "4678", "0.367368"],
      [mini.model, 1, "5555", "555", "333", "0.0010330001"],
    ]);

    // The same figures as pricing each call with costOfCall at the model's current price.
    const onSonnet = costOfEach(sonnetPrice, events);
    const onMini = costOfEach(miniPrice, events);
    expect(onSonnet).toBe("0.3875295");
    expect(onMini).toBe("0.0188361");
    expect(result.candidates.map((c) => [c.model, c.costUsd, c.differenceUsd])).toEqual([
      [mini.model, onMini, new Decimal(onMini).minus("0.3684010001").toFixed()],
      [sonnet.model, onSonnet, new Decimal(onSonnet).minus("0.3684010001").toFixed()],
    ]);
    expect(result.candidates[0]!.differenceUsd).toBe("-0.3495649001");
    expect(result.candidates[0]!.price).toEqual({ ...miniPrice, effectiveFrom: LONG_AGO });
    expect(result.candidates[1]!.price).toEqual({ ...sonnetPrice, effectiveFrom: LONG_AGO });

    // After the scheduled row takes effect, it is the one in force.
    const later = await whatIfCosts(db, { clientId: client.id, period: "2026-11", now: new Date("2026-12-10T00:00:00Z"), models: [mini] });
    expect(later.candidates[0]!.costUsd).toBe(costOfEach({ inputPer1M: "0.01", outputPer1M: "0.02", cachedInputPer1M: null }, events));
    expect(later.candidates[0]!.costUsd).toBe("0.00115552");
  });

  it("by default compares every model with a price in force; unpriced requested models are listed, not priced at zero", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const suffix = uniqueSuffix();
    const local = { provider: "ollama", model: `llama-${suffix}` };
    const free = { provider: "ollama", model: `priced-llama-${suffix}` };
    const paid = { provider: "openai", model: `gpt-${suffix}` };
    const future = { provider: "anthropic", model: `future-${suffix}` };
    await priceModel(db, free.provider, free.model, { inputPer1M: "0", outputPer1M: "0", cachedInputPer1M: null });
    await priceModel(db, paid.provider, paid.model, { inputPer1M: "2.5", outputPer1M: "10", cachedInputPer1M: "1.25" });
    await priceModel(db, future.provider, future.model, { inputPer1M: "1", outputPer1M: "1", cachedInputPer1M: null }, new Date("2027-01-01T00:00:00Z"));
    const events = [{ ...local, inputTokens: 2000, cachedInputTokens: 0, outputTokens: 1000, costUsd: "0" }];
    await insertEvents(db, client.id, events);

    const all = await whatIfCosts(db, { clientId: client.id, now: NOW });
    const ours = all.candidates.filter((c) => c.model.endsWith(suffix));
    // The unpriced local model and the one priced only from 2027 are not candidates.
    expect(ours.map((c) => [c.model, c.costUsd, c.differenceUsd])).toEqual([
      [free.model, "0", "0"],
      [paid.model, "0.015", "0.015"],
    ]);
    const costs = all.candidates.map((c) => new Decimal(c.costUsd));
    expect(costs.every((cost, i) => i === 0 || cost.gte(costs[i - 1]!))).toBe(true);

    const named = await whatIfCosts(db, { clientId: client.id, now: NOW, models: [local, paid, future, paid] });
    expect(named.candidates.map((c) => c.model)).toEqual([paid.model]);
    expect(named.unpriced).toEqual([local, future]);
  });

  it("a client with no usage in the period gets no candidates and zero totals; an unknown client is NOT_FOUND", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    await priceModel(db, "openai", `idle-${uniqueSuffix()}`, { inputPer1M: "1", outputPer1M: "2", cachedInputPer1M: null });
    await insertEvents(db, client.id, [{ provider: "openai", model: "gpt-4o", inputTokens: 10, cachedInputTokens: 0, outputTokens: 10, costUsd: "0.1", at: NOW }]);

    const idle = await whatIfCosts(db, { clientId: client.id, now: NOW });
    expect(idle).toEqual({
      clientId: client.id,
      period: "2026-11",
      pricedAt: NOW,
      totals: { calls: 0, inputTokens: "0", cachedInputTokens: "0", outputTokens: "0", costUsd: "0" },
      usage: [],
      candidates: [],
      unpriced: [],
    });
    await expect(whatIfCosts(db, { clientId: "00000000-0000-4000-8000-000000000000", now: NOW })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("usage.whatIf: a viewer reads last month by default (the app's clock), and a bad period is refused", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const model = { provider: "openai", model: `router-${uniqueSuffix()}` };
    const price = { inputPer1M: "1.1", outputPer1M: "4.4", cachedInputPer1M: "0.55" };
    await priceModel(db, model.provider, model.model, price, new Date("2020-01-01T00:00:00Z"));
    const lastMonth = previousPeriodOf(periodOf(clockNow()));
    const event = { ...model, inputTokens: 4000, cachedInputTokens: 1000, outputTokens: 500, costUsd: "0.0066", at: new Date(`${lastMonth}-15T12:00:00Z`) };
    await insertEvents(db, client.id, [event]);

    const api = callerFor(db, viewer);
    const result = await api.usage.whatIf({ clientId: client.id, models: [model] });
    expect(result.period).toBe(lastMonth);
    expect(result.totals).toMatchObject({ calls: 1, costUsd: "0.0066" });
    // 3,000 × 1.1 + 1,000 cached × 0.55 + 500 × 4.4 = 6,050 per 1M.
    expect(costOfCall(price, event).toFixed()).toBe("0.00605");
    expect(result.candidates).toEqual([{ ...model, price: { ...price, effectiveFrom: new Date("2020-01-01T00:00:00Z") }, costUsd: "0.00605", differenceUsd: "-0.00055" }]);

    await expect(api.usage.whatIf({ clientId: client.id, period: "2026-13" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(callerFor(db, null).usage.whatIf({ clientId: client.id })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
