import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { diffMigrationsToSchema, SCHEMA_PATH } from "@/server/db/schema-engine";
import { MIGRATIONS_DIR } from "@/server/db/migrations";

// Prisma's own schema engine (WASM) replays the migrations on a shadow PGlite and
// diffs the result against schema.prisma: the same check as `prisma migrate diff --exit-code`.
describe("schema drift", () => {
  const schema = fs.readFileSync(SCHEMA_PATH, "utf8");

  it("the migrations build exactly the database that prisma/schema.prisma describes", async () => {
    const sql = await diffMigrationsToSchema({ schema, migrationsDir: MIGRATIONS_DIR });
    expect(sql, `schema.prisma and prisma/migrations disagree; run npm run db:migration -- <name>:\n${sql}`).toBe("");
  });

  it("a field added to the schema without a migration is reported as drift", async () => {
    const edited = schema.replace(/model Client \{\n/, 'model Client {\n  vatNumber String?\n');
    expect(edited).not.toBe(schema);
    const sql = await diffMigrationsToSchema({ schema: edited, migrationsDir: MIGRATIONS_DIR });
    expect(sql).toMatch(/ALTER TABLE "Client" ADD COLUMN\s+"vatNumber" TEXT/);
  });
});
