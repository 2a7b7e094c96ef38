import "../scripts/load-env";
// npm run db:seed [-- --clients=N]: demo data in the database the environment names
// (PostgreSQL with DATABASE_URL, else the embedded PGlite under PGLITE_DATA_DIR).
// Safe to run again: nothing is duplicated. The work is in seedDemoData.
import { databaseOptionsFromEnv, openDatabase } from "@/server/db/client";
import { printLoginHelp, seedDemoData } from "@/server/seed/seed-demo-data";

function clientsArgument(): number | undefined {
  const arg = process.argv.slice(2).find((a) => a.startsWith("--clients="));
  if (!arg) return undefined;
  const value = Number(arg.slice("--clients=".length));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--clients must be a whole number of at least 1, got "${arg}"`);
  return value;
}

async function main() {
  const clients = clientsArgument();
  const options = databaseOptionsFromEnv();
  const where = options.kind === "postgres" ? "PostgreSQL" : `PGlite (${options.dataDir})`;
  const started = performance.now();
  const database = await openDatabase({ ...options, migrate: true });
  const openMs = Math.round(performance.now() - started);
  try {
    const summary = await seedDemoData(database.db, { clients });
    console.log(`Seeded ${where} (open + migrate ${openMs} ms).`);
    printLoginHelp(summary);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  // Configuration and lock errors say what to do; anything else needs its stack.
  const known = error instanceof Error && ["EnvError", "DatabaseLockedError"].includes(error.name);
  console.error(known ? (error as Error).message : error);
  process.exit(1);
});
