// The usage reports' queries at scale: 10,000 clients, 1,000,000 usage events. Usage:
//   npx tsx bench/usage-reports.ts [--clients 10000] [--events 1000000] [--repeats 30] [--keep]
//   npx tsx bench/usage-reports.ts --reuse meterline_bench_usage_reports_<hex>   # time a kept database again
//
// Creates its own PostgreSQL database (meterline_bench_usage_reports_<random>, dropped at the
// end unless --keep; TEST_DATABASE_URL, else DATABASE_URL, else postgres@127.0.0.1:5432),
// four plans with monthly limits, --clients clients spread over them, and --events events
// over 12 months (2026-01 .. 2026-12) in one INSERT ... SELECT generate_series (not timed),
// then the monthly counters they add up to (every chat-metered counter, 12 months x 7
// metrics per client: 840,000 rows at 10,000 clients), then VACUUM ANALYZE.
//
// Then times each domain function the reports call, warm, --repeats times, on the app's own
// Prisma client (adapter-pg, as the app runs): median, p95 and max in milliseconds.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { openDatabase, type TDatabase } from "@/server/db/client";
import { getUsageReport, listNearLimitClients } from "@/server/usage/get-usage-report";
import { getUsageSummary } from "@/server/usage/get-usage-summary";
import { getUsageHistory } from "@/server/usage/get-usage-history";
import { getClientPeriodUsage } from "@/server/usage/get-client-period-usage";
import { compareUsagePeriods } from "@/server/usage/compare-usage-periods";
import { listUsageByModel } from "@/server/usage/list-usage-by-model";
import { listUsageByTool } from "@/server/usage/list-usage-by-tool";
import { findCounterDifferences } from "@/server/usage/reconcile-usage-counters";
import { adminQuery, adminUrl, withDatabase } from "./support";

const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "10000" },
    events: { type: "string", default: "1000000" },
    repeats: { type: "string", default: "30" },
    keep: { type: "boolean", default: false },
    /** A database an earlier run kept (--keep): time again without seeding. */
    reuse: { type: "string" },
  },
});
const CLIENTS = Number(values.clients);
const EVENTS = Number(values.events);
const REPEATS = Number(values.repeats);
const NOW = new Date("2026-12-20T12:00:00Z");
const PERIOD = "2026-12";

const PLANS = [
  { key: "free", limits: { messagesPerMonth: 100, conversationsPerMonth: 50, tokensPerMonth: 50_000, toolCallsPerMonth: 0 } },
  { key: "starter", limits: { messagesPerMonth: 1_000, tokensPerMonth: 500_000, costLimitUSD: 5 } },
  { key: "pro", limits: { messagesPerMonth: 25_000, tokensPerMonth: 10_000_000, costLimitUSD: 100, toolCallsPerMonth: 5_000 } },
  { key: "enterprise", limits: { messagesPerMonth: null, tokensPerMonth: null } },
];

