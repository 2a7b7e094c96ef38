import Decimal from "decimal.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReservations } from "@/server/usage/limit-metrics";
import { releaseUsage, reserveUsage } from "@/server/usage/reserve-usage";
import { findCounterDifferences, reconcileUsageCounters } from "@/server/usage/reconcile-usage-counters";
import { createTestClient, createTestPlan } from "../../support/fixtures";
import { describeEachDatabase, openTestDatabase, type TTestDatabase } from "../../support/test-database";
import { meterCall, meterCalls } from "./usage-support";

const NOW = new Date("2026-11-11T00:00:00Z");
const PERIOD = "2026-11";
const IN_NOVEMBER = new Date("2026-11-05T12:00:00Z");

describeEachDatabase("usage reconcile", (testDb) => {
  it("reports nothing on a clean period, including a conversation continued from the month before", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const conversation = await meterCall(db, client.id, { at: new Date("2026-10-31T23:59:00Z"), toolCalls: { search: 1 } });
    await meterCall(db, client.id, { at: IN_NOVEMBER, conversationId: conversation, toolCalls: { search: 2 } });
    await meterCalls(db, client.id, 3, { at: IN_NOVEMBER, costUsd: "0.0000000003" });
    expect(await findCounterDifferences(db, { period: PERIOD, clientId: client.id })).toEqual([]);
    expect(await findCounterDifferences(db, { period: "2026-10", clientId: client.id })).toEqual([]);
    const result = await reconcileUsageCounters(db, { period: PERIOD, fix: true, now: NOW, clientId: client.id });
    expect(result).toMatchObject({ differences: [], fixed: 0 });
    expect(await db.auditLog.count({ where: { clientId: client.id } })).toBe(0);
  });

  it("finds a planted difference and a missing counter, repairs them on fix with an audit entry, and leaves reserved alone", async () => {
    const { db } = testDb();
    const limits = { messagesPerMonth: 100 };
    const plan = await createTestPlan(db, { limits });
    const client = await createTestClient(db, { planKey: plan.key });
    await meterCalls(db, client.id, 4, { at: IN_NOVEMBER, toolCalls: { search: 1 } });
    // A request in flight holds a reservation: reconcile must not touch it.
    await reserveUsage(db, client.id, buildReservations(limits, { newConversation: true, estimatedInputTokens: 1, maxOutputTokens: 1, estimatedCostUsd: new Decimal(0) }, IN_NOVEMBER));
    const key = (metric: string) => ({ clientId_period_metric: { clientId: client.id, period: PERIOD, metric } });
    await db.usageCounter.update({ where: key("messages"), data: { value: 9 } });
    await db.usageCounter.delete({ where: key("toolCalls") });

    const dryRun = await reconcileUsageCounters(db, { period: PERIOD, fix: false, now: NOW, clientId: client.id });
    expect(dryRun.differences.map((d) => [d.metric, d.counter, d.recount, d.difference])).toEqual([
      ["messages", "9", "4", "-5"],
      ["toolCalls", null, "4", "4"],
    ]);
    expect(dryRun.fixed).toBe(0);
    expect((await db.usageCounter.findUniqueOrThrow({ where: key("messages") })).value.toFixed()).toBe("9");

    const fixed = await reconcileUsageCounters(db, { period: PERIOD, fix: true, now: NOW, clientId: client.id, actorEmail: "ops@example.com" });
    expect(fixed).toMatchObject({ fixed: 2, clientsFixed: 1 });
    const messages = await db.usageCounter.findUniqueOrThrow({ where: key("messages") });
    expect([messages.value.toFixed(), messages.reserved.toFixed()]).toEqual(["4", "1"]);
    expect((await db.usageCounter.findUniqueOrThrow({ where: key("toolCalls") })).value.toFixed()).toBe("4");
    const audit = await db.auditLog.findMany({ where: { clientId: client.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "usage.reconcile",
      entityType: "UsageCounter",
      entityId: `${client.id}/${PERIOD}`,
      actorEmail: "ops@example.com",
      before: { messages: "9", toolCalls: "0" },
      after: { messages: "4", toolCalls: "4" },
    });
    expect(await findCounterDifferences(db, { period: PERIOD, clientId: client.id })).toEqual([]);
    await releaseUsage(db, client.id, buildReservations(limits, { newConversation: true, estimatedInputTokens: 1, maxOutputTokens: 1, estimatedCostUsd: new Decimal(0) }, IN_NOVEMBER));
  });
});

