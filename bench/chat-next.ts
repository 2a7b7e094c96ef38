// POST /api/chat as it ships: `next start` on PostgreSQL, against the instant fake
// provider, side by side in one run and interleaved: the provider alone, the chat with
// metering only (a plan without limits), and the chat with enforcement and metering.
// Reports req/s and latency, and the figure that holds still on shared cores: CPU per
// request of the Next server (its whole process tree) and of PostgreSQL's backends, from
// /proc. See bench/README.md.
//
//   npx tsx bench/chat-next.ts [--duration 12] [--c1-duration 8] [--warmup 3] [--connections 32]
//        [--repeats 3] [--port 3290] [--no-write] [--profile <dir>]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { openDatabase, type TDatabase } from "@/server/db/client";
import { createChatClient } from "../tests/support/chat-fixtures";
import { cpuDelta, cpuSnapshot, processTree, runWrk } from "./measure";
import { BENCH, ROOT, adminQuery, adminUrl, startNode, stopChildren, waitForOutput, withDatabase } from "./support";

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}
const OPTIONS = {
  duration: flag("duration", 12),
  c1Duration: flag("c1-duration", 8),
  warmup: flag("warmup", 3),
  connections: flag("connections", 32),
  repeats: flag("repeats", 3),
  port: flag("port", 3290),
  write: !process.argv.includes("--no-write"),
  /** A directory: the Next server runs with --cpu-prof there (summarize with chat-route.ts --summarize-profile). */
  profileDir: process.argv.includes("--profile") ? process.argv[process.argv.indexOf("--profile") + 1]! : null,
};
const MODEL = "claude-haiku-4-5";
const CHAT_BODY = JSON.stringify({ message: "Hello, how are you?" });

