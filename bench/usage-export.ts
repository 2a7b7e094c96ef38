// The usage CSV export's memory on a large client: does it stream? Usage:
//   npx tsx bench/usage-export.ts [--events 1000000] [--keep]
//   node --max-old-space-size=64 --import tsx bench/usage-export.ts   # the same in a 64 MB heap
//
// Creates its own PostgreSQL database (meterline_bench_usage_export_<random>, dropped at the
// end unless --keep; TEST_DATABASE_URL, else DATABASE_URL, else postgres@127.0.0.1:5432),
// inserts --events usage events for one client in one INSERT ... SELECT generate_series
// (not timed: one every 31 s from 2026-01-01, about a year), then VACUUM ANALYZE.
//
// Then exports them through the route handler the Next route uses (createUsageExportHandlers,
// a stub session, batches of USAGE_EXPORT_BATCH_SIZE), granularity=event over the whole
// range, reading the body as a slow-ish client would (one chunk at a time) and counting its
// bytes and records; then granularity=day and month over the same range. process.memoryUsage()
// is sampled every 10 ms and after every chunk: peak RSS, heap used, external + array buffers,
// before and during each export. A bound on them is not a test: the numbers go to RESULTS.md.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { openDatabase, type TDatabase } from "@/server/db/client";
import { USAGE_EXPORT_BATCH_SIZE } from "@/server/usage/usage-export";
import { createUsageExportHandlers } from "@/server/http/usage-export-http";
import { adminQuery, adminUrl, withDatabase } from "./support";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "1000000" },
    keep: { type: "boolean", default: false },
  },
});
const EVENTS = Number(values.events);
const MB = 1024 * 1024;

type TPeak = { rss: number; heapUsed: number; external: number; arrayBuffers: number };

