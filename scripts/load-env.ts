// Scripts see the same .env files that Next.js loads for the app. In embedded mode (no
// DATABASE_URL) a missing NEXTAUTH_SECRET is generated once and kept under .data/, so that
// `npm start` and the db:* scripts need no configuration; with PostgreSQL it must be set.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { loadEnvConfig } from "@next/env";

loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");

function ensureEmbeddedSecret() {
  if (process.env.DATABASE_URL || process.env.NEXTAUTH_SECRET) return;
  const dataDir = path.dirname(path.resolve(process.env.PGLITE_DATA_DIR || ".data/pglite"));
  const secretFile = path.join(dataDir, "nextauth-secret");
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(secretFile)) fs.writeFileSync(secretFile, randomBytes(32).toString("base64url"), { mode: 0o600 });
  process.env.NEXTAUTH_SECRET = fs.readFileSync(secretFile, "utf8").trim();
}

ensureEmbeddedSecret();