// Counters equal a recount from events after random concurrent traffic, with a repair
// running in the middle of it: the chat's own statements (reserve, settle, release) on
// PostgreSQL's connection pool.
describe("counters under concurrent traffic [postgres]", () => {
  let database: TTestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase("postgres", { poolSize: 16 });
  }, 60_000);
  afterAll(async () => {
    await database?.close();
  });

  it("after 600 random concurrent calls over 4 clients and a concurrent --fix, every counter equals its recount and nothing stays reserved", async () => {
    const { db } = database;
    const limits = { messagesPerMonth: 1_000_000, tokensPerMonth: 1_000_000_000, costLimitUSD: 1_000_000, conversationsPerMonth: 100_000 };
    const plan = await createTestPlan(db, { limits });
    const clients = await Promise.all(Array.from({ length: 4 }, () => createTestClient(db, { planKey: plan.key })));
    // A planted difference the concurrent repair must fix without losing calls settling meanwhile.
    await meterCall(db, clients[0]!.id, { at: IN_NOVEMBER });
    await db.usageCounter.update({ where: { clientId_period_metric: { clientId: clients[0]!.id, period: PERIOD, metric: "messages" } }, data: { value: 50 } });

    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const conversations: string[][] = clients.map(() => []);
    const call = async (index: number) => {
      const c = index % clients.length;
      const client = clients[c]!;
      const continuing = conversations[c]!.length > 0 && random() < 0.5;
      const conversationId = continuing ? conversations[c]![Math.floor(random() * conversations[c]!.length)] : undefined;
      const inputTokens = 1 + Math.floor(random() * 500);
      const outputTokens = Math.floor(random() * 300);
      const reservations = buildReservations(
        limits,
        { newConversation: !conversationId, estimatedInputTokens: inputTokens, maxOutputTokens: 300, estimatedCostUsd: new Decimal("0.01") },
        IN_NOVEMBER,
      );
      await reserveUsage(db, client.id, reservations);
      if (random() < 0.1) {
        // The provider failed: the reservation is given back, nothing is recorded.
        await releaseUsage(db, client.id, reservations);
        return;
      }
      const at = new Date(IN_NOVEMBER.getTime() + Math.floor(random() * 86_400_000));
      const tools: Record<string, number> = random() < 0.3 ? { search: 1 + Math.floor(random() * 3), lookup: Math.floor(random() * 2) } : {};
      const id = await meterCall(db, client.id, {
        at,
        conversationId,
        inputTokens,
        outputTokens,
        toolCalls: tools,
        costUsd: new Decimal(random()).times("0.01").toDecimalPlaces(10).toFixed(),
        reservations,
      });
      if (!conversationId) conversations[c]!.push(id);
    };
    const traffic = (async () => {
      const indexes = Array.from({ length: 600 }, (_, i) => i);
      // 16 callers at a time.
      await Promise.all(Array.from({ length: 16 }, async (_, lane) => {
        for (const i of indexes.filter((n) => n % 16 === lane)) await call(i);
      }));
    })();
    // The repair starts while the traffic runs.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const repair = await reconcileUsageCounters(db, { period: PERIOD, fix: true, now: NOW, clientId: clients[0]!.id });
    await traffic;

    expect(repair.differences.some((d) => d.metric === "messages")).toBe(true);
    for (const client of clients) {
      expect(await findCounterDifferences(db, { period: PERIOD, clientId: client.id }), client.id).toEqual([]);
      const counters = await db.usageCounter.findMany({ where: { clientId: client.id, period: PERIOD } });
      expect(counters.filter((row) => !row.reserved.isZero()), client.id).toEqual([]);
    }
    const events = await db.usageEvent.count({ where: { clientId: { in: clients.map((c) => c.id) } } });
    const messages = await db.usageCounter.aggregate({ where: { clientId: { in: clients.map((c) => c.id) }, period: PERIOD, metric: "messages" }, _sum: { value: true } });
    expect(messages._sum.value?.toFixed()).toBe(String(events));
    expect(events).toBeGreaterThan(500);
  }, 120_000);
});
