// The scheduled jobs as HTTP endpoints, for a scheduler (cron, Vercel Cron, Kubernetes
// CronJob) that can only call a URL:
//   POST|GET /api/cron/billing-run   invoices every active client for a closed month
//                                    (default: the month before now; `?period=2026-10`)
//   POST|GET /api/cron/overdue       pending invoices past their due date become overdue
//   POST|GET /api/cron/expire-attempts  chat attempts whose process died give their
//                                    reservations back and are marked abandoned (every few minutes)
//   POST|GET /api/cron/alerts        one pass of the alert outbox worker: resolve ended periods'
//                                    alerts, fan alerts out, queue daily summaries, deliver (every minute)
// All want `Authorization: Bearer <CRON_SECRET>` (withCronSecret); without CRON_SECRET set
// they answer 503 CRON_NOT_CONFIGURED rather than run unprotected. All are safe to call
// twice (the run is idempotent and resumable; overdue moves only rows still pending).
import type { TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZPeriod, periodOf } from "@/server/usage/period";
import { expireChatAttempts } from "@/server/chat/chat-attempts";
import { markOverdueInvoices } from "@/server/billing/invoice-status";
import { runBilling } from "@/server/billing/run-billing";
import { runAlertWorkerTick } from "@/server/alerts/alert-worker";
import type { TDeliveryOptions } from "@/server/alerts/deliver-notifications";
import { withCronSecret } from "./with-cron-secret";

export const CRON_ACTOR = { id: null, email: "system:cron" } as const;

type TDeps = {
  getDb: () => Promise<TDb>;
  cronSecret: () => string | undefined;
  now?: () => Date;
  alertDelivery?: () => TDeliveryOptions;
};

/** The month before `now`: the one a run on the 1st invoices. */
export function previousPeriod(now: Date): string {
  return periodOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
}

export function createCronHandlers(deps: TDeps) {
  const guarded = (what: string, job: (request: Request, now: Date) => Promise<unknown>) => withCronSecret(deps, what, job);

  return {
    billingRun: guarded("billing-run", async (request, now) => {
      const requested = new URL(request.url).searchParams.get("period");
      const period = requested ?? previousPeriod(now);
      const parsed = ZPeriod.safeParse(period);
      if (!parsed.success) throw new AppError("BAD_REQUEST", `period: "${period}" is not a month written YYYY-MM.`, { period });
      const result = await runBilling(await deps.getDb(), {
        period: parsed.data,
        now,
        actor: CRON_ACTOR,
        onProgress: ({ done, total }) => {
          if (done === total || done % 500 === 0) console.log(`billing run ${parsed.data}: ${done}/${total} clients`);
        },
      });
      return result;
    }),
    overdue: guarded("overdue", async (_request, now) => ({ markedOverdue: await markOverdueInvoices(await deps.getDb(), now), at: now.toISOString() })),
    expireAttempts: guarded("expire-attempts", async (_request, now) => ({ abandoned: await expireChatAttempts(await deps.getDb(), now), at: now.toISOString() })),
    alerts: guarded("alerts", async (_request, now) => ({
      ...(await runAlertWorkerTick(await deps.getDb(), now, deps.alertDelivery?.() ?? { email: { kind: "stored" } })),
      at: now.toISOString(),
    })),
  };
}
