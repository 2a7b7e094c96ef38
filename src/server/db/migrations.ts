// Reads Prisma-layout migrations: prisma/migrations/<timestamp>_<name>/migration.sql.
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";

export const MIGRATIONS_DIR = path.resolve(process.cwd(), "prisma/migrations");

export type TMigration = { name: string; sql: string; checksum: string };

/** Migrations in the order they apply (directory names start with a timestamp). */
export function listMigrations(dir: string = MIGRATIONS_DIR): TMigration[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      // Prisma's checksum: sha256 of the file's bytes, hex.
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}
