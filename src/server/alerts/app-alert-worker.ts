// The alert worker inside the app's own process (`npm start`), started once from
// src/instrumentation.ts. Off with METERLINE_WORKER=off (run `npm run worker` or the cron
// route instead). It shares the app's database (on PGlite, the one connection).
import { env } from "@/env";
import { clockNow } from "@/server/clock";
import { getDb } from "@/server/db/client";
import { alertDeliveryOptionsFromEnv } from "./alert-worker-config";
import { startAlertWorkerLoop, type TAlertWorkerLoop } from "./alert-worker";

const globalForWorker = globalThis as unknown as { __meterlineAlertWorker?: TAlertWorkerLoop };

export function startAppAlertWorker(): void {
  if (globalForWorker.__meterlineAlertWorker) return;
  let config;
  try {
    config = env();
  } catch (error) {
    // The app reports a bad environment on its first request; the worker just does not start.
    console.error("alert worker: not started, the environment is invalid:", error instanceof Error ? error.message : error);
    return;
  }
  if (config.METERLINE_WORKER === "off") {
    console.log("alert worker: off in this process (METERLINE_WORKER=off).");
    return;
  }
  globalForWorker.__meterlineAlertWorker = startAlertWorkerLoop({
    getDb,
    now: clockNow,
    options: alertDeliveryOptionsFromEnv,
    intervalMs: config.ALERT_WORKER_INTERVAL_MS,
    label: "alert worker",
  });
  console.log(`alert worker: running every ${config.ALERT_WORKER_INTERVAL_MS / 1000} s in this process (emails ${config.RESEND_API_KEY ? "through Resend" : "stored in the outbox: no RESEND_API_KEY"}).`);
}
