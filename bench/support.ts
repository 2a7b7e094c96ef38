// Helpers shared by the benchmarks under bench/: the PostgreSQL admin connection and
// child processes (node with tsx) that print a line once ready.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
export const BENCH = path.join(ROOT, "bench");

export function adminUrl(): string {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres";
}
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
export async function adminQuery<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------
// Child processes

export type TChild = {
  name: string;
  child: ChildProcess;
  /** The last chunks of stdout and stderr. */
  output: string[];
  /** stderr since the last reset (capped), for counting errors per run. */
  stderr: { text: string; chunks: number };
};

/** Echo at most this many stderr chunks of a child; the rest is counted, not printed. */
const ECHO_STDERR_CHUNKS = 10;
export const children: TChild[] = [];

export function startNode(name: string, args: string[], env: Record<string, string>, ipc = false): TChild {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  const entry: TChild = { name, child, output: [], stderr: { text: "", chunks: 0 } };
  let echoed = 0;
  const keep = (data: Buffer) => {
    entry.output.push(data.toString());
    if (entry.output.length > 200) entry.output.shift();
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", (data: Buffer) => {
    keep(data);
    entry.stderr.chunks += 1;
    if (entry.stderr.text.length < 50_000_000) entry.stderr.text += data.toString();
    if (echoed < ECHO_STDERR_CHUNKS) process.stderr.write(`[${name}] ${data.toString()}`);
    else if (echoed === ECHO_STDERR_CHUNKS) process.stderr.write(`[${name}] (further stderr is counted, not printed)\n`);
    echoed += 1;
  });
  children.push(entry);
  return entry;
}

export function waitForOutput(entry: TChild, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(entry.output.join(""));
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${entry.name} exited (${code}) before printing ${pattern}:\n${entry.output.join("")}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${entry.name}: no ${pattern} within ${timeoutMs} ms:\n${entry.output.join("")}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      entry.child.stdout!.off("data", check);
      entry.child.off("exit", onExit);
    };
    entry.child.stdout!.on("data", check);
    entry.child.on("exit", onExit);
    check();
  });
}

export async function stopChildren(): Promise<void> {
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => {
            child.kill("SIGKILL");
            resolve();
          }, 5_000);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill("SIGTERM");
        }),
    ),
  );
}

