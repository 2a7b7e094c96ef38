// The one place that decides which database the app talks to: PostgreSQL when
// DATABASE_URL is set, else the embedded PGlite under PGLITE_DATA_DIR.
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { PrismaClient } from "@/generated/prisma/client";
import { env } from "@/env";
import { applyMigrations, type TSqlConnection } from "./migrate";
import { acquirePgliteLock } from "./pglite-lock";

// Secrets never leave the database unless a query asks for them by name.
const OMIT = {
  adminUser: { passwordHash: true },
  client: { alertWebhookSecret: true },
} as const;

function createPrismaClient(adapter: PrismaPg | PrismaPGlite) {
  return new PrismaClient({ adapter, omit: OMIT });
}

export type TDb = ReturnType<typeof createPrismaClient>;
/** A transaction client, or the client itself: what domain functions take. */
export type TDbClient = Omit<TDb, "$connect" | "$disconnect" | "$on" | "$use" | "$extends" | "$transaction">;

type TTransactionOptions = NonNullable<Parameters<TDb["$transaction"]>[1]>;

/**
 * An interactive transaction whose client keeps the global `omit` in its type.
 * (Prisma types the callback's client without the omit config, though it applies it.)
 */
export function inTransaction<R>(db: TDb, run: (tx: TDbClient) => Promise<R>, options?: TTransactionOptions): Promise<R> {
  return db.$transaction((tx) => run(tx as unknown as TDbClient), options);
}

export type TDatabase = {
  kind: "postgres" | "pglite";
  db: TDb;
  /** Raw SQL connection for migrations and set-based jobs. */
  sql: TSqlConnection;
  close(): Promise<void>;
};

export type TOpenDatabaseOptions =
  | { kind: "postgres"; url: string; migrate?: boolean; poolSize?: number }
  | { kind: "pglite"; dataDir?: string; migrate?: boolean; pglite?: PGlite };

export function pgliteConnection(pglite: PGlite): TSqlConnection {
  return {
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => (await pglite.query<T>(sql, params)).rows,
  };
}

export function pgConnection(client: pg.Client | pg.Pool): TSqlConnection {
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[],
  };
}

export async function openDatabase(options: TOpenDatabaseOptions): Promise<TDatabase> {
  if (options.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle connection the server drops (restart, failover, pg_terminate_backend) makes
    // the pool emit "error"; with no listener Node turns that into an uncaught exception
    // and the whole process dies. The pool has already discarded the connection and opens
    // a new one on the next query, so saying so is all there is to do.
    pool.on("error", (error) => {
      console.warn(`PostgreSQL: an idle pooled connection was closed by the server (${error.message}); it will be replaced.`);
    });
    const sql = pgConnection(pool);
    if (options.migrate) {
      const client = await pool.connect();
      try {
        await applyMigrations(pgConnection(client));
      } finally {
        client.release();
      }
    }
    const db = createPrismaClient(new PrismaPg({ connectionString: options.url, max: options.poolSize ?? 10 }));
    return {
      kind: "postgres",
      db,
      sql,
      close: async () => {
        await db.$disconnect();
        await pool.end();
      },
    };
  }

  // A caller-supplied PGlite (tests: in-memory) needs no directory lock.
  const release = options.pglite ? () => {} : acquirePgliteLock(options.dataDir!);
  try {
    const pglite = options.pglite ?? new PGlite(options.dataDir!);
    await pglite.waitReady;
    const sql = pgliteConnection(pglite);
    if (options.migrate) await applyMigrations(sql);
    // PGlite is one connection: the adapter runs each interactive transaction under
    // PGlite's own mutex, so concurrent requests queue instead of interleaving.
    const db = createPrismaClient(new PrismaPGlite(pglite));
    return {
      kind: "pglite",
      db,
      sql,
      close: async () => {
        await db.$disconnect();
        if (!options.pglite) await pglite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** What the environment asks for. Embedded mode migrates itself on open. */
export function databaseOptionsFromEnv(): TOpenDatabaseOptions {
  const { DATABASE_URL, PGLITE_DATA_DIR } = env();
  return DATABASE_URL
    ? { kind: "postgres", url: DATABASE_URL }
    : { kind: "pglite", dataDir: PGLITE_DATA_DIR, migrate: true };
}

// On globalThis: Next bundles server components and route handlers separately, and
// each bundle must see the same database (PGlite must be opened once per process).
const globalForDb = globalThis as typeof globalThis & { __meterlineDatabase?: Promise<TDatabase> };

/** The app's database, opened lazily on first use. */
export function getDatabase(): Promise<TDatabase> {
  globalForDb.__meterlineDatabase ??= openDatabase(databaseOptionsFromEnv()).catch((error: unknown) => {
    globalForDb.__meterlineDatabase = undefined;
    throw error;
  });
  return globalForDb.__meterlineDatabase;
}

export async function getDb(): Promise<TDb> {
  return (await getDatabase()).db;
}
