// Measuring on shared cores: CPU per process from /proc (steadier than req/s when other
// work shares the machine) and the wrk load generator. Shared by the chat benchmarks.
import { spawn } from "node:child_process";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { BENCH } from "./support";

const CLK_TCK = 100;

export async function procTicks(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  } catch {
    return 0;
  }
}

export type TCpuSnapshot = { machineBusy: number; machineTotal: number; byGroup: Record<string, number>; backends: Map<number, number> };

/** CPU ticks so far: the machine, each group (a pid, or the pids of a process tree), and the database's backends. */
export async function cpuSnapshot(groups: Record<string, number | number[] | undefined>, dbName: string): Promise<TCpuSnapshot> {
  const line = (await readFile("/proc/stat", "utf8")).split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  const byGroup: Record<string, number> = { app: 0, provider: 0, bare: 0, pgAux: 0 };
  const backends = new Map<number, number>();
  for (const [group, pids] of Object.entries(groups)) {
    for (const pid of typeof pids === "number" ? [pids] : (pids ?? [])) byGroup[group] = (byGroup[group] ?? 0) + (await procTicks(pid));
  }
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = (await readFile(`/proc/${entry}/cmdline`, "utf8")).replace(/\0/g, " ");
    } catch {
      continue;
    }
    if (!cmdline.startsWith("postgres: ")) continue;
    if (cmdline.includes(` ${dbName} `)) backends.set(Number(entry), await procTicks(Number(entry)));
    else if (/: (checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher|archiver|logger)/.test(cmdline)) {
      byGroup.pgAux! += await procTicks(Number(entry));
    }
  }
  return { machineBusy: total - idle, machineTotal: total, byGroup, backends };
}

export function cpuDelta(before: TCpuSnapshot, after: TCpuSnapshot, wrkMs: number) {
  const ms = (ticks: number) => (ticks * 1000) / CLK_TCK;
  const byGroup: Record<string, number> = {};
  for (const key of Object.keys(after.byGroup)) byGroup[key] = ms(after.byGroup[key]! - (before.byGroup[key] ?? 0));
  // Per backend: the pool closes idle connections and opens new ones during a run. A
  // backend gone by the end loses its last ticks (undercount, never negative).
  let backendTicks = 0;
  for (const [pid, ticks] of after.backends) backendTicks += ticks - (before.backends.get(pid) ?? 0);
  byGroup.pgBackends = ms(backendTicks);
  byGroup.wrk = wrkMs;
  const machineBusyMs = ms(after.machineBusy - before.machineBusy);
  const ours = Object.values(byGroup).reduce((a, b) => a + b, 0);
  byGroup.otherOnMachine = Math.max(0, machineBusyMs - ours);
  return { machineBusyMs, machineTotalMs: ms(after.machineTotal - before.machineTotal), byGroup };
}

// ---------------------------------------------------------------------------------------
// wrk

export type TWrk = {
  requests: number;
  duration_us: number;
  errors_connect: number;
  errors_read: number;
  errors_write: number;
  errors_status: number;
  errors_timeout: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  p999_us: number;
  max_us: number;
  mean_us: number;
  /** CPU of wrk itself (user + system), ms. */
  cpuMs: number;
  rps: number;
};

export async function runWrk(options: {
  url: string;
  connections: number;
  seconds: number;
  body: string;
  headers: Record<string, string>;
  keysFile?: string;
  /** Default POST; OPTIONS sends a bare preflight (no body, no headers). */
  method?: "POST" | "OPTIONS";
}): Promise<TWrk> {
  const threads = 1;
  const command = [
    "wrk",
    `-t${threads}`,
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    "--timeout",
    "10s",
    "-s",
    path.join(BENCH, "wrk-post.lua"),
    options.url,
  ].join(" ");
  const child = spawn("bash", ["-c", `${command}; times`], {
    env: {
      ...process.env,
      BENCH_BODY: options.body,
      BENCH_METHOD: options.method ?? "POST",
      BENCH_HEADERS: Object.entries(options.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join("\n"),
      BENCH_KEYS_FILE: options.keysFile ?? "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const match = /BENCH_JSON (\{.*\})/.exec(out);
  if (code !== 0 || !match) throw new Error(`wrk failed (${code}):\n${out}`);
  const parsed = JSON.parse(match[1]!) as Omit<TWrk, "cpuMs" | "rps">;
  // `times`: second line is the children's user and system time, e.g. "0m1.234s 0m0.567s".
  const lines = out.trim().split("\n");
  const childTimes = lines[lines.length - 1]!.match(/(\d+)m([\d.]+)s/g) ?? [];
  const cpuMs = childTimes
    .map((t) => {
      const [, m, s] = /(\d+)m([\d.]+)s/.exec(t)!;
      return (Number(m) * 60 + Number(s)) * 1000;
    })
    .reduce((a, b) => a + b, 0);
  return { ...parsed, cpuMs, rps: parsed.requests / (parsed.duration_us / 1e6) };
}

/** A process and all its descendants (next start forks its server). */
export async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}
