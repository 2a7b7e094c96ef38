import path from "node:path";
import { defineConfig } from "vitest/config";

// A pinned clock (APP_NOW) is shared by every process of the run (see src/server/clock.ts).
if (process.env.APP_NOW && !process.env.APP_NOW_SINCE) process.env.APP_NOW_SINCE = String(Date.now());
const alias = {
  "@": path.resolve(import.meta.dirname, "src"),
  // "server-only" throws outside React server components; tests call server code directly.
  "server-only": path.resolve(import.meta.dirname, "tests/support/server-only-stub.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["src/**/*.test.ts"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.int.test.ts"],
          environment: "node",
          globalSetup: ["tests/support/global-setup.ts"],
          // PGlite boots in ~2 s and PostgreSQL databases are created per file;
          // two workers keep both cores busy without thrashing.
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
