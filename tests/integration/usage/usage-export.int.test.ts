import { randomUUID } from "node:crypto";
import { parse } from "csv-parse/sync";
import Decimal from "decimal.js";
import { beforeAll, expect, it } from "vitest";
import type { TSession } from "@/server/auth/session";
import type { TDb } from "@/server/db/client";
import { DAY_METRICS } from "@/server/usage/usage-export";
import { createUsageExportHandlers } from "@/server/http/usage-export-http";
import { createTestAdmin, createTestClient, createTestPlan, uniqueSuffix } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";

const NOW = new Date("2026-11-25T07:00:00Z");
/** Every character a CSV writer must quote or keep intact: comma, quote, line break, non-Latin text. */
const AWKWARD_NAME = 'Café "Zürich", 東京\nGmbH\r\n2';

function sessionOf(user: TSession["user"]): TSession {
  return { user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

/** Parses the body the way a spreadsheet would (RFC 4180), header row first. */
async function csvOf(response: Response): Promise<string[][]> {
  expect(response.status).toBe(200);
  return parse(await response.text(), { relax_column_count: false }) as string[][];
}

/** `db` with its raw queries counted, to see when the export stops querying. */
function countingQueries(db: TDb): { db: TDb; count: () => number } {
  let count = 0;
  const proxy = new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (property === "$queryRaw" && typeof value === "function") {
        return (...args: unknown[]) => {
          count += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: proxy, count: () => count };
}

type TEventSeed = { occurredAt: string; costUsd: string; inputTokens: number; outputTokens: number; toolCallCount: number; status?: "success" | "error" | "partial" };

async function insertEvents(db: TDb, clientId: string, events: TEventSeed[]) {
  await db.usageEvent.createMany({
    data: events.map((event, index) => ({
      clientId,
      idempotencyKey: `export-${index}-${uniqueSuffix()}`,
      occurredAt: new Date(event.occurredAt),
      provider: "openai",
      model: "gpt-4o-mini",
      inputTokens: event.inputTokens,
      cachedInputTokens: Math.floor(event.inputTokens / 2),
      outputTokens: event.outputTokens,
      toolCalls: event.toolCallCount ? { search: event.toolCallCount } : {},
      toolCallCount: event.toolCallCount,
      latencyMs: 100 + index,
      status: event.status ?? "success",
      costUsd: event.costUsd,
    })),
  });
}

describeEachDatabase("usage: CSV exports", (testDb) => {
  let admin: TSession;
  let viewer: TSession;
  beforeAll(async () => {
    admin = sessionOf(await createTestAdmin(testDb().db, "admin"));
    viewer = sessionOf(await createTestAdmin(testDb().db, "viewer"));
  });

  const handlersFor = (session: TSession | null, options: { db?: TDb; batchSize?: number } = {}) =>
    createUsageExportHandlers({
      getDb: async () => options.db ?? testDb().db,
      getSession: async () => session,
      now: () => NOW,
      batchSize: options.batchSize ?? 3,
    });
  const clientRequest = (id: string, query: string, init?: RequestInit) => new Request(`http://test/api/clients/${id}/usage/export?${query}`, init);

  /** A client named AWKWARD_NAME with counters in three months, a per-minute window and events with shared instants. */
  async function awkwardClient() {
    const { db } = testDb();
    const plan = await createTestPlan(db, { limits: { messagesPerMonth: 1000, conversationsPerMonth: null, costLimitUSD: 12.5, requestsPerMinute: 60 } });
    const client = await createTestClient(db, { planKey: plan.key, name: AWKWARD_NAME });
    await db.usageCounter.createMany({
      data: [
        // 22 significant digits: a JS number would lose them.
        { clientId: client.id, period: "2026-09", metric: "costUsd", value: "98765432101234.0123456789", reserved: "5" },
        { clientId: client.id, period: "2026-09", metric: "messages", value: "3", reserved: "7" },
        { clientId: client.id, period: "2026-10", metric: "costUsd", value: "0.0000000001" },
        { clientId: client.id, period: "2026-10", metric: "messages", value: "2" },
        { clientId: client.id, period: "2026-10", metric: "tokens", value: "1234" },
        { clientId: client.id, period: "2026-11", metric: "messages", value: "1", reserved: "1" },
        { clientId: client.id, period: "m2026-10-01T10:00", metric: "requests", value: "4" },
      ],
    });
    const events: TEventSeed[] = [
      { occurredAt: "2026-08-31T23:59:59.999Z", costUsd: "9", inputTokens: 1, outputTokens: 1, toolCallCount: 0 },
      { occurredAt: "2026-09-01T00:00:00.000Z", costUsd: "0.0000012345", inputTokens: 10, outputTokens: 20, toolCallCount: 2 },
      // Four events at one instant: keyset batches of 3 must neither skip nor repeat one.
      ...Array.from({ length: 4 }, (_, i) => ({ occurredAt: "2026-09-30T23:59:59.999Z", costUsd: `1.${i}000000001`, inputTokens: 5, outputTokens: i, toolCallCount: i % 2 })),
      { occurredAt: "2026-10-15T12:00:00.123Z", costUsd: "1234567890.0123456789", inputTokens: 7, outputTokens: 8, toolCallCount: 1, status: "partial" },
      { occurredAt: "2026-10-15T18:30:00.000Z", costUsd: "0.5", inputTokens: 1, outputTokens: 2, toolCallCount: 0, status: "error" },
      { occurredAt: "2026-11-01T00:00:00.000Z", costUsd: "1", inputTokens: 1, outputTokens: 1, toolCallCount: 0 },
    ];
    await insertEvents(db, client.id, events);
    await db.usageEvent.updateMany({
      where: { clientId: client.id, occurredAt: new Date("2026-09-01T00:00:00.000Z") },
      data: { route: "cheap", routeReason: "simple: factual, 31 chars, depth 1 -> openai/gpt-4o-mini", promptTokensBefore: 120, promptTokensAfter: 95 },
    });
    return { ...client, plan };
  }

  it("answers 401 JSON to a signed-out caller, on both exports, and lets a viewer export", async () => {
    const client = await createTestClient(testDb().db);
    for (const response of [
      await handlersFor(null).clientUsage(clientRequest(client.id, ""), client.id),
      await handlersFor(null).allClientsUsage(new Request("http://test/api/usage/export?period=2026-10")),
    ]) {
      expect([response.status, response.headers.get("content-type")]).toEqual([401, "application/json; charset=utf-8"]);
      expect(await response.json()).toEqual({ error: "Sign in to export usage.", code: "UNAUTHORIZED" });
    }
    expect((await handlersFor(viewer).clientUsage(clientRequest(client.id, ""), client.id)).status).toBe(200);
    expect((await handlersFor(viewer).allClientsUsage(new Request("http://test/api/usage/export"))).status).toBe(200);
  });

  it("refuses bad parameters with 400 and an unknown client with 404, in JSON without ORM or SQL text", async () => {
    const client = await createTestClient(testDb().db);
    const cases: [string, string, number, string][] = [
      [client.id, "from=2026-05&to=2026-03", 400, "`from` (2026-05) is after `to` (2026-03)."],
      [client.id, "from=2023-10&to=2026-10", 400, "An export covers at most 36 months; 2023-10 to 2026-10 is 37."],
      [client.id, "granularity=hour", 400, "`granularity` must be one of month, day, event."],
      [client.id, "from=2026-1", 400, "`from` must be a month written YYYY-MM."],
      [client.id, "to=2026-10%00", 400, "`to` must not contain a NUL character."],
      ["not-a-uuid", "", 400, "The client id must be a UUID."],
      [`${client.id}\0`, "", 400, "The client id must be a UUID."],
      [randomUUID(), "granularity=event", 404, "No client has this id."],
    ];
    for (const [id, query, status, message] of cases) {
      const response = await handlersFor(admin).clientUsage(clientRequest(encodeURIComponent(id), query), id);
      expect([response.status, response.headers.get("content-type"), response.headers.get("content-disposition")]).toEqual([
        status,
        "application/json; charset=utf-8",
        null,
      ]);
      const body = (await response.json()) as { error: string; code: string };
      expect(body).toMatchObject({ error: message, code: status === 404 ? "NOT_FOUND" : "BAD_REQUEST" });
    }
    const response = await handlersFor(admin).allClientsUsage(new Request("http://test/api/usage/export?period=2026-10%00"));
    expect([response.status, await response.json()]).toMatchObject([400, { error: "`period` must not contain a NUL character.", code: "BAD_REQUEST" }]);
  });

  it("month rows are the client's settled counters of the range, exactly as stored (never `reserved`, never per-minute windows)", async () => {
    const { db } = testDb();
    const client = await awkwardClient();
    const response = await handlersFor(admin).clientUsage(clientRequest(client.id, "from=2026-09&to=2026-10&granularity=month"), client.id);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="usage-${client.slug}-2026-09-2026-10-month.csv"`);
    const rows = await csvOf(response);
    expect(rows).toEqual([
      ["period", "metric", "value"],
      ["2026-09", "costUsd", "98765432101234.0123456789"],
      ["2026-09", "messages", "3.0000000000"],
      ["2026-10", "costUsd", "0.0000000001"],
      ["2026-10", "messages", "2.0000000000"],
      ["2026-10", "tokens", "1234.0000000000"],
    ]);
    // The same rows as the table holds them.
    const counters = await db.usageCounter.findMany({
      where: { clientId: client.id, period: { in: ["2026-09", "2026-10"] } },
      orderBy: [{ period: "asc" }, { metric: "asc" }],
      select: { period: true, metric: true, value: true },
    });
    expect(rows.slice(1).map(([period, metric, value]) => ({ period, metric, value: new Decimal(value!) }))).toEqual(
      counters.map((c) => ({ period: c.period, metric: c.metric, value: new Decimal(c.value.toFixed()) })),
    );
  });

  it("event rows are the client's events of the range in time order, each column as stored, across keyset batches with shared instants", async () => {
    const { db } = testDb();
    const client = await awkwardClient();
    const response = await handlersFor(admin).clientUsage(clientRequest(client.id, "from=2026-09&to=2026-10&granularity=event"), client.id);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="usage-${client.slug}-2026-09-2026-10-event.csv"`);
    const rows = await csvOf(response);
    const events = await db.usageEvent.findMany({
      where: { clientId: client.id, occurredAt: { gte: new Date("2026-09-01T00:00:00Z"), lt: new Date("2026-11-01T00:00:00Z") } },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    });
    expect(events).toHaveLength(7);
    expect(rows[0]).toEqual([
      "id", "occurred_at", "conversation_id", "provider", "model", "status", "input_tokens", "cached_input_tokens",
      "output_tokens", "tokens_estimated", "tool_call_count", "tool_calls", "latency_ms", "cost_usd",
      "route", "route_reason", "prompt_tokens_before", "prompt_tokens_after", "fallback", "experiment_id", "variant",
    ]);
    expect(rows.slice(1)).toEqual(
      events.map((e) => [
        e.id,
        e.occurredAt.toISOString(),
        "",
        e.provider,
        e.model,
        e.status,
        String(e.inputTokens),
        String(e.cachedInputTokens),
        String(e.outputTokens),
        String(e.tokensEstimated),
        String(e.toolCallCount),
        JSON.stringify(e.toolCalls).replace(/":/g, '": '),
        String(e.latencyMs),
        e.costUsd.toFixed(10),
        e.route ?? "",
        e.routeReason ?? "",
        e.promptTokensBefore === null ? "" : String(e.promptTokensBefore),
        e.promptTokensAfter === null ? "" : String(e.promptTokensAfter),
        String(e.fallback),
        e.experimentId ?? "",
        e.variant ?? "",
      ]),
    );
    // The routing decision as recorded, its reason quoted where it holds a comma.
    expect(rows.find((row) => row[14] === "cheap")?.slice(14, 18)).toEqual(["cheap", "simple: factual, 31 chars, depth 1 -> openai/gpt-4o-mini", "120", "95"]);
    expect(rows.map((row) => row[13])).toContain("1234567890.0123456789");
    expect(rows.map((row) => row[1])).toContain("2026-10-15T12:00:00.123Z");
  });

  it("day rows sum each UTC day's events per metric", async () => {
    const { db } = testDb();
    const client = await awkwardClient();
    const rows = await csvOf(await handlersFor(admin).clientUsage(clientRequest(client.id, "from=2026-09&to=2026-10&granularity=day"), client.id));
    const events = await db.usageEvent.findMany({
      where: { clientId: client.id, occurredAt: { gte: new Date("2026-09-01T00:00:00Z"), lt: new Date("2026-11-01T00:00:00Z") } },
    });
    const byDay = new Map<string, Record<string, Decimal>>();
    for (const e of events) {
      const day = e.occurredAt.toISOString().slice(0, 10);
      const sums = byDay.get(day) ?? Object.fromEntries(DAY_METRICS.map((m) => [m, new Decimal(0)]));
      const add = (metric: string, value: Decimal.Value) => (sums[metric] = sums[metric]!.plus(value));
      add("messages", 1);
      add("tokens", e.inputTokens + e.outputTokens);
      add("inputTokens", e.inputTokens);
      add("cachedInputTokens", e.cachedInputTokens);
      add("outputTokens", e.outputTokens);
      add("toolCalls", e.toolCallCount);
      add("costUsd", e.costUsd.toFixed());
      byDay.set(day, sums);
    }
    const expected = [...byDay.keys()].sort().flatMap((day) => DAY_METRICS.map((metric) => [day, metric, byDay.get(day)![metric]!]));
    expect(rows[0]).toEqual(["day", "metric", "value"]);
    expect(rows.slice(1).map(([day, metric, value]) => [day, metric, new Decimal(value!)])).toEqual(expected);
    expect(rows).toContainEqual(["2026-10-15", "costUsd", "1234567890.5123456789"]);
    expect(rows.filter((row) => row[0] === "2026-09-30" && row[1] === "messages")).toEqual([["2026-09-30", "messages", "4"]]);
  });

  it("an export with nothing in its range is the header row alone", async () => {
    const client = await createTestClient(testDb().db);
    for (const granularity of ["month", "day", "event"]) {
      const response = await handlersFor(admin).clientUsage(clientRequest(client.id, `from=2020-01&to=2020-03&granularity=${granularity}`), client.id);
      expect((await response.text()).split("\r\n")).toHaveLength(2);
    }
  });

  it("the all-clients export has one row per client and metric with names round-tripping, plan, limit and the client's cost", async () => {
    const { db } = testDb();
    const awkward = await awkwardClient();
    // Only a bare line break, nothing else that forces quotes: the record must still hold together.
    const plainName = `Two\nlines ${uniqueSuffix()}`;
    const plain = await createTestClient(db, { name: plainName });
    await db.usageCounter.create({ data: { clientId: plain.id, period: "2026-10", metric: "messages", value: "5" } });
    const response = await handlersFor(admin, { batchSize: 2 }).allClientsUsage(new Request("http://test/api/usage/export?period=2026-10"));
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="usage-all-clients-2026-10.csv"');
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const text = await response.text();
    // RFC 4180: a field holding a line break is quoted (a reader splitting on bare \n, as many do, would break the record).
    expect(text).toContain(`,"${plainName}",`);
    const [header, ...rows] = parse(text) as string[][];
    expect(header).toEqual(["period", "client_id", "client_slug", "client_name", "client_status", "plan_key", "plan_name", "metric", "value", "limit", "client_cost_usd"]);
    // Other tests share the database: every row is for the period, ordered by slug then metric.
    const keys = rows.map((row) => `${row[2]}\u0000${row[7]}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    expect(rows.filter((row) => row[1] === awkward.id)).toEqual([
      ["2026-10", awkward.id, awkward.slug, AWKWARD_NAME, "active", awkward.plan.key, `Plan ${awkward.plan.key}`, "costUsd", "0.0000000001", "12.5", "0.0000000001"],
      ["2026-10", awkward.id, awkward.slug, AWKWARD_NAME, "active", awkward.plan.key, `Plan ${awkward.plan.key}`, "messages", "2.0000000000", "1000", "0.0000000001"],
      ["2026-10", awkward.id, awkward.slug, AWKWARD_NAME, "active", awkward.plan.key, `Plan ${awkward.plan.key}`, "tokens", "1234.0000000000", "", "0.0000000001"],
    ]);
    expect(rows.filter((row) => row[1] === plain.id).map((row) => [row[3], ...row.slice(7)])).toEqual([[plainName, "messages", "5.0000000000", "1000", "0"]]);
    const counters = await db.usageCounter.count({ where: { period: "2026-10" } });
    expect(rows).toHaveLength(counters);
  });

  it("pulls a batch only when the reader wants more, and stops querying once the caller hangs up", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    await insertEvents(
      db,
      client.id,
      Array.from({ length: 20 }, (_, i) => ({ occurredAt: `2026-10-01T00:00:${String(i).padStart(2, "0")}.000Z`, costUsd: "0.1", inputTokens: 1, outputTokens: 1, toolCallCount: 0 })),
    );
    const counted = countingQueries(db);
    const abort = new AbortController();
    const response = await handlersFor(admin, { db: counted.db, batchSize: 4 }).clientUsage(
      clientRequest(client.id, "from=2026-10&to=2026-10&granularity=event", { signal: abort.signal }),
      client.id,
    );
    expect(counted.count()).toBe(0);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value).split("\r\n")).toHaveLength(1 + 4 + 1);
    expect(counted.count()).toBe(1);
    abort.abort();
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    expect(counted.count()).toBe(1);

    // Cancelling the body (what the server does when the socket closes) ends the batches too.
    const second = await handlersFor(admin, { db: counted.db, batchSize: 4 }).clientUsage(clientRequest(client.id, "from=2026-10&to=2026-10&granularity=event"), client.id);
    const secondReader = second.body!.getReader();
    await secondReader.read();
    await secondReader.read();
    expect(counted.count()).toBe(3);
    await secondReader.cancel();
    expect(counted.count()).toBe(3);
  });
});
