// Each test file gets its own database: a fresh PostgreSQL database created in the
// test server, or an in-memory PGlite. Both are migrated with the real migrations.
import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, inject } from "vitest";
import { openDatabase, type TDatabase } from "@/server/db/client";

export const DATABASE_KINDS = ["pglite", "postgres"] as const;
export type TDatabaseKind = (typeof DATABASE_KINDS)[number];

export type TTestDatabase = TDatabase & { url: string | null };

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = inject("pgAdminUrl");
  const name = `meterline_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(adminUrl, name),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export async function openTestDatabase(kind: TDatabaseKind, options: { poolSize?: number } = {}): Promise<TTestDatabase> {
  if (kind === "pglite") {
    const pglite = new PGlite();
    const database = await openDatabase({ kind: "pglite", pglite, migrate: true });
    return {
      ...database,
      url: null,
      close: async () => {
        await database.close();
        await pglite.close();
      },
    };
  }
  const created = await createPostgresDatabase();
  const database = await openDatabase({ kind: "postgres", url: created.url, migrate: true, poolSize: options.poolSize });
  return {
    ...database,
    url: created.url,
    close: async () => {
      await database.close();
      await created.drop();
    },
  };
}

/**
 * Runs the same suite against PGlite and PostgreSQL, each with its own fresh database.
 * `testDb()` returns the open database inside tests.
 */
export function describeEachDatabase(
  name: string,
  body: (testDb: () => TTestDatabase, kind: TDatabaseKind) => void,
  kinds: readonly TDatabaseKind[] = DATABASE_KINDS,
): void {
  for (const kind of kinds) {
    describe(`${name} [${kind}]`, () => {
      let database: TTestDatabase | undefined;
      beforeAll(async () => {
        database = await openTestDatabase(kind);
      });
      afterAll(async () => {
        await database?.close();
      });
      body(() => {
        if (!database) throw new Error("test database is not open yet");
        return database;
      }, kind);
    });
  }
}
