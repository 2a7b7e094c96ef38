import { expect, it } from "vitest";
import { getCurrentUsage } from "@/server/usage/get-current-usage";
import { getUsageHistory } from "@/server/usage/get-usage-history";
import { getClientPeriodUsage } from "@/server/usage/get-client-period-usage";
import { getUsageReport, listNearLimitClients } from "@/server/usage/get-usage-report";
import { compareUsagePeriods } from "@/server/usage/compare-usage-periods";
import { listUsageByTool } from "@/server/usage/list-usage-by-tool";
import { listUsageByModel } from "@/server/usage/list-usage-by-model";
import { getUsageSummary } from "@/server/usage/get-usage-summary";
import { createTestClient, createTestPlan } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { meterCall, meterCalls } from "./usage-support";

// Fixed instants, never today's date: the 11th of a 30-day month at midnight (a third elapsed).
const NOW = new Date("2026-11-11T00:00:00Z");
const IN_NOVEMBER = new Date("2026-11-05T12:00:00Z");
const IN_OCTOBER = new Date("2026-10-20T12:00:00Z");

describeEachDatabase("usage tracker", (testDb) => {
  it("a client's counter in a period and its history, zero-filled, oldest first; a new period starts from zero", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    await meterCalls(db, client.id, 3, { at: IN_NOVEMBER });
    await meterCalls(db, client.id, 2, { at: new Date("2026-09-30T23:59:59.999Z") });

    expect(await getCurrentUsage(db, { clientId: client.id, metric: "messages", period: "2026-11" })).toBe("3");
    expect(await getCurrentUsage(db, { clientId: client.id, metric: "tokens", period: "2026-11" })).toBe("450");
    // December has nothing yet, whatever November holds: counters are keyed by period.
    expect(await getCurrentUsage(db, { clientId: client.id, metric: "messages", period: "2026-12" })).toBe("0");

    const history = await getUsageHistory(db, { clientId: client.id, metric: "messages", now: NOW });
    expect(history.months).toHaveLength(12);
    expect(history.months[0]).toEqual({ period: "2025-12", value: "0" });
    expect(history.months.slice(-3)).toEqual([
      { period: "2026-09", value: "2" },
      { period: "2026-10", value: "0" },
      { period: "2026-11", value: "3" },
    ]);
    const six = await getUsageHistory(db, { clientId: client.id, metric: "messages", months: 6, period: "2027-01", now: NOW });
    expect(six.months.map((m) => `${m.period}=${m.value}`)).toEqual(["2026-08=0", "2026-09=2", "2026-10=0", "2026-11=3", "2026-12=0", "2027-01=0"]);
  });

  it("a client's period against its plan: limit, percent, remaining, level from the plan's first threshold, forecast, change from last month", async () => {
    const { db } = testDb();
    const plan = await createTestPlan(db, { limits: { messagesPerMonth: 10, costLimitUSD: 1, tokensPerMonth: null } });
    await db.planConfig.update({ where: { key: plan.key }, data: { alertThresholds: [70, 100] } });
    const client = await createTestClient(db, { planKey: plan.key });
    const conversation = await meterCall(db, client.id, { at: IN_NOVEMBER, costUsd: "0.05" });
    await meterCalls(db, client.id, 6, { at: IN_NOVEMBER, conversationId: conversation, costUsd: "0.05" });
    await meterCalls(db, client.id, 4, { at: IN_OCTOBER, costUsd: "0.1" });

    const usage = await getClientPeriodUsage(db, { clientId: client.id, now: NOW });
    expect(usage).toMatchObject({ period: "2026-11", previousPeriod: "2026-10", isCurrentPeriod: true, nearLimit: true });
    expect(usage.plan).toMatchObject({ key: plan.key, alertThresholds: [70, 100] });
    const metric = (name: string) => usage.metrics.find((m) => m.metric === name)!;
    // 7 of 10 after a third of the month: 70% (the plan's first threshold), the 10th reached on the 16th.
    expect(metric("messages")).toMatchObject({
      used: "7",
      previous: "4",
      change: "3",
      changePercent: "75",
      limit: { limitKey: "messagesPerMonth", limit: "10", percent: "70", remaining: "3", level: "warning", forecast: { status: "will_reach", date: "2026-11-15" } },
    });
    // A continued conversation counts once.
    expect(metric("conversations")).toMatchObject({ used: "1", previous: "4", limit: null, unlimited: false });
    expect(metric("costUsd")).toMatchObject({ used: "0.35", limit: { percent: "35", remaining: "0.65", level: "ok" } });
    expect(metric("tokens")).toMatchObject({ used: "1050", limit: null, unlimited: true });

    // A past period has no rate to forecast from.
    const october = await getClientPeriodUsage(db, { clientId: client.id, period: "2026-10", now: NOW });
    expect(october.metrics.find((m) => m.metric === "messages")!.limit).toMatchObject({ percent: "40", forecast: null });
    await expect(getClientPeriodUsage(db, { clientId: "00000000-0000-4000-8000-000000000000", now: NOW })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("the all-clients report filters by plan, sorts by percent of limit and lists those near a limit", async () => {
    const { db } = testDb();
    const plan = await createTestPlan(db, { limits: { messagesPerMonth: 10, costLimitUSD: 100 } });
    const [low, near, over, idle] = await Promise.all(
      ["Low", "Near", "Over", "Idle"].map((name) => createTestClient(db, { planKey: plan.key, name: `${name} ${plan.key}` })),
    );
    await meterCalls(db, low!.id, 1, { at: IN_NOVEMBER });
    await meterCalls(db, near!.id, 8, { at: IN_NOVEMBER });
    await meterCalls(db, over!.id, 12, { at: IN_NOVEMBER });
    const other = await createTestClient(db);
    await meterCalls(db, other.id, 5, { at: IN_NOVEMBER });

    const report = await getUsageReport(db, { planKey: plan.key, sort: "percent", now: NOW });
    expect(report.total).toBe(4);
    expect(report.items.map((r) => r.clientId)).toEqual([over!.id, near!.id, low!.id, idle!.id]);
    expect(report.items[0]!.topLimit).toEqual({ metric: "messages", percent: "120", used: "12", limit: "10", level: "over" });
    expect(report.items[1]!.topLimit).toMatchObject({ percent: "80", level: "warning" });
    expect(report.items[3]).toMatchObject({ messages: "0", costUsd: "0", topLimit: { percent: "0", level: "ok" } });
    expect(report.items[2]).toMatchObject({ messages: "1", tokens: "150", costUsd: "0.0012345678" });

    const byName = await getUsageReport(db, { planKey: plan.key, sort: "name", pageSize: 5, now: NOW });
    expect(byName.items.map((r) => r.name)).toEqual([idle, low, near, over].map((_, i) => `${["Idle", "Low", "Near", "Over"][i]} ${plan.key}`));
    const page2 = await getUsageReport(db, { planKey: plan.key, sort: "name", pageSize: 5, page: 2, now: NOW });
    expect(page2).toMatchObject({ items: [], total: 4, pageCount: 1 });

    const nearLimit = await listNearLimitClients(db, { planKey: plan.key, now: NOW });
    expect(nearLimit.items.map((r) => r.clientId)).toEqual([over!.id, near!.id]);
    expect(nearLimit.total).toBe(2);

    const summary = await getUsageSummary(db, { now: NOW, planKey: plan.key, months: 6 });
    expect(summary.monthly).toHaveLength(6);
    expect(summary.current).toMatchObject({ messages: "21", conversations: "21" });
    expect(summary.clientsWithUsage).toBe(3);
  });

  it("usage by tool, by provider and model, and this vs last period for a plan's clients", async () => {
    const { db } = testDb();
    const plan = await createTestPlan(db);
    const a = await createTestClient(db, { planKey: plan.key });
    const b = await createTestClient(db, { planKey: plan.key });
    await meterCall(db, a.id, { at: IN_NOVEMBER, toolCalls: { search: 2, lookup_order: 1 }, costUsd: "0.01" });
    await meterCall(db, b.id, { at: IN_NOVEMBER, toolCalls: { search: 1 }, provider: "anthropic", model: "claude-sonnet-5-5", costUsd: "0.2" });
    await meterCall(db, b.id, { at: IN_NOVEMBER, provider: "anthropic", model: "claude-haiku-5", costUsd: "0.0000000001" });
    await meterCall(db, a.id, { at: IN_OCTOBER, toolCalls: { search: 9 } });

    const tools = await listUsageByTool(db, { planKey: plan.key, now: NOW });
    expect(tools).toEqual({
      period: "2026-11",
      tools: [
        { tool: "search", calls: "3", events: 2, clients: 2 },
        { tool: "lookup_order", calls: "1", events: 1, clients: 1 },
      ],
    });
    expect((await listUsageByTool(db, { clientId: a.id, period: "2026-10", now: NOW })).tools).toEqual([{ tool: "search", calls: "9", events: 1, clients: 1 }]);

    const models = await listUsageByModel(db, { planKey: plan.key, now: NOW });
    expect(models.models.map((m) => [m.provider, m.model, m.calls, m.costUsd])).toEqual([
      ["anthropic", "claude-sonnet-5-5", 1, "0.2"],
      ["openai", "gpt-4o-mini", 1, "0.01"],
      ["anthropic", "claude-haiku-5", 1, "0.0000000001"],
    ]);
    expect(models.providers).toEqual([
      { provider: "anthropic", calls: 2, messages: 2, inputTokens: "200", outputTokens: "100", tokens: "300", costUsd: "0.2000000001" },
      { provider: "openai", calls: 1, messages: 1, inputTokens: "100", outputTokens: "50", tokens: "150", costUsd: "0.01" },
    ]);

    const compared = await compareUsagePeriods(db, { planKey: plan.key, now: NOW });
    expect(compared.metrics.find((m) => m.metric === "messages")).toEqual({ metric: "messages", current: "3", previous: "1", change: "2", changePercent: "200" });
    expect(compared.metrics.find((m) => m.metric === "toolCalls")).toEqual({ metric: "toolCalls", current: "4", previous: "9", change: "-5", changePercent: "-55.6" });
    const oneClient = await compareUsagePeriods(db, { clientId: b.id, now: NOW });
    expect(oneClient.metrics.find((m) => m.metric === "messages")).toMatchObject({ current: "2", previous: "0", changePercent: null });
  });
});
