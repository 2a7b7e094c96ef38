// Benchmark of POST /api/chat (non-streaming) on PostgreSQL with an instant local
// provider: throughput, latency, our overhead over the provider's, SQL round trips per
// request, CPU per request by process, and a CPU profile of the app. See bench/README.md.
//
//   npx tsx bench/chat-route.ts [--duration 15] [--c1-duration 8] [--warmup 3]
//        [--connections 32] [--repeats 3] [--pool 10] [--spread 0] [--count-requests 200]
//        [--breakdown-iterations 300] [--model claude-haiku-4-5] [--no-profile] [--no-write]
//   npx tsx bench/chat-route.ts --summarize-profile bench/.profiles/chat-off.cpuprofile
//
// Processes: this one (setup, orchestration; idle during measurement), the fake LLM
// providers (tests/support/llm-servers.ts --instant), one chat app process
// (tests/support/chat-server.ts, with bench/app-probe.ts preloaded), a bare node:http
// server (the ceiling), and wrk (Debian package) as the load generator.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openDatabase, type TDatabase } from "@/server/db/client";
import { createChatClient } from "../tests/support/chat-fixtures";
import { runBreakdown, type TBreakdownRow } from "./breakdown";
import { BENCH, ROOT, adminQuery, adminUrl, startNode, stopChildren, waitForOutput, withDatabase } from "./support";
import { cpuDelta, cpuSnapshot, runWrk, type TWrk } from "./measure";


// ---------------------------------------------------------------------------------------
// Options

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}
const OPTIONS = {
  duration: flag("duration", 15),
  c1Duration: flag("c1-duration", 8),
  warmup: flag("warmup", 3),
  connections: flag("connections", 32),
  repeats: flag("repeats", 3),
  pool: flag("pool", 10),
  /** Extra pass: this many tenants per mode, requests spread over their keys (0: skip). */
  spread: flag("spread", 0),
  countRequests: flag("count-requests", 200),
  breakdownIterations: flag("breakdown-iterations", 300),
  /**
   * Anthropic model the tenants use. Default claude-haiku-4-5: the SDK prints a deprecation
   * warning (console.warn, two lines) on every call to claude-sonnet-4-5, which would be
   * measured as part of the route; pass --model claude-sonnet-4-5 to measure that too.
   */
  model: (() => {
    const index = process.argv.indexOf("--model");
    return index >= 0 ? process.argv[index + 1]! : "claude-haiku-4-5";
  })(),
  profile: !process.argv.includes("--no-profile"),
  write: !process.argv.includes("--no-write"),
};

const CHAT_BODY = JSON.stringify({ message: "Hello, how are you?" });
const PROVIDER_BODY = JSON.stringify({
  model: OPTIONS.model,
  max_tokens: 1024,
  messages: [{ role: "user", content: "Hello, how are you?" }],
});

const MODES = {
  off: { label: "enforcement off", limits: {} as Record<string, number | null> },
  on: { label: "enforcement on", limits: { messagesPerMonth: 1e9, tokensPerMonth: 1e12, costLimitUSD: 1e9 } },
  // Counted only (no throughput runs): limits without a cost limit, so no price lookup before the call.
  onNoCost: { label: "enforcement on, no cost limit", limits: { messagesPerMonth: 1e9, tokensPerMonth: 1e12 } },
} as const;
type TMode = keyof typeof MODES;

// ---------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
const median = (values: number[]) => percentile(values, 50);
const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const fmtInt = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a");
/** "median (min-max)" of a few repeats. */
function spreadOf(values: number[], digits = 1, integer = false): string {
  const f = (v: number) => (integer ? fmtInt(v) : fmt(v, digits));
  if (values.length <= 1) return f(values[0] ?? NaN);
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}

/** Request/response over the app process's IPC channel (bench/app-probe.ts). */
function createProbe(child: ChildProcess) {
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  child.on("message", (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error));
    else waiter.resolve(message.result);
  });
  return function call<T>(cmd: string, extra: Record<string, unknown> = {}): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, cmd, ...extra });
    });
  };
}

type TProbeStats = {
  elapsedMs: number;
  inFlight: number;
  pendingHandlers: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  queries: number;
  poolMs: number;
  sql: Record<string, { count: number; clientMs: number }>;
  requests: number;
  statuses: Record<string, number>;
  requestMs: number[];
  fetches: number;
  fetchMs: number[];
  soloOverheadMs: number[];
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
};

// ---------------------------------------------------------------------------------------
// CPU accounting from /proc (clock ticks -> ms)

// ---------------------------------------------------------------------------------------
// Measurement records

type TTarget = "bare" | "provider" | "off" | "on";
type TRun = {
  target: TTarget;
  tenants: number;
  connections: number;
  rep: number;
  wrk: TWrk;
  cpu: ReturnType<typeof cpuDelta>;
  probe: TProbeStats | null;
  appErrors: TAppErrors | null;
};

