import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction, openDatabase, type TDatabase } from "@/server/db/client";
import { acquirePgliteLock, DatabaseLockedError, lockPathFor } from "@/server/db/pglite-lock";
import { createTestAdmin, createTestClient } from "../../support/fixtures";

describe("embedded PGlite database", () => {
  let database: TDatabase;
  let pglite: PGlite;

  beforeAll(async () => {
    pglite = new PGlite();
    database = await openDatabase({ kind: "pglite", pglite, migrate: true });
  });
  afterAll(async () => {
    await database.close();
    await pglite.close();
  });

  it("concurrent interactive transactions queue on the one connection instead of interleaving", async () => {
    const client = await createTestClient(database.db);
    await database.db.usageCounter.create({ data: { clientId: client.id, period: "2026-11", metric: "messages", value: 0 } });
    // Read-modify-write with a pause in the middle: interleaved transactions would lose updates.
    const increment = () =>
      inTransaction(database.db, async (tx) => {
        const row = await tx.usageCounter.findUniqueOrThrow({
          where: { clientId_period_metric: { clientId: client.id, period: "2026-11", metric: "messages" } },
        });
        await new Promise((resolve) => setTimeout(resolve, 5));
        await tx.usageCounter.update({
          where: { clientId_period_metric: { clientId: client.id, period: "2026-11", metric: "messages" } },
          data: { value: row.value.plus(1) },
        });
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    const final = await database.db.usageCounter.findUniqueOrThrow({
      where: { clientId_period_metric: { clientId: client.id, period: "2026-11", metric: "messages" } },
    });
    expect(final.value.toNumber()).toBe(20);
  });

  it("secrets stay out of results, inside transactions too", async () => {
    const admin = await createTestAdmin(database.db, "viewer");
    const outside = await database.db.adminUser.findUniqueOrThrow({ where: { id: admin.id } });
    const inside = await inTransaction(database.db, (tx) => tx.adminUser.findUniqueOrThrow({ where: { id: admin.id } }));
    expect(outside).not.toHaveProperty("passwordHash");
    expect(inside).not.toHaveProperty("passwordHash");
  });
});

describe("PGlite directory lock", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "meterline-lock-"));
  const dataDir = path.join(dir, "pglite");

  it("a second process is refused while the owner is alive, with what to do instead", () => {
    // The parent process (vitest's main process) stands in for a running app.
    fs.writeFileSync(lockPathFor(dataDir), String(process.ppid));
    expect(() => acquirePgliteLock(dataDir)).toThrow(DatabaseLockedError);
    expect(() => acquirePgliteLock(dataDir)).toThrow(/open in another process .*Stop it first, or run against PostgreSQL/);
    fs.unlinkSync(lockPathFor(dataDir));
  });

  it("a lock left by a dead process is taken over, and released on close", async () => {
    fs.writeFileSync(lockPathFor(dataDir), "999999999");
    const database = await openDatabase({ kind: "pglite", dataDir, migrate: true });
    expect(fs.readFileSync(lockPathFor(dataDir), "utf8")).toBe(String(process.pid));
    await database.close();
    expect(fs.existsSync(lockPathFor(dataDir))).toBe(false);
  });
});
