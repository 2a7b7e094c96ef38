import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { pgConnection, pgliteConnection } from "@/server/db/client";
import { applyMigrations, MigrationError } from "@/server/db/migrate";
import { listMigrations, MIGRATIONS_DIR } from "@/server/db/migrations";
import { createPostgresDatabase } from "../../support/test-database";

type TMigrationRow = { migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number };

function tempMigrations(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meterline-migrations-"));
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

describe("migration runner [pglite]", () => {
  it("applies every migration once and records it as prisma migrate deploy does", async () => {
    const pglite = new PGlite();
    const conn = pgliteConnection(pglite);
    const first = await applyMigrations(conn);
    expect(first.applied).toEqual(listMigrations().map((m) => m.name));

    const rows = await conn.query<TMigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    for (const migration of listMigrations()) {
      const row = rows.find((r) => r.migration_name === migration.name);
      const fileHash = createHash("sha256").update(fs.readFileSync(path.join(MIGRATIONS_DIR, migration.name, "migration.sql"))).digest("hex");
      expect(row).toMatchObject({ checksum: fileHash, applied_steps_count: 1 });
      expect(row?.finished_at).toBeInstanceOf(Date);
    }

    const second = await applyMigrations(conn);
    expect(second.applied).toEqual([]);
    expect(await conn.query(`SELECT 1 FROM "_prisma_migrations"`)).toHaveLength(rows.length);
    await pglite.close();
  });

  it("a failing migration leaves nothing half-applied and is retried once fixed", async () => {
    const pglite = new PGlite();
    const conn = pgliteConnection(pglite);
    const dir = tempMigrations({
      "20260101000000_ok": 'CREATE TABLE "a" (id int);',
      "20260102000000_bad": 'CREATE TABLE "b" (id int);\nINSERT INTO "missing" VALUES (1);',
    });
    await expect(applyMigrations(conn, dir)).rejects.toBeInstanceOf(MigrationError);
    const tables = await conn.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('a', 'b')`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(["a"]);

    fs.writeFileSync(path.join(dir, "20260102000000_bad", "migration.sql"), 'CREATE TABLE "b" (id int);');
    const retried = await applyMigrations(conn, dir);
    expect(retried.applied).toEqual(["20260102000000_bad"]);
    await pglite.close();
  });
});

describe("migration runner [postgres]", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it("two instances starting at once apply each migration exactly once", async () => {
    const database = await createPostgresDatabase();
    cleanups.push(database.drop);
    const clients = [new pg.Client(database.url), new pg.Client(database.url)];
    await Promise.all(clients.map((c) => c.connect()));
    cleanups.push(async () => {
      await Promise.all(clients.map((c) => c.end()));
    });

    const results = await Promise.all(clients.map((c) => applyMigrations(pgConnection(c))));
    const appliedNames = results.flatMap((r) => r.applied).sort();
    expect(appliedNames).toEqual(listMigrations().map((m) => m.name));
    const { rows } = await clients[0]!.query(`SELECT migration_name FROM "_prisma_migrations"`);
    expect(rows).toHaveLength(listMigrations().length);
  });
});