type TAppErrors = {
  failed: number;
  deadlockReserve: number;
  deadlockRecord: number;
  deadlockRelease: number;
  deadlockOther: number;
  /** The client went away (wrk stops at the end of a run): not a failure of the app. */
  aborted: number;
  other: number;
};

/** Classifies the app's "chat request failed" logs of one run. */
function appErrorsOf(stderr: string): TAppErrors {
  const result: TAppErrors = { failed: 0, deadlockReserve: 0, deadlockRecord: 0, deadlockRelease: 0, deadlockOther: 0, aborted: 0, other: 0 };
  for (const block of stderr.split("chat request failed:").slice(1)) {
    if (!block.includes("deadlock detected")) {
      if (/Request was aborted|kind: 'aborted'/.test(block)) result.aborted += 1;
      else {
        result.failed += 1;
        result.other += 1;
      }
      continue;
    }
    result.failed += 1;
    if (/\breserveUsage\b/.test(block)) result.deadlockReserve += 1;
    else if (/\brecordUsage\b/.test(block)) result.deadlockRecord += 1;
    else if (/\breleaseUsage\b/.test(block)) result.deadlockRelease += 1;
    else result.deadlockOther += 1;
  }
  return result;
}

function perRequestCpu(run: TRun): Record<string, number> {
  const n = run.wrk.requests || 1;
  return Object.fromEntries(Object.entries(run.cpu.byGroup).map(([k, v]) => [k, (v * 1000) / n])); // µs per request
}

// ---------------------------------------------------------------------------------------
// CPU profile summary

type TProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type TProfile = { nodes: TProfileNode[]; samples: number[]; timeDeltas: number[] };

function moduleOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName.startsWith("(")) return functionName; // (garbage collector), (program), (idle)
    return "(native/builtins)";
  }
  if (url.startsWith("wasm://")) return "wasm (Prisma query compiler)";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "/node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith("node:")) {
    const parts = url.slice(5).split("/");
    return `node:${parts.slice(0, parts[0] === "internal" ? 2 : 1).join("/")}`;
  }
  const local = url.replace(/^file:\/\//, "");
  if (local.startsWith(ROOT)) {
    const rel = path.relative(ROOT, local);
    if (rel.startsWith("src/generated/")) return "src/generated (Prisma client)";
    return rel;
  }
  return url;
}

function summarizeProfile(profile: TProfile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    total += dt;
  });
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const inclusiveModule = new Map<string, number>();
  const inclusiveFunction = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const mod = moduleOf(url, functionName);
    const fnKey = `${functionName || "(anonymous)"}  [${mod}${url ? `:${lineNumber + 1}` : ""}]`;
    byFunction.set(fnKey, (byFunction.get(fnKey) ?? 0) + us);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
    // Inclusive: each module / app function on this sample's stack counts once.
    const mods = new Set<string>();
    const fns = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)!.callFrame;
      mods.add(moduleOf(frame.url, frame.functionName));
      if (frame.url.includes("/src/server/") && frame.functionName) fns.add(`${frame.functionName} (${moduleOf(frame.url, "")})`);
    }
    for (const m of mods) inclusiveModule.set(m, (inclusiveModule.get(m) ?? 0) + us);
    for (const f of fns) inclusiveFunction.set(f, (inclusiveFunction.get(f) ?? 0) + us);
  }
  const sorted = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, pct: (100 * us) / total, ms: us / 1000 }));
  return {
    totalMs: total / 1000,
    idlePct: (100 * (byModule.get("(idle)") ?? 0)) / total,
    functions: sorted(byFunction, top),
    modules: sorted(byModule, 20),
    inclusiveModules: sorted(inclusiveModule, 15),
    inclusiveAppFunctions: sorted(inclusiveFunction, 15),
  };
}

// ---------------------------------------------------------------------------------------
// SQL labels (for the per-statement table)

function sqlLabel(text: string): string {
  if (/FROM "public"\."ApiKey"/.test(text) && /^SELECT/.test(text)) return "auth: ApiKey by keyHash (Prisma findUnique)";
  if (/FROM "public"\."Client"/.test(text) && /^SELECT/.test(text)) return "auth: the key's Client (Prisma's 2nd query for the relation)";
  if (/^UPDATE "public"\."ApiKey"/.test(text)) return "auth: ApiKey.lastUsedAt";
  if (text.includes('"Conversation" v WHERE')) return "loadChatContext";
  if (text.includes("meterline_reserve_usage")) return "reserveUsage";
  if (text.includes('"ModelPrice"')) return "findModelPrice";
  if (text.startsWith("WITH event AS")) return "recordUsage (event+counters+messages)";
  if (/^UPDATE "UsageCounter"/.test(text)) return "releaseUsage";
  return text.slice(0, 70);
}