function memoryNow(): TPeak {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

/** Peaks of process.memoryUsage() while `run` runs, sampled on a timer and by `run` itself. */
async function withMemoryPeaks<R>(run: (sample: () => void) => Promise<R>): Promise<{ result: R; before: TPeak; peak: TPeak }> {
  const before = memoryNow();
  const peak = { ...before };
  const sample = () => {
    const now = memoryNow();
    for (const key of Object.keys(peak) as (keyof TPeak)[]) peak[key] = Math.max(peak[key], now[key]);
  };
  const timer = setInterval(sample, 10);
  try {
    const result = await run(sample);
    sample();
    return { result, before, peak };
  } finally {
    clearInterval(timer);
  }
}

async function seed(database: TDatabase): Promise<{ id: string; slug: string }> {
  const { db, sql } = database;
  await db.planConfig.create({
    data: {
      key: "bench",
      name: "Bench",
      limits: { messagesPerMonth: null },
      features: { llmProvider: "ollama", llmModel: "llama3.2" },
      pricing: { baseCost: "0", currency: "USD", usageMultiplier: "1", prorationMode: "daily", metrics: {} },
    },
  });
  const client = await db.client.create({
    data: { slug: "bench-export", name: 'Bench "Export", 東京\nGmbH', planKey: "bench", billingEmail: "bench@example.com" },
    select: { id: true, slug: true },
  });
  const started = performance.now();
  await sql.query(
    `INSERT INTO "UsageEvent" ("clientId", "idempotencyKey", "occurredAt", provider, model, "inputTokens", "cachedInputTokens",
                               "outputTokens", "toolCalls", "toolCallCount", "latencyMs", status, "costUsd")
     SELECT $1::uuid, 'bench-' || g, timestamptz '2026-01-01 00:00:00+00' + g * interval '31 seconds', 'openai', 'gpt-4o-mini',
            200 + g % 800, g % 100, 50 + g % 400,
            CASE WHEN g % 5 = 0 THEN '{"search": 1}'::jsonb ELSE '{}'::jsonb END, CASE WHEN g % 5 = 0 THEN 1 ELSE 0 END,
            100 + g % 900, (CASE WHEN g % 50 = 0 THEN 'error' ELSE 'success' END)::"UsageStatus",
            ((g % 1000) * 0.0000012345 + 0.0000000001)::numeric(20, 10)
       FROM generate_series(1, $2::int) AS g`,
    [client.id, EVENTS],
  );
  console.log(`inserted ${EVENTS.toLocaleString("en")} events in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // The monthly counters those events add up to (the month export reads these).
  await sql.query(
    `INSERT INTO "UsageCounter" ("clientId", period, metric, value)
     SELECT "clientId", to_char("occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM'), m.metric, sum(m.value)
       FROM "UsageEvent", LATERAL (VALUES ('messages', 1::numeric), ('tokens', "inputTokens" + "outputTokens"), ('costUsd', "costUsd")) AS m(metric, value)
      WHERE "clientId" = $1::uuid
      GROUP BY 1, 2, 3`,
    [client.id],
  );
  await sql.exec(`VACUUM ANALYZE "UsageEvent", "UsageCounter"`);
  return client;
}

type TRun = { granularity: string; seconds: number; bytes: number; records: number; chunks: number; before: TPeak; peak: TPeak };

async function exportOnce(database: TDatabase, clientId: string, granularity: string): Promise<TRun> {
  const handlers = createUsageExportHandlers({
    getDb: async () => database.db,
    getSession: async () => ({ user: { id: "bench", email: "bench@example.com", name: "Bench", role: "viewer" } }),
    now: () => new Date("2026-12-31T00:00:00Z"),
  });
  const started = performance.now();
  const { result, before, peak } = await withMemoryPeaks(async (sample) => {
    const response = await handlers.clientUsage(
      new Request(`http://bench/api/clients/${clientId}/usage/export?from=2026-01&to=2026-12&granularity=${granularity}`),
      clientId,
    );
    if (response.status !== 200) throw new Error(`export answered ${response.status}: ${await response.text()}`);
    const reader = response.body!.getReader();
    let bytes = 0;
    let lineFeeds = 0;
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      bytes += value.byteLength;
      // Records end with CRLF; a quoted field may hold a bare LF, but not in these rows.
      for (let i = 0; i < value.length; i += 1) if (value[i] === 10) lineFeeds += 1;
      sample();
    }
    return { bytes, records: lineFeeds - 1, chunks };
  });
  return { granularity, seconds: (performance.now() - started) / 1000, ...result, before, peak };
}

function row(run: TRun): string {
  const mb = (n: number) => (n / MB).toFixed(1);
  return `| ${run.granularity} | ${run.records.toLocaleString("en")} | ${mb(run.bytes)} | ${run.chunks} | ${run.seconds.toFixed(1)} | ${mb(run.before.rss)} → ${mb(run.peak.rss)} | ${mb(run.before.heapUsed)} → ${mb(run.peak.heapUsed)} | ${mb(run.before.external + run.before.arrayBuffers)} → ${mb(run.peak.external + run.peak.arrayBuffers)} |`;
}

async function main() {
  const name = `meterline_bench_usage_export_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  let database: TDatabase | undefined;
  try {
    database = await openDatabase({ kind: "postgres", url: withDatabase(adminUrl(), name), migrate: true });
    const client = await seed(database);
    const runs: TRun[] = [];
    for (const granularity of ["event", "day", "month"]) {
      runs.push(await exportOnce(database, client.id, granularity));
      console.log(row(runs.at(-1)!));
    }
    const heapLimit = (await import("node:v8")).getHeapStatistics().heap_size_limit / MB;
    console.log(
      `\nNode ${process.version} (heap limit ${heapLimit.toFixed(0)} MB), batch ${USAGE_EXPORT_BATCH_SIZE.toLocaleString("en")} rows, ${EVENTS.toLocaleString("en")} events\n`,
    );
    console.log("| granularity | records | MB written | chunks | s | RSS MB (before → peak) | heap used MB | external + array buffers MB |");
    console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const run of runs) console.log(row(run));
  } finally {
    await database?.close();
    if (values.keep) console.log(`kept database ${name} (drop it: DROP DATABASE "${name}" WITH (FORCE))`);
    else await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
