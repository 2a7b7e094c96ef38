// Applies pending SQL migrations and records them in `_prisma_migrations` exactly as
// `prisma migrate deploy` does, so that where Prisma's native engine is available
// either tool can take over the same database.
import { randomUUID } from "node:crypto";
import { listMigrations, MIGRATIONS_DIR } from "./migrations";

/** The few things the runner needs from a connection (pg.Client or PGlite). */
export type TSqlConnection = {
  /** Runs a script of several statements, no parameters. */
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
};

// The same advisory lock id Prisma's engine takes, so our runner and Prisma's exclude each other.
const MIGRATION_LOCK_ID = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

type TAppliedRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

export class MigrationError extends Error {
  override name = "MigrationError";
}

export type TMigrateResult = { applied: string[]; alreadyApplied: number; checksumMismatches: string[] };

export async function applyMigrations(conn: TSqlConnection, dir: string = MIGRATIONS_DIR): Promise<TMigrateResult> {
  const migrations = listMigrations(dir);
  if (migrations.length === 0) throw new MigrationError(`No migrations found in ${dir}`);

  await conn.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
  try {
    await conn.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await conn.query<TAppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
    );
    const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed) {
      // Same rule as Prisma's P3009: a failed migration must be resolved by a person.
      throw new MigrationError(
        `Migration ${failed.migration_name} failed earlier and was not resolved. Fix the database, then mark it ` +
          `rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${failed.migration_name}').`,
      );
    }
    const finished = new Map(rows.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r.checksum]));

    const applied: string[] = [];
    const checksumMismatches: string[] = [];
    for (const migration of migrations) {
      const recorded = finished.get(migration.name);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) checksumMismatches.push(migration.name);
        continue;
      }
      const id = randomUUID();
      await conn.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), 0)`,
        [id, migration.checksum, migration.name],
      );
      try {
        // PostgreSQL DDL is transactional: a migration applies whole or not at all.
        await conn.exec(`BEGIN;\n${migration.sql}\n;COMMIT;`);
      } catch (error) {
        await conn.exec("ROLLBACK").catch(() => undefined);
        const message = error instanceof Error ? error.message : String(error);
        // Nothing of it stayed (the transaction rolled back), so record it as rolled back:
        // the next run retries it once the SQL is fixed.
        await conn.query(`UPDATE "_prisma_migrations" SET logs = $2, rolled_back_at = now() WHERE id = $1`, [id, message]);
        throw new MigrationError(`Migration ${migration.name} failed: ${message}`);
      }
      await conn.query(
        `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
        [id],
      );
      applied.push(migration.name);
    }
    return { applied, alreadyApplied: finished.size, checksumMismatches };
  } finally {
    await conn.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]);
  }
}