// ---------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  if (!existsSync("/usr/bin/wrk") && !process.env.PATH?.split(":").some((dir) => existsSync(path.join(dir, "wrk")))) {
    throw new Error("wrk is not installed: apt-get install -y wrk (see bench/README.md)");
  }
  const startedAt = new Date();
  const dbName = `meterline_bench_${randomBytes(5).toString("hex")}`;
  const pgVersion = (await adminQuery<{ v: string }>("SELECT version() AS v"))[0]!.v;
  const pgSettings = await adminQuery<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('fsync','synchronous_commit','shared_buffers','max_connections','wal_level') ORDER BY name",
  );
  await adminQuery(`CREATE DATABASE "${dbName}"`);
  const url = withDatabase(adminUrl(), dbName);
  let database: TDatabase | null = null;
  const tmp = path.join(os.tmpdir(), dbName);
  await mkdir(tmp, { recursive: true });
  const profileDir = path.join(BENCH, ".profiles");
  const cleanup = async () => {
    await stopChildren();
    await database?.close().catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    console.log(`dropped ${dbName}`);
  };
  process.once("SIGINT", () => {
    void cleanup().finally(() => process.exit(130));
  });

  try {
    console.log(`database ${dbName}: migrating`);
    database = await openDatabase({ kind: "postgres", url, migrate: true, poolSize: 4 });
    const db = database.db;

    // A price for the model (createChatClient adds claude-sonnet-4-5's and gpt-4o-mini's).
    const effectiveFrom = new Date("2025-01-01T00:00:00Z");
    await db.modelPrice.upsert({
      where: { provider_model_effectiveFrom: { provider: "anthropic", model: OPTIONS.model, effectiveFrom } },
      create: { provider: "anthropic", model: OPTIONS.model, inputPer1M: "1", outputPer1M: "5", cachedInputPer1M: "0.1", effectiveFrom },
      update: {},
    });
    const newClient = (mode: TMode) => createChatClient(db, { limits: MODES[mode].limits, provider: "anthropic", model: OPTIONS.model });
    const clients = {} as Record<TMode, Awaited<ReturnType<typeof createChatClient>>>;
    for (const mode of Object.keys(MODES) as TMode[]) clients[mode] = await newClient(mode);
    const spreadKeys: Partial<Record<TMode, string>> = {};
    if (OPTIONS.spread > 0) {
      for (const mode of ["off", "on"] as const) {
        const keys: string[] = [];
        for (let i = 0; i < OPTIONS.spread; i++) {
          keys.push((await newClient(mode)).secretKey);
        }
        spreadKeys[mode] = path.join(tmp, `keys-${mode}.txt`);
        await writeFile(spreadKeys[mode]!, `${keys.join("\n")}\n`);
      }
    }

    // Fake providers, instant.
    const providers = startNode("llm", ["tests/support/llm-servers.ts", "--instant"], {});
    const urls = await Promise.all(
      ["OLLAMA_BASE_URL", "ANTHROPIC_BASE_URL", "OPENAI_BASE_URL"].map(async (name) => [
        name,
        (await waitForOutput(providers, new RegExp(`${name}=(\\S+)`)))[1]!,
      ]),
    );
    const llmEnv = Object.fromEntries(urls) as Record<string, string>;

    // The chat app, with the probe.
    const app = startNode(
      "app",
      ["--import", path.join(BENCH, "app-probe.ts"), "tests/support/chat-server.ts", "0"],
      { ...llmEnv, DATABASE_URL: url, LLM_API_KEY: "test-key", POOL_SIZE: String(OPTIONS.pool), NODE_ENV: "production" },
      true,
    );
    const appPort = Number((await waitForOutput(app, /listening (\d+)/))[1]);
    const probe = createProbe(app.child);
    const appUrl = `http://127.0.0.1:${appPort}/api/chat`;
    console.log(`app on ${appUrl}, providers ${JSON.stringify(llmEnv)}`);

    // Sanity: one request per client.
    let sampleReply = "";
    for (const mode of Object.keys(MODES) as TMode[]) {
      const response = await fetch(appUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${clients[mode].secretKey}` },
        body: CHAT_BODY,
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`sanity request (${mode}) answered ${response.status}: ${text}`);
      sampleReply = text;
    }
    console.log(`sample reply: ${sampleReply}`);

    const bare = startNode("bare", [path.join(BENCH, "bare-server.ts"), "0"], { BENCH_REPLY: sampleReply });
    const barePort = Number((await waitForOutput(bare, /listening (\d+)/))[1]);

    // Round trips per request, sequential (exact: nothing else runs), after a warm-up.
    const countedSql: Record<string, { perRequest: number; statements: Array<{ label: string; perRequest: number; meanMs: number }> }> = {};
    for (const mode of Object.keys(MODES) as TMode[]) {
      const send = async () => {
        const response = await fetch(appUrl, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${clients[mode].secretKey}` },
          body: CHAT_BODY,
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`count request (${mode}) answered ${response.status}`);
      };
      for (let i = 0; i < 20; i++) await send();
      await probe("reset");
      for (let i = 0; i < OPTIONS.countRequests; i++) await send();
      const stats = await probe<TProbeStats>("stats");
      countedSql[mode] = {
        perRequest: stats.queries / stats.requests,
        statements: Object.entries(stats.sql)
          .map(([text, s]) => ({ label: sqlLabel(text), perRequest: s.count / stats.requests, meanMs: s.clientMs / s.count }))
          .sort((a, b) => b.perRequest - a.perRequest),
      };
      console.log(`${MODES[mode].label}: ${fmt(countedSql[mode].perRequest, 2)} SQL round trips / request`);
      for (const statement of countedSql[mode].statements) {
        console.log(`  ${fmt(statement.perRequest, 2)} × ${statement.label} (${fmt(statement.meanMs, 2)} ms)`);
      }
    }

    // Server-side cost of each statement: EXPLAIN ANALYZE of one captured call (same text and
    // parameters as the app sent), in a transaction that is rolled back, repeated.
    const samples = await probe<Record<string, { text: string; values: unknown[] }>>("samples");
    const explained: Array<{ label: string; planningMs: number; executionMs: number }> = [];
    {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const [key, sample] of Object.entries(samples)) {
          if (!/^(SELECT|WITH|UPDATE|INSERT)/i.test(sample.text)) continue;
          const planning: number[] = [];
          const execution: number[] = [];
          for (let i = 0; i < 25; i++) {
            await client.query("BEGIN");
            try {
              const result = await client.query<{ "QUERY PLAN": Array<{ "Planning Time": number; "Execution Time": number }> }>(
                `EXPLAIN (ANALYZE, FORMAT JSON) ${sample.text}`,
                sample.values,
              );
              const plan = result.rows[0]!["QUERY PLAN"][0]!;
              if (i >= 5) {
                planning.push(plan["Planning Time"]);
                execution.push(plan["Execution Time"]);
              }
            } finally {
              await client.query("ROLLBACK");
            }
          }
          explained.push({ label: sqlLabel(key), planningMs: median(planning), executionMs: median(execution) });
        }
      } catch (error) {
        console.warn(`EXPLAIN ANALYZE failed: ${String(error)}`);
      } finally {
        await client.end();
      }
      for (const e of explained) console.log(`  server: ${e.label}: planning ${fmt(e.planningMs, 3)} ms, execution ${fmt(e.executionMs, 3)} ms`);
    }

    const pids = { app: app.child.pid, provider: providers.child.pid, bare: bare.child.pid };
    const runs: TRun[] = [];
    const targetOf: Record<TTarget, { url: string; body: string; headers: (mode?: TMode) => Record<string, string> }> = {
      bare: { url: `http://127.0.0.1:${barePort}/api/chat`, body: CHAT_BODY, headers: () => ({}) },
      provider: {
        url: `${llmEnv.ANTHROPIC_BASE_URL}/v1/messages`,
        body: PROVIDER_BODY,
        headers: () => ({ "x-api-key": "test-key", "anthropic-version": "2023-06-01" }),
      },
      off: { url: appUrl, body: CHAT_BODY, headers: () => ({ authorization: `Bearer ${clients.off.secretKey}` }) },
      on: { url: appUrl, body: CHAT_BODY, headers: () => ({ authorization: `Bearer ${clients.on.secretKey}` }) },
    };

    /** Requests cut off by the end of a wrk run are still being answered: wait for them. */
    async function waitIdle(): Promise<void> {
      for (let i = 0; i < 600; i++) {
        const busy = await probe<{ inFlight: number; pendingHandlers: number }>("busy");
        if (busy.inFlight === 0 && busy.pendingHandlers === 0) return;
        await sleep(100);
      }
      console.warn("app still busy after 60 s");
    }

    async function measure(target: TTarget, connections: number, seconds: number, rep: number, tenants = 1): Promise<TRun> {
      const spec = targetOf[target];
      const keysFile = tenants > 1 ? spreadKeys[target as TMode] : undefined;
      const isApp = target === "off" || target === "on";
      if (isApp && connections > 1 && OPTIONS.warmup > 0) {
        await runWrk({ url: spec.url, connections, seconds: OPTIONS.warmup, body: spec.body, headers: spec.headers(), keysFile });
      }
      if (isApp) await waitIdle();
      await sleep(300);
      if (isApp) {
        await probe("reset");
        app.stderr.text = "";
      }
      const before = await cpuSnapshot(pids, dbName);
      const wrk = await runWrk({ url: spec.url, connections, seconds, body: spec.body, headers: spec.headers(), keysFile });
      const after = await cpuSnapshot(pids, dbName);
      const probeStats = isApp ? await probe<TProbeStats>("stats") : null;
      const appErrors = isApp ? appErrorsOf(app.stderr.text) : null;
      const run: TRun = { target, tenants, connections, rep, wrk, cpu: cpuDelta(before, after, wrk.cpuMs), probe: probeStats, appErrors };
      const errors = wrk.errors_status + wrk.errors_connect + wrk.errors_read + wrk.errors_timeout + wrk.errors_write;
      console.log(
        `${target.padEnd(8)} c=${String(connections).padEnd(3)} tenants=${tenants} rep ${rep}: ${fmtInt(wrk.rps)} req/s, p50 ${fmt(wrk.p50_us / 1000, 2)} ms, p99 ${fmt(
          wrk.p99_us / 1000,
          2,
        )} ms, errors ${errors}, machine busy ${fmt((100 * run.cpu.machineBusyMs) / run.cpu.machineTotalMs, 0)}%` +
          (probeStats ? `, ${fmt(probeStats.queries / probeStats.requests, 2)} SQL/req` : ""),
      );
      if (errors > 0) console.warn(`  ! ${errors} errors (non-2xx ${wrk.errors_status})${appErrors ? ` app log: ${JSON.stringify(appErrors)}` : ""}`);
      runs.push(run);
      return run;
    }

    for (let rep = 1; rep <= OPTIONS.repeats; rep++) {
      for (const target of ["bare", "provider", "off", "on"] as const) {
        await measure(target, OPTIONS.connections, OPTIONS.duration, rep);
      }
      for (const target of ["provider", "off", "on"] as const) {
        await measure(target, 1, OPTIONS.c1Duration, rep);
      }
    }
    if (OPTIONS.spread > 0) {
      for (let rep = 1; rep <= Math.min(OPTIONS.repeats, 2); rep++) {
        for (const target of ["off", "on"] as const) await measure(target, OPTIONS.connections, OPTIONS.duration, rep, OPTIONS.spread);
      }
    }

    // One profiled saturated run per mode (not counted in the numbers above).
    const profiles: Partial<Record<"off" | "on", ReturnType<typeof summarizeProfile> & { file: string; rps: number }>> = {};
    if (OPTIONS.profile) {
      await mkdir(profileDir, { recursive: true });
      for (const mode of ["off", "on"] as const) {
        const spec = targetOf[mode];
        const file = path.join(profileDir, `chat-${mode}.cpuprofile`);
        await probe("profile-start");
        const wrk = await runWrk({ url: spec.url, connections: OPTIONS.connections, seconds: OPTIONS.duration, body: spec.body, headers: spec.headers() });
        await probe("profile-stop", { file });
        await waitIdle();
        const profile = JSON.parse(await readFile(file, "utf8")) as TProfile;
        profiles[mode] = { ...summarizeProfile(profile), file: path.relative(ROOT, file), rps: wrk.rps };
        console.log(`profiled ${mode}: ${fmtInt(wrk.rps)} req/s while profiling -> ${path.relative(ROOT, file)}`);
      }
    }

    await waitIdle();
    // Consistency: a settled request leaves its client's messages counter equal to its
    // number of usage events; a reservation that was never settled or released does not.
    const consistencyParts: string[] = [];
    for (const mode of ["off", "on"] as const) {
      const check = await database.sql.query<{ events: string; messages: string }>(
        `SELECT (SELECT count(*) FROM "UsageEvent" WHERE "clientId" = $1::uuid)::text AS events,
                (SELECT coalesce(sum(value), 0) FROM "UsageCounter" WHERE "clientId" = $1::uuid AND metric = 'messages')::text AS messages`,
        [clients[mode].clientId],
      );
      const events = Number(check[0]!.events);
      const messages = Number(check[0]!.messages);
      consistencyParts.push(
        `${MODES[mode].label} client: ${events} usage events, messages counter ${messages}` +
          (messages !== events ? ` (**${messages - events} reserved and never settled or released**)` : " (consistent)"),
      );
    }
    const consistency = consistencyParts.join("; ");
    console.log(consistency);

    console.log("breakdown: each step alone, sequential, in the benchmark process");
    const breakdown = await runBreakdown({
      database,
      url,
      llm: { ollamaBaseUrl: llmEnv.OLLAMA_BASE_URL!, anthropicBaseUrl: llmEnv.ANTHROPIC_BASE_URL!, openaiBaseUrl: llmEnv.OPENAI_BASE_URL!, apiKey: "test-key" },
      model: OPTIONS.model,
      off: clients.off,
      on: { ...clients.on, limits: MODES.on.limits },
      iterations: OPTIONS.breakdownIterations,
    });
    for (const row of breakdown) console.log(`  ${fmt(row.cpuUs, 0).padStart(6)} µs CPU ${fmt(row.wallUs, 0).padStart(6)} µs wall  ${row.step}`);

    const report = buildReport({ startedAt, pgVersion, pgSettings, runs, countedSql, profiles, consistency, breakdown, explained });
    console.log(`\n${report.table}\n`);
    console.log(report.verdict);
    if (OPTIONS.write) {
      await writeResults(report.markdown);
      console.log(`\nwrote bench/RESULTS.md`);
    }
  } finally {
    await cleanup();
  }
}

