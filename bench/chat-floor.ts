// Where the floor of the chat route's app CPU is: the CPU one process spends per operation
// on each piece a chat request cannot skip, measured alone, in-process, 32 at a time (as
// under load). The fake provider runs in a child process and PostgreSQL is its own server,
// so only the caller's side is counted. Add Next's own floor (bench/chat-next.ts, the
// preflight row) to get the least a chat request can cost inside Next.
//
//   npx tsx bench/chat-floor.ts [--ops 4000] [--concurrency 32]
import http from "node:http";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { AnthropicProvider } from "@/server/llm/anthropic-provider";
import { keepAliveFetch } from "@/server/llm/keep-alive-fetch";
import { adminQuery, adminUrl, startNode, stopChildren, waitForOutput, withDatabase } from "./support";

function flag(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}
const OPS = flag("ops", 4000);
const CONCURRENCY = flag("concurrency", 32);
const MODEL = "claude-haiku-4-5";
const BODY = JSON.stringify({ model: MODEL, max_tokens: 1024, messages: [{ role: "user", content: "Hello, how are you?" }] });

async function cpuPerOp(name: string, op: () => Promise<unknown>): Promise<{ name: string; cpuMs: number; opsPerSecond: number }> {
  for (let i = 0; i < 200; i++) await op(); // warm up (JIT, connections)
  let next = 0;
  const started = performance.now();
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < OPS) {
        next += 1;
        await op();
      }
    }),
  );
  const used = process.cpuUsage(before);
  const seconds = (performance.now() - started) / 1000;
  const result = { name, cpuMs: (used.user + used.system) / 1000 / OPS, opsPerSecond: OPS / seconds };
  console.log(JSON.stringify(result));
  return result;
}

async function main(): Promise<void> {
  const providers = startNode("llm", ["tests/support/llm-servers.ts", "--instant"], {});
  const anthropicUrl = (await waitForOutput(providers, /ANTHROPIC_BASE_URL=(\S+)/))[1]!;
  const dbName = `meterline_floor_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${dbName}"`);
  const pool = new pg.Pool({ connectionString: withDatabase(adminUrl(), dbName), max: 10 });
  // DROP DATABASE ... WITH (FORCE) ends connections the pool is still closing.
  pool.on("error", () => undefined);
  const results = [];
  try {
    const headers = { "content-type": "application/json", "x-api-key": "test-key", "anthropic-version": "2023-06-01" };
    const url = `${anthropicUrl}/v1/messages`;
    results.push(await cpuPerOp("global fetch (undici), one provider call", async () => (await fetch(url, { method: "POST", headers, body: BODY })).json()));

    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const target = new URL(url);
    results.push(
      await cpuPerOp("node:http, keep-alive agent, one provider call", () =>
        new Promise((resolve, reject) => {
          const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers, agent }, (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
          });
          request.on("error", reject);
          request.end(BODY);
        }),
      ),
    );

    const provider = new AnthropicProvider({ baseUrl: anthropicUrl, apiKey: "test-key", timeoutMs: 10_000, fetch: globalThis.fetch });
    results.push(
      await cpuPerOp("Anthropic SDK over global fetch, one call", () => provider.chat({ model: MODEL, messages: [{ role: "user", content: "Hello, how are you?" }] })),
    );

    const overNodeHttp = new AnthropicProvider({ baseUrl: anthropicUrl, apiKey: "test-key", timeoutMs: 10_000, fetch: keepAliveFetch });
    results.push(
      await cpuPerOp("Anthropic SDK over keepAliveFetch (node:http), one call", () =>
        overNodeHttp.chat({ model: MODEL, messages: [{ role: "user", content: "Hello, how are you?" }] }),
      ),
    );
    results.push(
      await cpuPerOp("Anthropic SDK over keepAliveFetch, streamed to its end", async () => {
        for await (const event of overNodeHttp.stream({ model: MODEL, messages: [{ role: "user", content: "Hello, how are you?" }] })) void event;
      }),
    );
    results.push(
      await cpuPerOp("Anthropic SDK over global fetch, streamed to its end", async () => {
        for await (const event of provider.stream({ model: MODEL, messages: [{ role: "user", content: "Hello, how are you?" }] })) void event;
      }),
    );

    const statement = { name: "floor_probe", text: "SELECT $1::uuid AS id, $2::text AS t, now() AS at" };
    results.push(
      await cpuPerOp("pg, three named statements (the hot path's round trips)", async () => {
        for (let i = 0; i < 3; i++) await pool.query({ ...statement, values: ["00000000-0000-0000-0000-000000000000", "x"] });
      }),
    );
  } finally {
    await pool.end();
    await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await stopChildren();
  }
  console.log(`\n| piece (client side, ${OPS} ops, ${CONCURRENCY} at a time) | CPU ms/op | ops/s |\n| --- | --- | --- |`);
  for (const r of results) console.log(`| ${r.name} | ${r.cpuMs.toFixed(3)} | ${r.opsPerSecond.toFixed(0)} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
