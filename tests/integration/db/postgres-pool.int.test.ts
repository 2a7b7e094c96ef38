import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestDatabase, type TTestDatabase } from "../../support/test-database";

describe("PostgreSQL connection pool", () => {
  let database: TTestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase("postgres");
  });
  afterAll(async () => {
    await database.close();
  });

  it("an idle connection the server terminates is replaced, and the process keeps running", async () => {
    // One query leaves a connection idle in the pool.
    const backendPid = async () => (await database.sql.query<{ pid: number }>("SELECT pg_backend_pid() AS pid"))[0]!.pid;
    const pid = await backendPid();
    const warned = new Promise<string>((resolve) => {
      vi.spyOn(console, "warn").mockImplementationOnce((message: string) => resolve(message));
    });

    // What a server restart or failover does to that connection. Without the pool's
    // error listener this is an uncaught exception that kills the test worker.
    const killer = new pg.Client({ connectionString: database.url! });
    await killer.connect();
    try {
      const { rows } = await killer.query<{ done: boolean }>("SELECT pg_terminate_backend($1) AS done", [pid]);
      expect(rows[0]?.done).toBe(true);
    } finally {
      await killer.end();
    }

    expect(await warned).toMatch(/idle pooled connection was closed by the server.*terminating connection/);
    expect(await backendPid()).not.toBe(pid);
    vi.restoreAllMocks();
  });
});
