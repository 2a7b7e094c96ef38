// npm start: one command from a fresh clone to a running dashboard.
// 1. With no DATABASE_URL (embedded PGlite), load-env provides a session secret kept
//    under .data/ if none is configured; with PostgreSQL, the configuration must be complete.
// 2. Builds the app when there is no build or the sources are newer than it.
// 3. Applies pending migrations; in embedded mode, seeds demo data into an empty database.
// 4. Runs `next start` (port PORT, default 3000) until stopped.
import "./load-env";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = process.cwd();
const nextBin = path.join(root, "node_modules", ".bin", "next");

function newestMtime(entry: string): number {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

function buildIfStale() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  const sources = ["src", "public", "next.config.mjs", "tailwind.config.ts", "package-lock.json"];
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  if (builtAt > Math.max(...sources.map((s) => newestMtime(path.join(root, s))))) return;
  console.log("Building the app (first start or changed sources; about a minute)…");
  const startedAt = new Date();
  const result = spawnSync(nextBin, ["build"], { stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
  // The build is as new as the sources it read: a file saved while it ran makes the next start build again.
  fs.utimesSync(buildId, startedAt, startedAt);
}

async function prepareDatabase() {
  // Imported after the env is complete: env() validates on first use.
  const { databaseOptionsFromEnv, openDatabase } = await import("@/server/db/client");
  const options = databaseOptionsFromEnv();
  const database = await openDatabase({ ...options, migrate: true });
  try {
    if (options.kind === "pglite" && (await database.db.adminUser.count()) === 0) {
      console.log("Empty embedded database: loading demo data (about half a minute)…");
      const { seedDemoData, printLoginHelp } = await import("@/server/seed/seed-demo-data");
      const summary = await seedDemoData(database.db);
      printLoginHelp(summary);
    }
  } finally {
    // Closing releases the PGlite directory for the app server.
    await database.close();
  }
}

async function main() {
  const { env } = await import("@/env");
  env(); // one clear message for a missing or malformed variable, before anything starts
  buildIfStale();
  await prepareDatabase();

  const port = process.env.PORT || "3000";
  console.log(`Meterline on http://localhost:${port} (${process.env.DATABASE_URL ? "PostgreSQL" : "embedded PGlite"})`);
  const server = spawn(nextBin, ["start", "-p", port], { stdio: "inherit", env: process.env });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