async function seed(database: TDatabase): Promise<string> {
  const { db, sql } = database;
  for (const [index, plan] of PLANS.entries()) {
    await db.planConfig.create({
      data: {
        key: plan.key,
        name: plan.key[0]!.toUpperCase() + plan.key.slice(1),
        sortOrder: index,
        limits: plan.limits,
        features: { llmProvider: "ollama", llmModel: "llama3.2" },
        pricing: { baseCost: "0", currency: "USD", usageMultiplier: "1", prorationMode: "daily", metrics: {} },
      },
    });
  }
  let started = performance.now();
  await sql.query(
    `INSERT INTO "Client" (slug, name, "planKey", "billingEmail", "updatedAt")
     SELECT 'bench-' || g, 'Bench client ' || lpad(g::text, 5, '0'), (ARRAY['free','starter','pro','enterprise'])[1 + g % 4],
            'bench-' || g || '@example.com', now()
       FROM generate_series(1, $1::int) AS g`,
    [CLIENTS],
  );
  // Events: the month and the client by two hashes of g (hashint8: independent, spread evenly).
  await sql.query(
    `WITH c AS (SELECT id, row_number() OVER (ORDER BY slug) - 1 AS n FROM "Client")
     INSERT INTO "UsageEvent" ("clientId", "conversationId", "idempotencyKey", "occurredAt", provider, model, "inputTokens",
                               "cachedInputTokens", "outputTokens", "toolCalls", "toolCallCount", "latencyMs", status, "costUsd")
     SELECT c.id, NULL, 'bench-' || g,
            timestamptz '2026-01-01 00:00:00+00' + ((hashint8(g::bigint + 1000000000) & 2147483647) % 12) * interval '1 month' + ((g::bigint * 7919) % 2500000) * interval '1 second',
            (ARRAY['openai','anthropic','ollama'])[1 + g % 3], (ARRAY['gpt-4o-mini','claude-sonnet-5-5','llama3.2','gpt-4o'])[1 + g % 4],
            200 + g % 800, g % 100, 50 + g % 400,
            CASE WHEN g % 5 = 0 THEN '{"search": 1, "lookup_order": 2}'::jsonb WHEN g % 7 = 0 THEN '{"search": 1}'::jsonb ELSE '{}'::jsonb END,
            CASE WHEN g % 5 = 0 THEN 3 WHEN g % 7 = 0 THEN 1 ELSE 0 END,
            100 + g % 900, (CASE WHEN g % 50 = 0 THEN 'error' ELSE 'success' END)::"UsageStatus",
            ((g % 1000) * 0.0000012345 + 0.0000000001)::numeric(20, 10)
       FROM generate_series(1, $1::int) AS g
       -- A tenth of the calls from 50 busy clients, the rest spread over every client.
       JOIN c ON c.n = CASE WHEN g % 10 = 0 THEN (g / 10) % 50 ELSE (hashint8(g::bigint) & 2147483647) % $2::bigint END
      -- In time order, as the chat appends them: a month's events sit together.
      ORDER BY 4`,
    [EVENTS, CLIENTS],
  );
  console.log(`inserted ${CLIENTS.toLocaleString("en")} clients and ${EVENTS.toLocaleString("en")} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  await sql.query(
    `INSERT INTO "UsageCounter" ("clientId", period, metric, value, "updatedAt")
     SELECT "clientId", to_char("occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM'), m.metric, sum(m.value), now()
       FROM "UsageEvent", LATERAL (VALUES
         ('messages', CASE WHEN status <> 'error' THEN 1 ELSE 0 END::numeric), ('conversations', 0::numeric),
         ('inputTokens', "inputTokens"::numeric), ('outputTokens', "outputTokens"::numeric),
         ('tokens', ("inputTokens" + "outputTokens")::numeric), ('toolCalls', "toolCallCount"::numeric), ('costUsd', "costUsd")
       ) AS m(metric, value)
      GROUP BY 1, 2, 3
      -- As the chat creates them: a period's counters during that period, so they sit together.
      ORDER BY 2, 1, 3`,
  );
  await sql.exec(`VACUUM ANALYZE "Client", "UsageEvent", "UsageCounter", "PlanConfig"`);
  const [counters] = await sql.query<{ n: string }>(`SELECT count(*)::text AS n FROM "UsageCounter"`);
  console.log(`wrote ${Number(counters!.n).toLocaleString("en")} counter rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return busiestClient(database);
}

/** The busiest client: its history is the largest to read. */
async function busiestClient(database: TDatabase): Promise<string> {
  const [busiest] = await database.sql.query<{ id: string }>(`SELECT "clientId" AS id FROM "UsageCounter" WHERE metric = 'messages' ORDER BY value DESC LIMIT 1`);
  return busiest!.id;
}

type TTiming = { name: string; target: number | null; median: number; p95: number; max: number };

async function time(name: string, target: number | null, run: () => Promise<unknown>): Promise<TTiming> {
  for (let i = 0; i < 3; i++) await run(); // warm: plans cache, prepared statements, buffers
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  const timing = { name, target, median: at(0.5), p95: at(0.95), max: samples.at(-1)! };
  console.log(row(timing));
  return timing;
}

function row(t: TTiming): string {
  const verdict = t.target === null ? "" : t.median <= t.target ? `<= ${t.target} ms: met` : `<= ${t.target} ms: MISSED`;
  return `| ${t.name} | ${t.median.toFixed(1)} | ${t.p95.toFixed(1)} | ${t.max.toFixed(1)} | ${verdict} |`;
}

async function main() {
  const name = values.reuse ?? `meterline_bench_usage_reports_${randomBytes(4).toString("hex")}`;
  if (!values.reuse) await adminQuery(`CREATE DATABASE "${name}"`);
  let database: TDatabase | undefined;
  try {
    database = await openDatabase({ kind: "postgres", url: withDatabase(adminUrl(), name), migrate: true });
    const busiest = values.reuse ? await busiestClient(database) : await seed(database);
    const db = database.db;
    const header = "| query | median ms | p95 ms | max ms | target |\n| --- | --- | --- | --- | --- |";
    console.log(`\n${header}`);
    const timings = [
      await time("all-clients summary: report page 1 by percent of limit (usage.report)", 100, () => getUsageReport(db, { period: PERIOD, now: NOW })),
      await time("all-clients summary: report page 1 by cost, one plan", 100, () => getUsageReport(db, { period: PERIOD, sort: "costUsd", planKey: "pro", now: NOW })),
      await time("all-clients totals, 12 months (usage.summary)", 100, () => getUsageSummary(db, { now: NOW })),
      await time("near-limit list (usage.nearLimit)", 100, () => listNearLimitClients(db, { period: PERIOD, now: NOW })),
      await time("this vs last period, all clients (usage.comparePeriods)", 100, () => compareUsagePeriods(db, { period: PERIOD, now: NOW })),
      await time("one client's 12-month history (usage.history)", 20, () => getUsageHistory(db, { clientId: busiest, metric: "messages", months: 12, now: NOW })),
      await time("one client's period with limits and forecast (usage.clientPeriod)", 20, () => getClientPeriodUsage(db, { clientId: busiest, now: NOW })),
      await time("one client's tools in the period (usage.byTool)", 20, () => listUsageByTool(db, { clientId: busiest, period: PERIOD, now: NOW })),
      await time("cost by provider and model, all clients, one month (usage.byModel)", null, () => listUsageByModel(db, { period: PERIOD, now: NOW })),
      await time("tool calls by tool, all clients, one month (usage.byTool)", null, () => listUsageByTool(db, { period: PERIOD, now: NOW })),
    ];
    const reconcileStarted = performance.now();
    const differences = await findCounterDifferences(db, { period: PERIOD });
    const reconcileMs = performance.now() - reconcileStarted;
    console.log(`\nreconcile (find differences, all clients, ${PERIOD}): ${reconcileMs.toFixed(0)} ms, ${differences.length} differences`);
    console.log(`\n${CLIENTS.toLocaleString("en")} clients, ${EVENTS.toLocaleString("en")} events, ${REPEATS} timed runs each after 3 warm-ups; PostgreSQL via @prisma/adapter-pg\n`);
    console.log(header);
    for (const t of timings) console.log(row(t));
  } finally {
    await database?.close();
    if (values.keep || values.reuse) console.log(`kept database ${name} (drop it: DROP DATABASE "${name}" WITH (FORCE))`);
    else await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
