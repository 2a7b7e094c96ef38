import "./load-env";
// npm run db:migrate: applies pending migrations to DATABASE_URL, or to the embedded
// PGlite database when it is unset.
import { databaseOptionsFromEnv, openDatabase } from "@/server/db/client";
import { applyMigrations } from "@/server/db/migrate";

async function main() {
  const options = databaseOptionsFromEnv();
  const database = await openDatabase({ ...options, migrate: false });
  try {
    const result = await applyMigrations(database.sql);
    const where = options.kind === "postgres" ? "PostgreSQL" : `PGlite (${options.dataDir})`;
    if (result.applied.length === 0) console.log(`${where}: up to date (${result.alreadyApplied} migrations).`);
    for (const name of result.applied) console.log(`${where}: applied ${name}`);
    for (const name of result.checksumMismatches) {
      console.warn(`warning: ${name} was edited after it was applied (checksum differs).`);
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
