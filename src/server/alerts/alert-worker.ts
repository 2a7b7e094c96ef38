// One run of the alert worker, and the loop that repeats it (inside `npm start`, in
// `npm run worker`). A run: resolves the alerts of ended periods, fans alerts out into
// the outbox, queues the day's usage summaries, then delivers what is due. Every step is
// safe with any number of workers running at once (see alert-outbox.ts and
// deliver-notifications.ts), so the same run also backs the cron route.
import type { TDb } from "@/server/db/client";
import { fanOutAlerts, type TFanOutResult } from "./alert-outbox";
import { enqueueDailySummaries } from "./daily-summary";
import { deliverDueNotifications, type TDeliveryOptions, type TDeliveryResult } from "./deliver-notifications";
import { resolveEndedPeriodAlerts } from "./resolve-alerts";

export type TAlertWorkerResult = { resolvedAlerts: number; fannedOut: TFanOutResult; summariesQueued: number; delivery: TDeliveryResult };

export async function runAlertWorkerTick(db: TDb, now: Date, options: TDeliveryOptions & { maxDeliveryBatches?: number }): Promise<TAlertWorkerResult> {
  const resolvedAlerts = await resolveEndedPeriodAlerts(db, now);
  const fannedOut = await fanOutAlerts(db, now);
  const summariesQueued = await enqueueDailySummaries(db, now);
  const delivery: TDeliveryResult = { claimed: 0, sent: 0, retrying: 0, failed: 0 };
  const batchSize = options.batchSize ?? 20;
  for (let batch = 0; batch < (options.maxDeliveryBatches ?? 10); batch++) {
    const result = await deliverDueNotifications(db, now, { ...options, batchSize });
    delivery.claimed += result.claimed;
    delivery.sent += result.sent;
    delivery.retrying += result.retrying;
    delivery.failed += result.failed;
    if (result.claimed < batchSize) break;
  }
  return { resolvedAlerts, fannedOut, summariesQueued, delivery };
}

export type TAlertWorkerLoop = { stop(): Promise<void> };

/**
 * Runs a tick every `intervalMs` (never two at once in this process) until stopped. A
 * failing tick never throws out of the loop: the error is logged once, a repeat of the same
 * error only once every five minutes with how many times it happened, and the loop waits
 * longer (doubling, up to five minutes) while the database is unreachable or busy.
 */
export function startAlertWorkerLoop(input: {
  getDb: () => Promise<TDb>;
  now: () => Date;
  options: () => TDeliveryOptions;
  intervalMs: number;
  label: string;
}): TAlertWorkerLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let failures = 0;
  let lastError: { message: string; loggedAt: number; repeats: number } | null = null;

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick();
    }, delay);
    timer.unref?.();
  };

  const tick = async () => {
    try {
      const result = await runAlertWorkerTick(await input.getDb(), input.now(), input.options());
      if (lastError) console.log(`${input.label}: working again after ${failures} failed run(s).`);
      failures = 0;
      lastError = null;
      const { delivery, fannedOut, resolvedAlerts, summariesQueued } = result;
      if (delivery.claimed || fannedOut.notifications || resolvedAlerts || summariesQueued) {
        console.log(
          `${input.label}: ${fannedOut.notifications} queued from ${fannedOut.crossed} crossed / ${fannedOut.resolved} resolved alert(s), ${summariesQueued} summaries, ` +
            `${delivery.sent} sent, ${delivery.retrying} to retry, ${delivery.failed} failed, ${resolvedAlerts} alert(s) of ended periods resolved.`,
        );
      }
    } catch (error) {
      failures++;
      const message = error instanceof Error ? error.message : String(error);
      const nowMs = Date.now();
      if (!lastError || lastError.message !== message) {
        console.error(`${input.label}: a run failed (it will be retried):`, error);
        lastError = { message, loggedAt: nowMs, repeats: 0 };
      } else {
        lastError.repeats++;
        if (nowMs - lastError.loggedAt >= 5 * 60_000) {
          console.error(`${input.label}: still failing (${lastError.repeats} more time(s) in the last 5 minutes): ${message}`);
          lastError = { message, loggedAt: nowMs, repeats: 0 };
        }
      }
    } finally {
      schedule(failures ? Math.min(input.intervalMs * 2 ** failures, 5 * 60_000) : input.intervalMs);
    }
  };

  schedule(input.intervalMs);
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