type TTarget = "provider" | "floor" | "metering" | "enforcement";
type TSample = { target: TTarget; connections: number; rps: number; p50Ms: number; p99Ms: number; errors: number; appMs: number; pgMs: number; requests: number };

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : NaN;
};
const range = (values: number[], digits = 1) => `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)})`;

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) throw new Error("no build: run `npx next build` first (npm start does it too)");
  const dbName = `meterline_bench_${randomBytes(5).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${dbName}"`);
  const url = withDatabase(adminUrl(), dbName);
  let database: TDatabase | null = null;
  let appGroup: number | undefined;
  const cleanup = async () => {
    // next start forks its server: stop the whole process group.
    if (appGroup) {
      try {
        process.kill(-appGroup, "SIGTERM");
      } catch {
        // already gone
      }
    }
    await stopChildren();
    await database?.close().catch(() => undefined);
    await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  };
  process.once("SIGINT", () => void cleanup().finally(() => process.exit(130)));
  try {
    database = await openDatabase({ kind: "postgres", url, migrate: true, poolSize: 2 });
    const db = database.db;
    const effectiveFrom = new Date("2025-01-01T00:00:00Z");
    await db.modelPrice.create({ data: { provider: "anthropic", model: MODEL, inputPer1M: "1", outputPer1M: "5", cachedInputPer1M: "0.1", effectiveFrom } });
    const metering = await createChatClient(db, { limits: {}, provider: "anthropic", model: MODEL });
    const enforcement = await createChatClient(db, {
      limits: { messagesPerMonth: 1e9, tokensPerMonth: 1e12, costLimitUSD: 1e9, requestsPerMinute: 1e9 },
      provider: "anthropic",
      model: MODEL,
    });

    const providers = startNode("llm", ["tests/support/llm-servers.ts", "--instant"], {});
    const anthropicUrl = (await waitForOutput(providers, /ANTHROPIC_BASE_URL=(\S+)/))[1]!;
    const providerUrl = `${anthropicUrl}/v1/messages`;

    // next start exactly as it ships, in its own process group.
    // Node refuses --cpu-prof in NODE_OPTIONS: to profile, node runs Next's CLI itself.
    const nextCli = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
    const profileArgs = OPTIONS.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${OPTIONS.profileDir}`] : [];
    const app = spawn(process.execPath, [...profileArgs, nextCli, "start", "-p", String(OPTIONS.port)], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: "production",
        DATABASE_URL: url,
        NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret-0000",
        NEXTAUTH_URL: `http://127.0.0.1:${OPTIONS.port}`,
        ANTHROPIC_BASE_URL: anthropicUrl,
        ANTHROPIC_API_KEY: "test-key",
        APP_NOW: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    appGroup = app.pid;
    let appErrors = 0;
    app.stderr!.on("data", () => (appErrors += 1));
    const appUrl = `http://127.0.0.1:${OPTIONS.port}/api/chat`;
    for (let tries = 0; ; tries++) {
      const ok = await fetch(appUrl, { method: "OPTIONS" }).then(() => true, () => false);
      if (ok) break;
      if (tries > 120) throw new Error("next start did not answer within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const client of [metering, enforcement]) {
      const response = await fetch(appUrl, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${client.secretKey}` }, body: CHAT_BODY });
      if (response.status !== 200) throw new Error(`sanity request answered ${response.status}: ${await response.text()}`);
    }

    const specs: Record<TTarget, { url: string; body: string; headers: Record<string, string>; method?: "OPTIONS" }> = {
      // Next's own floor: the same route answering a preflight without an Origin (204,
      // no database, no provider). No chat request can cost the app less than this.
      floor: { url: appUrl, body: "", headers: {}, method: "OPTIONS" },
      provider: {
        url: providerUrl,
        body: JSON.stringify({ model: MODEL, max_tokens: 1024, messages: [{ role: "user", content: "Hello, how are you?" }] }),
        headers: { "x-api-key": "test-key", "anthropic-version": "2023-06-01" },
      },
      metering: { url: appUrl, body: CHAT_BODY, headers: { authorization: `Bearer ${metering.secretKey}` } },
      enforcement: { url: appUrl, body: CHAT_BODY, headers: { authorization: `Bearer ${enforcement.secretKey}` } },
    };
    const samples: TSample[] = [];
    const measure = async (target: TTarget, connections: number, seconds: number) => {
      const spec = specs[target];
      await runWrk({ ...spec, connections, seconds: OPTIONS.warmup });
      const tree = await processTree(app.pid!);
      const errorsBefore = appErrors;
      const before = await cpuSnapshot({ app: tree, provider: providers.child.pid }, dbName);
      const wrk = await runWrk({ ...spec, connections, seconds });
      const after = await cpuSnapshot({ app: tree, provider: providers.child.pid }, dbName);
      const cpu = cpuDelta(before, after, wrk.cpuMs);
      const sample: TSample = {
        target,
        connections,
        rps: wrk.rps,
        p50Ms: wrk.p50_us / 1000,
        p99Ms: wrk.p99_us / 1000,
        errors: wrk.errors_status + wrk.errors_connect + wrk.errors_read + wrk.errors_timeout + (appErrors - errorsBefore),
        appMs: cpu.byGroup.app! / wrk.requests,
        pgMs: cpu.byGroup.pgBackends! / wrk.requests,
        requests: wrk.requests,
      };
      samples.push(sample);
      console.log(JSON.stringify(sample));
    };
    for (let rep = 0; rep < OPTIONS.repeats; rep++) {
      for (const target of ["provider", "floor", "metering", "enforcement"] as const) await measure(target, OPTIONS.connections, OPTIONS.duration);
      for (const target of ["provider", "floor", "enforcement"] as const) await measure(target, 1, OPTIONS.c1Duration);
    }

    // Every 200 was metered exactly once: events = answered requests of each tenant.
    const events = await db.usageEvent.groupBy({ by: ["clientId"], _count: { _all: true } });
    const counters = await db.usageCounter.findMany({ where: { metric: "messages", period: { not: { startsWith: "m" } } } });
    const metered = (clientId: string) => ({
      events: events.find((e) => e.clientId === clientId)?._count._all ?? 0,
      counter: counters.filter((c) => c.clientId === clientId).reduce((sum, c) => sum + c.value.toNumber(), 0),
      held: counters.filter((c) => c.clientId === clientId).reduce((sum, c) => sum + c.reserved.toNumber(), 0),
    });
    const report = buildReport(samples, { metering: metered(metering.clientId), enforcement: metered(enforcement.clientId) });
    console.log(report);
    if (OPTIONS.write) await writeResults(report);
  } finally {
    await cleanup();
  }
}

function buildReport(samples: TSample[], metered: Record<"metering" | "enforcement", { events: number; counter: number; held: number }>): string {
  const of = (target: TTarget, connections: number) => samples.filter((s) => s.target === target && s.connections === connections);
  const row = (label: string, list: TSample[]) =>
    `| ${label} | ${range(list.map((s) => s.rps), 0)} | ${range(list.map((s) => s.p50Ms))} | ${range(list.map((s) => s.p99Ms))} | ${list[0]?.target === "provider" ? "-" : range(list.map((s) => s.appMs), 2)} | ${list[0]?.target === "provider" ? "-" : range(list.map((s) => s.pgMs), 2)} | ${list.reduce((sum, s) => sum + s.errors, 0)} |`;
  const c = OPTIONS.connections;
  const overhead = of("enforcement", 1).map((s, i) => s.p50Ms - (of("provider", 1)[i]?.p50Ms ?? 0));
  return [
    `Generated by \`npx tsx bench/chat-next.ts\` on ${new Date().toISOString()}: \`next start\` on PostgreSQL, ${OPTIONS.repeats} interleaved repeats of ${OPTIONS.duration} s (c=${c}) and ${OPTIONS.c1Duration} s (c=1). Median (min-max).`,
    "",
    "| target | req/s | p50 ms | p99 ms | app CPU ms/request | PostgreSQL CPU ms/request | errors |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    row(`fake provider alone, c=${c}`, of("provider", c)),
    row(`Next's floor (OPTIONS preflight, no database), c=${c}`, of("floor", c)),
    row(`chat, metering only, c=${c}`, of("metering", c)),
    row(`chat, enforcement + metering, c=${c}`, of("enforcement", c)),
    row("fake provider alone, c=1", of("provider", 1)),
    row("Next's floor (OPTIONS preflight, no database), c=1", of("floor", 1)),
    row("chat, enforcement + metering, c=1", of("enforcement", 1)),
    "",
    `Overhead p50 at c=1 (chat p50 minus the provider's, per repeat): ${range(overhead, 2)} ms.`,
    `Metered exactly once: metering tenant ${metered.metering.events} events, counter ${metered.metering.counter}, held ${metered.metering.held}; enforcement tenant ${metered.enforcement.events} events, counter ${metered.enforcement.counter}, held ${metered.enforcement.held}.`,
  ].join("\n");
}

const BEGIN = "<!-- bench:chat-next:begin -->";
const END = "<!-- bench:chat-next:end -->";

async function writeResults(generated: string): Promise<void> {
  const file = path.join(BENCH, "RESULTS.md");
  const text = await readFile(file, "utf8");
  const block = `${BEGIN}\n${generated}\n${END}`;
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  await writeFile(file, start >= 0 && end > start ? text.slice(0, start) + block + text.slice(end + END.length) : `${block}\n\n${text}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
