// The wrapper of the scheduled jobs' endpoints: `Authorization: Bearer <CRON_SECRET>`,
// compared in constant time. Without CRON_SECRET set they answer 503 CRON_NOT_CONFIGURED
// rather than run unprotected. Errors answer in the one JSON shape (toErrorResponse).
import { createHash, timingSafeEqual } from "node:crypto";
import { AppError } from "@/server/errors/app-error";
import { clockNow } from "@/server/clock";
import { jsonResponse, toErrorResponse } from "./error-response";

type TOptions = {
  cronSecret: () => string | undefined;
  /** The instant a job runs at; default the app's clock. */
  now?: () => Date;
};

const digest = (value: string) => createHash("sha256").update(value).digest();

function assertCronSecret(request: Request, secret: string | undefined): void {
  if (!secret) throw new AppError("CRON_NOT_CONFIGURED", "Scheduled jobs are not configured: set CRON_SECRET.", { missing: ["CRON_SECRET"] });
  const header = request.headers.get("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
  // Compared as digests: equal length, constant time.
  if (!token || !timingSafeEqual(digest(token), digest(secret))) {
    throw new AppError("UNAUTHORIZED", "Send the CRON_SECRET as `Authorization: Bearer <secret>`.");
  }
}

/** A job as an endpoint: its result is the 200 JSON body. */
export function withCronSecret(options: TOptions, what: string, job: (request: Request, now: Date) => Promise<unknown>) {
  return async (request: Request): Promise<Response> => {
    try {
      assertCronSecret(request, options.cronSecret());
      return jsonResponse(200, await job(request, options.now?.() ?? clockNow()));
    } catch (error) {
      return toErrorResponse(error, { what: `cron job ${what}`, message: "The job failed; see the server log. It is safe to call again." });
    }
  };
}
