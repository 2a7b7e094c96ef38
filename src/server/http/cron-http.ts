// The scheduled jobs as HTTP endpoints, for a scheduler (cron, Vercel Cron, Kubernetes
// CronJob) that can only call a URL:
//   POST|GET /api/cron/billing-run   invoices every active client for a closed month
//                                    (default: the month before now; `?period=2026-10`)
//   POST|GET /api/cron/overdue       pending invoices past their due date become overdue
//   POST|GET /api/cron/expire-attempts  chat attempts whose process died give their
//                                    reservations back and are marked abandoned (every few minutes)
//   POST|GET /api/cron/alerts        one pass of the alert outbox worker: resolve ended periods'
//                                    alerts, fan alerts out, queue daily summaries, deliver (every minute)
// All want `Authorization: Bearer <CRON_SECRET>`; without CRON_SECRET set they answer
// 503 rather than run unprotected. Both are safe to call twice (the run is idempotent and
// resumable; overdue moves only rows still pending).
import { createHash, timingSafeEqual } from "node:crypto";
import type { TDb } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZPeriod, periodOf } from "@/server/usage/period";
import { expireChatAttempts } from "@/server/chat/chat-attempts";
import { markOverdueInvoices } from "@/server/billing/invoice-status";
import { runBilling } from "@/server/billing/run-billing";
import { clockNow } from "@/server/clock";
import { runAlertWorkerTick } from "@/server/alerts/alert-worker";
import type { TDeliveryOptions } from "@/server/alerts/deliver-notifications";

export const CRON_ACTOR = { id: null, email: "system:cron" } as const;

type TDeps = {
  getDb: () => Promise<TDb>;
  cronSecret: () => string | undefined;
  now?: () => Date;
  alertDelivery?: () => TDeliveryOptions;
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } });
}

const digest = (value: string) => createHash("sha256").update(value).digest();

function assertAuthorized(request: Request, secret: string | undefined): void {
  if (!secret) throw new AppError("PROVIDERS_UNAVAILABLE", "Scheduled jobs are not configured: set CRON_SECRET.", { missing: ["CRON_SECRET"] });
  const header = request.headers.get("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
  // Compared as digests: equal length, constant time.
  if (!token || !timingSafeEqual(digest(token), digest(secret))) {
    throw new AppError("UNAUTHORIZED", "Send the CRON_SECRET as `Authorization: Bearer <secret>`.");
  }
}

/** The month before `now`: the one a run on the 1st invoices. */
export function previousPeriod(now: Date): string {
  return periodOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
}

export function createCronHandlers(deps: TDeps) {
  const guarded = (job: (request: Request, now: Date) => Promise<unknown>) => async (request: Request): Promise<Response> => {
    try {
      assertAuthorized(request, deps.cronSecret());
      const result = await job(request, deps.now?.() ?? clockNow());
      return json(200, result);
    } catch (error) {
      if (error instanceof AppError) return json(error.httpStatus, { error: error.message, code: error.code, ...error.data });
      console.error("cron job failed:", error);
      return json(500, { error: "The job failed; see the server log. It is safe to call again." });
    }
  };

  return {
    billingRun: guarded(async (request, now) => {
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
    overdue: guarded(async (_request, now) => ({ markedOverdue: await markOverdueInvoices(await deps.getDb(), now), at: now.toISOString() })),
    expireAttempts: guarded(async (_request, now) => ({ abandoned: await expireChatAttempts(await deps.getDb(), now), at: now.toISOString() })),
    alerts: guarded(async (_request, now) => ({
      ...(await runAlertWorkerTick(await deps.getDb(), now, deps.alertDelivery?.() ?? { email: { kind: "stored" } })),
      at: now.toISOString(),
    })),
  };
}
