// `prisma generate` works offline, but without PRISMA_SCHEMA_ENGINE_BINARY it tries
// to download the native schema engine first (which generate never uses). Point the
// variable at any existing file so nobody has to remember this.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const result = spawnSync("npx", ["prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
