import Decimal from "decimal.js";
import { expect, it } from "vitest";
import { buildReservations } from "@/server/usage/limit-metrics";
import { releaseUsage, reserveUsage } from "@/server/usage/reserve-usage";
import { AppError } from "@/server/errors/app-error";
import { createTestClient, createTestPlan } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";

const NOW = new Date("2026-11-25T10:00:00Z");
const estimate = { newConversation: false, estimatedInputTokens: 10, maxOutputTokens: 90, estimatedCostUsd: new Decimal("0.001") };

/** What a limit is checked against: settled (value) plus held by requests in flight (reserved). */
async function counter(db: Parameters<typeof reserveUsage>[0], clientId: string, metric: string, period = "2026-11") {
  const row = await db.usageCounter.findUnique({ where: { clientId_period_metric: { clientId, period, metric } } });
  return row ? row.value.plus(row.reserved).toString() : null;
}

describeEachDatabase("usage reservation", (testDb) => {
  it("with limit L and N > L concurrent requests, exactly L are admitted", async () => {
    const { db } = testDb();
    const plan = await createTestPlan(db, { limits: { messagesPerMonth: 100 } });
    const client = await createTestClient(db, { planKey: plan.key });
    const reservations = buildReservations({ messagesPerMonth: 100 }, estimate, NOW);
    const outcomes = await Promise.allSettled(Array.from({ length: 300 }, () => reserveUsage(db, client.id, reservations)));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(100);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(refused).toHaveLength(200);
    for (const outcome of refused) {
      expect(outcome.reason).toBeInstanceOf(AppError);
      expect((outcome.reason as AppError).data).toMatchObject({ limitKey: "messagesPerMonth", limit: "100", current: "100" });
    }
    expect(await counter(db, client.id, "messages")).toBe("100");
  });

  it("reserves all limited metrics or none", async () => {
    const { db } = testDb();
    const limits = { messagesPerMonth: 10, tokensPerMonth: 150 };
    const plan = await createTestPlan(db, { limits });
    const client = await createTestClient(db, { planKey: plan.key });
    const reservations = buildReservations(limits, estimate, NOW);
    await reserveUsage(db, client.id, reservations); // tokens 100 of 150
    const error = await reserveUsage(db, client.id, reservations).catch((e: unknown) => e);
    expect((error as AppError).data).toMatchObject({ limitKey: "tokensPerMonth", current: "100", limit: "150" });
    // The message counter did not move for the refused request.
    expect(await counter(db, client.id, "messages")).toBe("1");
    expect(await counter(db, client.id, "tokens")).toBe("100");
  });

  it("a metric known only after the call (tool calls) is refused once its limit is reached", async () => {
    const { db } = testDb();
    const limits = { toolCallsPerMonth: 2 };
    const plan = await createTestPlan(db, { limits });
    const client = await createTestClient(db, { planKey: plan.key });
    const reservations = buildReservations(limits, estimate, NOW);
    await reserveUsage(db, client.id, reservations);
    await db.usageCounter.update({
      where: { clientId_period_metric: { clientId: client.id, period: "2026-11", metric: "toolCalls" } },
      data: { value: 2 },
    });
    await expect(reserveUsage(db, client.id, reservations)).rejects.toMatchObject({ code: "PLAN_LIMIT_EXCEEDED" });
  });

  it("releasing gives the reserved amounts back", async () => {
    const { db } = testDb();
    const limits = { messagesPerMonth: 1, costLimitUSD: 1 };
    const plan = await createTestPlan(db, { limits });
    const client = await createTestClient(db, { planKey: plan.key });
    const reservations = buildReservations(limits, estimate, NOW);
    await reserveUsage(db, client.id, reservations);
    await expect(reserveUsage(db, client.id, reservations)).rejects.toMatchObject({ code: "PLAN_LIMIT_EXCEEDED" });
    await releaseUsage(db, client.id, reservations);
    expect(await counter(db, client.id, "messages")).toBe("0");
    expect(await counter(db, client.id, "costUsd")).toBe("0");
    await reserveUsage(db, client.id, reservations);
  });
});

describeEachDatabase("usage reservation with the seeded plans' shapes", (testDb) => {
  it("a requests-per-minute limit admits that many requests in a minute, then refuses until the next", async () => {
    const { db } = testDb();
    const limits = { requestsPerMinute: 3, messagesPerMonth: 100 };
    const plan = await createTestPlan(db, { limits });
    const client = await createTestClient(db, { planKey: plan.key });
    const minute = new Date("2026-11-25T10:00:10Z");
    for (let i = 0; i < 3; i++) await reserveUsage(db, client.id, buildReservations(limits, estimate, minute));
    await expect(reserveUsage(db, client.id, buildReservations(limits, estimate, minute))).rejects.toMatchObject({
      data: { limitKey: "requestsPerMinute", limit: "3", current: "3" },
    });
    const nextMinute = new Date("2026-11-25T10:01:00Z");
    await reserveUsage(db, client.id, buildReservations(limits, estimate, nextMinute));
    // The old minute's row is gone; the month's messages kept counting.
    const rows = await db.usageCounter.findMany({ where: { clientId: client.id }, orderBy: { period: "asc" } });
    // Monthly reservations are held apart from settled usage; a minute's admitted requests are final.
    expect(rows.map((r) => [r.period, r.metric, r.value.toString(), r.reserved.toString()])).toEqual([
      ["2026-11", "messages", "0", "4"],
      ["m2026-11-25T10:01", "requests", "1", "0"],
    ]);
  });

  it("a tool-call limit of 0 (a plan without tools) does not block chats", async () => {
    const { db } = testDb();
    const limits = { toolCallsPerMonth: 0, messagesPerMonth: 10 };
    const plan = await createTestPlan(db, { limits });
    const client = await createTestClient(db, { planKey: plan.key });
    await reserveUsage(db, client.id, buildReservations(limits, estimate, NOW));
    await reserveUsage(db, client.id, buildReservations(limits, estimate, NOW));
    expect(await counter(db, client.id, "messages")).toBe("2");
  });
});
