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

// PGlite has one connection: concurrent transactions queue for it. Prisma's default wait
// (2 s) made a busy demo fail requests that only had to wait their turn.
const PGLITE_TRANSACTION_OPTIONS = { maxWait: 15_000 } as const;

function createPrismaClient(adapter: PrismaPg | PrismaPGlite) {
  return new PrismaClient({ adapter, omit: OMIT, transactionOptions: adapter instanceof PrismaPGlite ? PGLITE_TRANSACTION_OPTIONS : undefined });
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

/**
 * The chat hot path's statements start with a marker comment (`/* hot:<name> *\/`): those
 * are prepared once per connection under that name, so PostgreSQL skips parsing and
 * planning them on every request. Every other statement stays unnamed: Prisma's SQL
 * varies with its arguments (a list of n ids), and naming it would grow each connection's
 * statement cache without bound. (Not for a transaction-mode pgbouncer.)
 */
export function hotPathStatementName(query: { sql: string }): string {
  const match = /^\/\* hot:([a-z0-9_]+) \*\//.exec(query.sql);
  return match ? `meterline_${match[1]}` : "";
}

/** Runs one of the chat hot path's statements; rows come back as the driver parses them. */
type THotQuery = <T>(text: string, params: unknown[]) => Promise<T[]>;
const hotQueries = new WeakMap<object, THotQuery>();

/**
 * A statement of the chat hot path. On PostgreSQL it goes straight to the pg pool, as a
 * prepared statement named by its marker (no Prisma query engine in between: that was 7%
 * of the route's CPU); on PGlite, or given a transaction, through the Prisma client, which
 * queues it behind PGlite's single connection or runs it in the transaction. Either way the
 * SQL must cast what it returns to types both drivers read alike: text, json, int4,
 * boolean, uuid, timestamptz, arrays of those (numeric comes back as a string from pg and a
 * Decimal from Prisma: read it with `new Decimal(x)` or cast it to text).
 */
export function hotQuery<T>(db: TDbClient, text: string, params: unknown[]): Promise<T[]> {
  const direct = hotQueries.get(db);
  return direct ? direct<T>(text, params) : db.$queryRawUnsafe<T[]>(text, ...params);
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
    // One pool for Prisma and the hot path's direct statements.
    const db = createPrismaClient(new PrismaPg(pool, { statementNameGenerator: hotPathStatementName }));
    hotQueries.set(db, async <T>(text: string, values: unknown[]) => {
      const name = hotPathStatementName({ sql: text });
      return (await pool.query(name ? { name, text, values } : { text, values })).rows as T[];
    });
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
