// Preloaded into the chat app process by bench/chat-route.ts (node --import tsx --import
// bench/app-probe.ts tests/support/chat-server.ts). It changes nothing the app does; it
// only counts and times, and answers the benchmark over the IPC channel:
//   - every SQL statement sent by `pg` (pg.Client.prototype.query: one extended-protocol
//     round trip each), grouped by statement text, with client-side time, and the time
//     spent in pg.Pool.prototype.query (that plus waiting for a free pooled connection);
//   - every HTTP request the server answers (time from 'request' to the response's end);
//   - every provider call made through global fetch (the SDKs' transport), time to headers;
//   - the process's CPU time and event-loop delay;
//   - on demand, a V8 CPU profile of a window (node:inspector), written to a file.
// Messages: {cmd:"reset"} | {cmd:"stats"} | {cmd:"profile-start"} | {cmd:"profile-stop", file}.
import http from "node:http";
import { Session } from "node:inspector/promises";
import { writeFile } from "node:fs/promises";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import pg from "pg";

type TSqlStat = { count: number; clientMs: number };

const state = {
  since: performance.now(),
  cpu: process.cpuUsage(),
  queries: 0,
  poolMs: 0,
  sql: new Map<string, TSqlStat>(),
  requests: 0,
  statuses: new Map<number, number>(),
  requestMs: [] as number[],
  fetches: 0,
  fetchMs: [] as number[],
  /** Per request, when only one request was in flight the whole time: server time minus provider time. */
  soloOverheadMs: [] as number[],
};
/** One call of each distinct statement (full text and parameters), for EXPLAIN ANALYZE by the benchmark. */
const samples = new Map<string, { text: string; values: unknown[] }>();
let inFlight = 0;
/** Handlers still running: from 'request' until the handler's answer is written (even to a closed socket). */
let pendingHandlers = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function reset(): void {
  state.since = performance.now();
  state.cpu = process.cpuUsage();
  state.queries = 0;
  state.poolMs = 0;
  state.sql = new Map();
  state.requests = 0;
  state.statuses = new Map();
  state.requestMs = [];
  state.fetches = 0;
  state.fetchMs = [];
  state.soloOverheadMs = [];
  loopDelay.reset();
}

function sqlKey(config: unknown): string {
  const text = typeof config === "string" ? config : ((config as { text?: unknown } | null)?.text ?? "");
  return String(text).replace(/\s+/g, " ").trim().slice(0, 600);
}

type TCallback = (error: unknown, result: unknown) => void;

/** Calls `original`, then `done` once the query settles, whichever of its calling conventions is used. */
function timed(original: (...args: unknown[]) => unknown, self: unknown, args: unknown[], done: () => void): unknown {
  const cbIndex = typeof args[1] === "function" ? 1 : typeof args[2] === "function" ? 2 : -1;
  if (cbIndex >= 0) {
    const callback = args[cbIndex] as TCallback;
    const wrapped = [...args];
    wrapped[cbIndex] = (error: unknown, result: unknown) => {
      done();
      callback(error, result);
    };
    return original.apply(self, wrapped);
  }
  const result = original.apply(self, args);
  const config = args[0] as { submit?: unknown } | null;
  if (result && typeof (result as Promise<unknown>).then === "function") {
    return (result as Promise<unknown>).then(
      (value) => {
        done();
        return value;
      },
      (error: unknown) => {
        done();
        throw error;
      },
    );
  }
  // A Submittable (cursor/stream) or anything else: count it, no timing.
  if (config && typeof config.submit === "function") done();
  return result;
}

const clientQuery = pg.Client.prototype.query as unknown as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: unknown }).query = function query(this: unknown, ...args: unknown[]) {
  const key = sqlKey(args[0]);
  if (!samples.has(key) && samples.size < 100) {
    const config = args[0] as { text?: unknown; values?: unknown[] } | string;
    const text = typeof config === "string" ? config : String(config?.text ?? "");
    const values = (typeof config === "string" ? args[1] : config?.values) ?? (Array.isArray(args[1]) ? args[1] : []);
    samples.set(key, { text, values: Array.isArray(values) ? values : [] });
  }
  const started = performance.now();
  state.queries += 1;
  return timed(clientQuery, this, args, () => {
    const stat = state.sql.get(key) ?? { count: 0, clientMs: 0 };
    stat.count += 1;
    stat.clientMs += performance.now() - started;
    state.sql.set(key, stat);
  });
};

