import "./load-env";
// npm run worker: the alert outbox worker as its own process (resolve ended periods' alerts,
// fan alerts out, queue daily summaries, deliver). Run as many as you like against one
// PostgreSQL, next to app instances started with METERLINE_WORKER=off. `--once` runs one
// pass and exits (for a scheduler). On the embedded PGlite the app's process owns the
// database: this refuses while the app runs (its built-in worker does the job).
import { env } from "@/env";
import { alertDeliveryOptionsFromEnv } from "@/server/alerts/alert-worker-config";
import { runAlertWorkerTick, startAlertWorkerLoop } from "@/server/alerts/alert-worker";
import { clockNow } from "@/server/clock";
import { databaseOptionsFromEnv, openDatabase } from "@/server/db/client";

async function main() {
  const config = env();
  const database = await openDatabase(databaseOptionsFromEnv());
  if (process.argv.includes("--once")) {
    try {
      const result = await runAlertWorkerTick(database.db, clockNow(), alertDeliveryOptionsFromEnv());
      console.log(JSON.stringify(result));
    } finally {
      await database.close();
    }
    return;
  }
  const loop = startAlertWorkerLoop({
    getDb: async () => database.db,
    now: clockNow,
    options: alertDeliveryOptionsFromEnv,
    intervalMs: config.ALERT_WORKER_INTERVAL_MS,
    label: "alert worker",
  });
  console.log(`alert worker: running every ${config.ALERT_WORKER_INTERVAL_MS / 1000} s on ${database.kind}; Ctrl-C stops it after the current pass.`);
  const stop = async () => {
    await loop.stop();
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  // The loop's timer is unref'd so that tests can stop it; this keeps the process alive.
  setInterval(() => {}, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
