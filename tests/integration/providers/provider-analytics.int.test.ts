import { expect, it } from "vitest";
import { getProviderHealth } from "@/server/model-prices/provider-health";
import { getDegradedMessages, listClientModelCosts } from "@/server/usage/client-model-costs";
import { createTestAdmin, createTestClient, uniqueSuffix } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { rejection } from "../payments/payment-test-support";
import { callerFor } from "../plans/plan-test-support";
import { insertEvents, insertFailedAttempts } from "./provider-analytics-support";

// Fixed instants, never today's date. Health spans every client: each test looks only at
// models of its own (unique names).
const NOW = new Date("2026-12-03T09:00:00Z");
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

describeEachDatabase("provider analytics", (testDb) => {
  it("health per provider and model over the 30 days before now: calls, errors, error and fallback rates, latency p50/p95, cost", async () => {
    const { db } = testDb();
    const [a, b] = [await createTestClient(db), await createTestClient(db)];
    const model = `gpt-health-${uniqueSuffix()}`;
    const onlyErrors = `claude-down-${uniqueSuffix()}`;
    const latencies = [100, 200, 300, 400, 1000];
    await insertEvents(db, a.id, latencies.slice(0, 3).map((latencyMs, i) => ({ provider: "openai", model, at: daysAgo(i + 1), latencyMs, fallback: i === 0, costUsd: "0.0000000001" })));
    await insertEvents(db, b.id, latencies.slice(3).map((latencyMs, i) => ({ provider: "openai", model, at: daysAgo(29.9), latencyMs, fallback: i === 0, costUsd: "1.5" })));
    // Outside the window: 30 days and a millisecond before now, and exactly now (the window is [now - 30 d, now)).
    await insertEvents(db, a.id, [
      { provider: "openai", model, at: new Date(daysAgo(30).getTime() - 1), latencyMs: 99_999, costUsd: "100" },
      { provider: "openai", model, at: NOW, latencyMs: 99_999, costUsd: "100" },
    ]);
    await insertFailedAttempts(db, a.id, { provider: "openai", model }, 2, daysAgo(3));
    await insertFailedAttempts(db, b.id, { provider: "openai", model }, 1, daysAgo(10));
    await insertFailedAttempts(db, b.id, { provider: "openai", model }, 4, daysAgo(31)); // too old
    await insertFailedAttempts(db, b.id, { provider: "openai", model }, 4, daysAgo(1), "in_flight"); // not an error
    await insertFailedAttempts(db, a.id, { provider: "anthropic", model: onlyErrors }, 2, daysAgo(2));

    const health = await getProviderHealth(db, {}, NOW);
    expect(health.from).toEqual(daysAgo(30));
    expect(health.to).toEqual(NOW);
    const row = health.rows.find((r) => r.model === model);
    expect(row).toEqual({
      provider: "openai",
      model,
      calls: 5,
      errors: 3,
      errorRate: 3 / 8,
      fallbacks: 2,
      fallbackRate: 0.4,
      latencyP50Ms: 300,
      // percentile_cont: position 0.95 * 4 = 3.8 between 400 and 1000.
      latencyP95Ms: 880,
      costUsd: "3.0000000003",
    });
    expect(health.rows.find((r) => r.model === onlyErrors)).toEqual({
      provider: "anthropic",
      model: onlyErrors,
      calls: 0,
      errors: 2,
      errorRate: 1,
      fallbacks: 0,
      fallbackRate: null,
      latencyP50Ms: null,
      latencyP95Ms: null,
      costUsd: "0",
    });

    // A shorter window: only the calls of the last 7 days.
    const week = await getProviderHealth(db, { days: 7 }, NOW);
    expect(week.rows.find((r) => r.model === model)).toMatchObject({ calls: 3, errors: 2, latencyP50Ms: 200, costUsd: "0.0000000003" });
    expect(await rejection(getProviderHealth(db, { days: 0 }, NOW))).toMatchObject({ code: "BAD_REQUEST", data: { issues: [{ field: "days" }] } });
  });

  it("a client's cost per month, provider and model for the last 6 months, newest month first, dearest first; other clients and older months left out", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const other = await createTestClient(db);
    const [mini, sonnet] = [`mini-${uniqueSuffix()}`, `sonnet-${uniqueSuffix()}`];
    await insertEvents(db, client.id, [
      { provider: "openai", model: mini, at: new Date("2026-12-01T00:00:00Z"), costUsd: "0.0001", inputTokens: 10, outputTokens: 5 },
      { provider: "openai", model: mini, at: new Date("2026-12-03T08:59:59Z"), costUsd: "0.0002", inputTokens: 20, outputTokens: 6 },
      { provider: "anthropic", model: sonnet, at: new Date("2026-12-02T10:00:00Z"), costUsd: "0.5", inputTokens: 1000, outputTokens: 300 },
      { provider: "anthropic", model: sonnet, at: new Date("2026-11-30T23:59:59.999Z"), costUsd: "0.25", inputTokens: 400, outputTokens: 100 },
      { provider: "openai", model: mini, at: new Date("2026-07-01T00:00:00Z"), costUsd: "0.0000000001", inputTokens: 1, outputTokens: 1 },
      // Before the six months (June), and after now.
      { provider: "openai", model: mini, at: new Date("2026-06-30T23:59:59.999Z"), costUsd: "9" },
      { provider: "openai", model: mini, at: new Date("2026-12-03T09:00:00.001Z"), costUsd: "9" },
    ]);
    await insertEvents(db, other.id, [{ provider: "openai", model: mini, at: new Date("2026-12-02T00:00:00Z"), costUsd: "7" }]);

    const costs = await listClientModelCosts(db, { clientId: client.id }, NOW);
    expect(costs.months).toEqual(["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]);
    expect(costs.rows).toEqual([
      { month: "2026-12", provider: "anthropic", model: sonnet, messages: 1, inputTokens: 1000, outputTokens: 300, costUsd: "0.5" },
      { month: "2026-12", provider: "openai", model: mini, messages: 2, inputTokens: 30, outputTokens: 11, costUsd: "0.0003" },
      { month: "2026-11", provider: "anthropic", model: sonnet, messages: 1, inputTokens: 400, outputTokens: 100, costUsd: "0.25" },
      { month: "2026-07", provider: "openai", model: mini, messages: 1, inputTokens: 1, outputTokens: 1, costUsd: "0.0000000001" },
    ]);
    expect((await listClientModelCosts(db, { clientId: client.id, months: 1 }, NOW)).rows.map((row) => row.month)).toEqual(["2026-12", "2026-12"]);
    expect(await rejection(listClientModelCosts(db, { clientId: "not-a-uuid" }, NOW))).toMatchObject({ code: "BAD_REQUEST", data: { issues: [{ field: "clientId" }] } });
    expect(await rejection(listClientModelCosts(db, { clientId: "00000000-0000-4000-8000-000000000000" }, NOW))).toMatchObject({ code: "NOT_FOUND" });

    // A viewer reads it through tRPC (shape only: the procedure uses the app's clock).
    const viewer = await createTestAdmin(db, "viewer");
    const viaTrpc = await callerFor(db, { user: viewer }).clients.modelCosts({ clientId: other.id });
    expect(viaTrpc.months).toHaveLength(6);
  });

  it("degraded messages: this month's events routed 'degraded', with the last one; other routes and months not counted", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    expect(await getDegradedMessages(db, { clientId: client.id }, NOW)).toEqual({ period: "2026-12", count: 0, lastAt: null });
    await insertEvents(db, client.id, [
      { provider: "ollama", model: "llama3.2", at: new Date("2026-12-01T00:00:00Z"), route: "degraded" },
      { provider: "ollama", model: "llama3.2", at: new Date("2026-12-02T12:34:56Z"), route: "degraded" },
      { provider: "ollama", model: "llama3.2", at: new Date("2026-12-02T13:00:00Z"), route: "cheap" },
      { provider: "ollama", model: "llama3.2", at: new Date("2026-11-30T23:59:59Z"), route: "degraded" },
      { provider: "ollama", model: "llama3.2", at: new Date("2026-12-02T14:00:00Z"), route: null },
    ]);
    expect(await getDegradedMessages(db, { clientId: client.id }, NOW)).toEqual({ period: "2026-12", count: 2, lastAt: new Date("2026-12-02T12:34:56Z") });
  });
});