// ---------------------------------------------------------------------------------------
// Report

function buildReport(input: {
  startedAt: Date;
  pgVersion: string;
  pgSettings: Array<{ name: string; setting: string }>;
  runs: TRun[];
  countedSql: Record<string, { perRequest: number; statements: Array<{ label: string; perRequest: number; meanMs: number }> }>;
  profiles: Partial<Record<"off" | "on", ReturnType<typeof summarizeProfile> & { file: string; rps: number }>>;
  consistency: string;
  breakdown: TBreakdownRow[];
  explained: Array<{ label: string; planningMs: number; executionMs: number }>;
}) {
  const { runs, countedSql, profiles } = input;
  const C = OPTIONS.connections;
  const select = (target: TTarget, connections: number, tenants = 1) =>
    runs.filter((r) => r.target === target && r.connections === connections && r.tenants === tenants);
  const rps = (rs: TRun[]) => rs.map((r) => r.wrk.rps);
  const ms = (rs: TRun[], key: "p50_us" | "p99_us") => rs.map((r) => r.wrk[key] / 1000);

  // Overhead at concurrency 1: route latency minus the provider's, measured directly.
  const providerC1 = select("provider", 1);
  const overhead = (mode: "off" | "on", key: "p50_us" | "p99_us") => {
    const app = select(mode, 1);
    return app.map((r, i) => r.wrk[key] / 1000 - (providerC1[i] ?? providerC1[0]!).wrk[key] / 1000);
  };
  const inApp = (mode: "off" | "on", p: number) => select(mode, 1).map((r) => percentile(r.probe?.soloOverheadMs ?? [], p));
  const loadedOverheadMean = (mode: "off" | "on") =>
    select(mode, C).map((r) => mean(r.probe?.requestMs ?? []) - mean(r.probe?.fetchMs ?? []));

  const rows: string[][] = [
    ["target", "conc.", "req/s", "p50 ms", "p99 ms", "non-2xx %", "SQL/req", "app CPU µs/req", "PG CPU µs/req", "provider CPU µs/req", "wrk CPU µs/req", "other load µs/req"],
  ];
  const cpuCol = (rs: TRun[], key: string) => spreadOf(rs.map((r) => perRequestCpu(r)[key] ?? NaN), 0, true);
  const row = (name: string, rs: TRun[], connections: number) => {
    if (!rs.length) return;
    rows.push([
      name,
      String(connections),
      spreadOf(rps(rs), 0, true),
      spreadOf(ms(rs, "p50_us"), 2),
      spreadOf(ms(rs, "p99_us"), 2),
      spreadOf(rs.map((r) => (100 * r.wrk.errors_status) / Math.max(1, r.wrk.requests)), 1),
      rs[0]!.probe ? spreadOf(rs.map((r) => r.probe!.queries / r.probe!.requests), 2) : "–",
      rs[0]!.probe ? cpuCol(rs, "app") : rs[0]!.target === "bare" ? cpuCol(rs, "bare") : "–",
      rs[0]!.probe ? spreadOf(rs.map((r) => { const c = perRequestCpu(r); return c.pgBackends! + c.pgAux!; }), 0, true) : "–",
      rs[0]!.target === "bare" ? "–" : cpuCol(rs, "provider"),
      cpuCol(rs, "wrk"),
      cpuCol(rs, "otherOnMachine"),
    ]);
  };
  row("bare node:http (ceiling)", select("bare", C), C);
  row("fake Anthropic, direct", select("provider", C), C);
  row("chat, enforcement off", select("off", C), C);
  row("chat, enforcement on", select("on", C), C);
  row("fake Anthropic, direct", providerC1, 1);
  row("chat, enforcement off", select("off", 1), 1);
  row("chat, enforcement on", select("on", 1), 1);
  if (OPTIONS.spread > 0) {
    row(`chat, enforcement off, ${OPTIONS.spread} tenants`, select("off", C, OPTIONS.spread), C);
    row(`chat, enforcement on, ${OPTIONS.spread} tenants`, select("on", C, OPTIONS.spread), C);
  }
  const table = markdownTable(rows);

  const onRps = rps(select("on", C));
  const offRps = rps(select("off", C));
  // Ratio per repeat (on and off of the same repeat ran back to back).
  const ratios = onRps.map((v, i) => v / (offRps[i] ?? NaN));
  const p50Over = overhead("on", "p50_us");
  const p99Over = overhead("on", "p99_us");
  const extraTrips = (countedSql.on?.perRequest ?? NaN) - (countedSql.off?.perRequest ?? NaN);
  const verdictRows: string[][] = [
    ["target (DESIGN.md)", "measured (median, min–max of repeats)", "met?"],
    [
      "overhead p50 <= 2 ms (enforcement on, c=1)",
      `${spreadOf(p50Over, 2)} ms route−provider; in-app ${spreadOf(inApp("on", 50), 2)} ms`,
      median(p50Over) <= 2 ? "yes" : "**no**",
    ],
    [
      "overhead p99 <= 10 ms (enforcement on, c=1)",
      `${spreadOf(p99Over, 2)} ms route−provider; in-app ${spreadOf(inApp("on", 99), 2)} ms`,
      median(p99Over) <= 10 ? "yes" : "**no**",
    ],
    [`>= 1,000 req/s, enforcement on (c=${C})`, `${spreadOf(onRps, 0, true)} req/s`, median(onRps) >= 1000 ? "yes" : "**no**"],
    ["enforcement keeps >= 70% of throughput", `${spreadOf(ratios.map((r) => 100 * r), 0)} %`, median(ratios) >= 0.7 ? "yes" : "**no**"],
    [
      "enforcement adds <= 1 DB round trip",
      `${fmt(countedSql.off?.perRequest ?? NaN, 2)} → ${fmt(countedSql.on?.perRequest ?? NaN, 2)} (+${fmt(extraTrips, 2)}); without a cost limit ${fmt(
        countedSql.onNoCost?.perRequest ?? NaN,
        2,
      )}`,
      extraTrips <= 1 ? "yes" : "**no**",
    ],
  ];
  const verdict = markdownTable(verdictRows);

  const sqlRows: string[][] = [["mode", "statement", "per request", "mean client time ms (c=1)"]];
  for (const [mode, counted] of Object.entries(countedSql)) {
    for (const s of counted.statements) sqlRows.push([MODES[mode as TMode].label, s.label, fmt(s.perRequest, 2), fmt(s.meanMs, 2)]);
  }

  const loadRows: string[][] = [
    ["mode (c=" + C + ")", "server time mean ms", "provider fetch mean ms", "our time mean ms", "pg pool time / req ms", "event-loop delay p99 ms"],
  ];
  for (const mode of ["off", "on"] as const) {
    const rs = select(mode, C);
    loadRows.push([
      MODES[mode].label,
      spreadOf(rs.map((r) => mean(r.probe?.requestMs ?? [])), 2),
      spreadOf(rs.map((r) => mean(r.probe?.fetchMs ?? [])), 2),
      spreadOf(loadedOverheadMean(mode), 2),
      spreadOf(rs.map((r) => (r.probe ? r.probe.poolMs / r.probe.requests : NaN)), 2),
      spreadOf(rs.map((r) => r.probe?.loopDelayP99Ms ?? NaN), 2),
    ]);
  }

  const errorRows: string[][] = [
    ["run", "failed (500)", "deadlock in reserveUsage", "deadlock in recordUsage", "deadlock in releaseUsage", "deadlock, site unknown", "other", "aborted by wrk at the end (not failures)"],
  ];
  for (const r of runs) {
    if (!r.appErrors || r.appErrors.failed + r.appErrors.aborted === 0) continue;
    errorRows.push([
      `${MODES[r.target as TMode].label}, c=${r.connections}, tenants ${r.tenants}, rep ${r.rep}`,
      String(r.appErrors.failed),
      String(r.appErrors.deadlockReserve),
      String(r.appErrors.deadlockRecord),
      String(r.appErrors.deadlockRelease),
      String(r.appErrors.deadlockOther),
      String(r.appErrors.other),
      String(r.appErrors.aborted),
    ]);
  }

  const breakdownRows: string[][] = [["step (alone, sequential)", "CPU µs/call", "wall µs/call", "what"]];
  for (const b of input.breakdown) breakdownRows.push([b.step, fmtInt(b.cpuUs), fmtInt(b.wallUs), b.note]);

  const profileText: string[] = [];
  for (const [mode, p] of Object.entries(profiles)) {
    if (!p) continue;
    profileText.push(
      `#### CPU profile, ${MODES[mode as TMode].label} (c=${C}, ${fmtInt(p.rps)} req/s while profiling, ${fmt(p.idlePct, 0)}% of the app's samples idle; \`${p.file}\`)`,
      "",
      "Self time by module:",
      "",
      markdownTable([["module", "self %"], ...p.modules.map((m) => [m.name, fmt(m.pct, 1)])]),
      "",
      "Inclusive (on the stack) by module, and by app function:",
      "",
      markdownTable([["module", "incl. %"], ...p.inclusiveModules.map((m) => [m.name, fmt(m.pct, 1)])]),
      "",
      markdownTable([["app function", "incl. %"], ...p.inclusiveAppFunctions.map((m) => [m.name, fmt(m.pct, 1)])]),
      "",
      "Top self-time functions:",
      "",
      markdownTable([["function [module:line]", "self %"], ...p.functions.map((f) => [f.name.replace(/\|/g, "\\|"), fmt(f.pct, 1)])]),
      "",
    );
  }

  const cpus = os.cpus();
  const markdown = [
    `Generated by \`npx tsx bench/chat-route.ts\` on ${input.startedAt.toISOString()}.`,
    "",
    `- Machine: ${cpus.length} × ${cpus[0]?.model ?? "?"}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB, Linux ${os.release()}; load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
    `- Node ${process.version}; ${input.pgVersion.split(" on ")[0]} (${input.pgSettings.map((s) => `${s.name}=${s.setting}`).join(", ")})`,
    `- Load: wrk 1 thread, ${C} connections × ${OPTIONS.duration} s (after ${OPTIONS.warmup} s warm-up) and 1 connection × ${OPTIONS.c1Duration} s; ${OPTIONS.repeats} repeats, interleaved; app pool ${OPTIONS.pool} connections; one tenant per mode` +
      (OPTIONS.spread ? `, plus a pass over ${OPTIONS.spread} tenants per mode` : ""),
    `- Cells are the median of the repeats with (min–max). CPU µs/req from /proc per process over the measured window ("other load" = the rest of the machine's busy time: other people's work on the same 2 cores).`,
    `- ${input.consistency}`,
    "",
    "#### Throughput and latency",
    "",
    table,
    "",
    "#### Targets",
    "",
    verdict,
    "",
    "#### Failed requests (from the app's log; none expected)",
    "",
    errorRows.length > 1 ? markdownTable(errorRows) : "None.",
    "",
    "#### Cost of each step of the hot path (this process, sequential, no contention)",
    "",
    markdownTable(breakdownRows),
    "",
    "#### SQL round trips per chat request (sequential, counted at pg.Client.query)",
    "",
    markdownTable(sqlRows),
    "",
    "#### Server-side time per statement (EXPLAIN ANALYZE of a captured call, median of 20, rolled back; excludes commit/fsync)",
    "",
    markdownTable([["statement", "planning ms", "execution ms"], ...input.explained.map((e) => [e.label, fmt(e.planningMs, 3), fmt(e.executionMs, 3)])]),
    "",
    "#### Inside the app under load (probe: HTTP request time vs provider fetch time)",
    "",
    markdownTable(loadRows),
    "",
    ...profileText,
  ].join("\n");
  return { table, verdict, markdown };
}

function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [`| ${head!.join(" | ")} |`, `| ${head!.map(() => "---").join(" | ")} |`, ...body.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

const BEGIN = "<!-- bench:chat-route:begin -->";
const END = "<!-- bench:chat-route:end -->";

/** Replaces the generated section of bench/RESULTS.md, keeping the hand-written analysis around it. */
async function writeResults(generated: string): Promise<void> {
  const file = path.join(BENCH, "RESULTS.md");
  const section = `${BEGIN}\n${generated}\n${END}`;
  const existing = existsSync(file) ? await readFile(file, "utf8") : "";
  const start = existing.indexOf(BEGIN);
  const end = existing.indexOf(END);
  const next =
    start >= 0 && end > start
      ? existing.slice(0, start) + section + existing.slice(end + END.length)
      : `# Chat route benchmark\n\n## Latest run (generated)\n\n${section}\n`;
  await writeFile(file, next);
}

/** `--summarize-profile FILE`: prints the summary of a saved .cpuprofile and exits. */
async function summarizeOnly(file: string): Promise<void> {
  const summary = summarizeProfile(JSON.parse(await readFile(file, "utf8")) as TProfile, 40);
  for (const key of ["modules", "inclusiveModules", "inclusiveAppFunctions", "functions"] as const) {
    console.log(`\n${key}:`);
    for (const row of summary[key]) console.log(`  ${fmt(row.pct, 1).padStart(5)}%  ${row.name}`);
  }
  console.log(`\nidle ${fmt(summary.idlePct, 1)}% of ${fmt(summary.totalMs, 0)} ms`);
}

const summarizeIndex = process.argv.indexOf("--summarize-profile");
(summarizeIndex >= 0 ? summarizeOnly(process.argv[summarizeIndex + 1]!) : main()).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