const poolQuery = pg.Pool.prototype.query as unknown as (...args: unknown[]) => unknown;
(pg.Pool.prototype as unknown as { query: unknown }).query = function query(this: unknown, ...args: unknown[]) {
  const started = performance.now();
  return timed(poolQuery, this, args, () => {
    state.poolMs += performance.now() - started;
  });
};

// The provider SDKs (Anthropic, OpenAI) call global fetch; Ollama's client too.
let soloFetchMs = 0;
let soloValid = false;
const originalFetch = globalThis.fetch;
globalThis.fetch = async function fetch(input: Parameters<typeof originalFetch>[0], init?: Parameters<typeof originalFetch>[1]) {
  const started = performance.now();
  try {
    return await originalFetch(input, init);
  } finally {
    const ms = performance.now() - started;
    state.fetches += 1;
    state.fetchMs.push(ms);
    if (inFlight === 1) soloFetchMs += ms;
    else soloValid = false;
  }
};

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function patchedEmit(this: http.Server, event: string | symbol, ...args: unknown[]) {
  if (event === "request") {
    const res = args[1] as http.ServerResponse;
    const started = performance.now();
    inFlight += 1;
    if (inFlight === 1) {
      soloFetchMs = 0;
      soloValid = true;
    } else {
      soloValid = false;
    }
    pendingHandlers += 1;
    let answered = false;
    const writeHead = res.writeHead;
    res.writeHead = function patchedWriteHead(this: http.ServerResponse, ...rest: unknown[]) {
      if (!answered) {
        answered = true;
        pendingHandlers -= 1;
      }
      return (writeHead as (...args: unknown[]) => http.ServerResponse).apply(this, rest);
    } as typeof res.writeHead;
    let finished = false;
    const end = () => {
      if (finished) return;
      finished = true;
      const ms = performance.now() - started;
      state.requests += 1;
      state.statuses.set(res.statusCode, (state.statuses.get(res.statusCode) ?? 0) + 1);
      state.requestMs.push(ms);
      if (soloValid && inFlight === 1) state.soloOverheadMs.push(ms - soloFetchMs);
      inFlight -= 1;
      soloValid = false;
    };
    res.once("finish", end);
    res.once("close", end);
  }
  return (emit as (this: http.Server, event: string | symbol, ...rest: unknown[]) => boolean).call(this, event, ...args);
} as typeof http.Server.prototype.emit;

let session: Session | null = null;

async function handle(message: { cmd: string; file?: string }): Promise<unknown> {
  switch (message.cmd) {
    case "reset":
      reset();
      return { ok: true };
    case "stats": {
      const cpu = process.cpuUsage(state.cpu);
      return {
        elapsedMs: performance.now() - state.since,
        inFlight,
        pendingHandlers,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        queries: state.queries,
        poolMs: state.poolMs,
        sql: Object.fromEntries(state.sql),
        requests: state.requests,
        statuses: Object.fromEntries(state.statuses),
        requestMs: state.requestMs,
        fetches: state.fetches,
        fetchMs: state.fetchMs,
        soloOverheadMs: state.soloOverheadMs,
        loopDelayP50Ms: loopDelay.percentile(50) / 1e6,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
      };
    }
    case "busy":
      return { inFlight, pendingHandlers };
    case "samples":
      return Object.fromEntries(samples);
    case "profile-start":
      session = new Session();
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 250 });
      await session.post("Profiler.start");
      return { ok: true };
    case "profile-stop": {
      if (!session) throw new Error("no profile running");
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      session = null;
      if (message.file) await writeFile(message.file, JSON.stringify(profile));
      return { ok: true, file: message.file };
    }
    default:
      throw new Error(`unknown command ${message.cmd}`);
  }
}

if (process.send) {
  process.on("message", (message: { id: number; cmd: string; file?: string }) => {
    handle(message).then(
      (result) => process.send?.({ id: message.id, result }),
      (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
    );
  });
}
// Exit cleanly on SIGTERM so `--cpu-prof` (if used by hand) can write its file.
process.once("SIGTERM", () => process.exit(0));
// The benchmark went away (or was killed): do not linger as an orphan.
process.once("disconnect", () => process.exit(0));
