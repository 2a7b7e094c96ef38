// The outbox's delivery worker. Each run claims due rows and sends them; several workers
// (app instances, `npm run worker` processes, the cron route) may run at once and each
// message is still sent once per attempt:
//
// Why a table with FOR UPDATE SKIP LOCKED rather than pg-boss or graphile-worker: both need
// their own schema, LISTEN/NOTIFY and long-lived pooled connections, which the embedded
// PGlite (one connection, in process) does not offer the way they expect, and the outbox
// already has to be a table the dashboard lists and an admin resends from. One UPDATE claims
// a batch: the subquery locks due rows SKIP LOCKED (another worker's claim in progress is
// skipped, not waited for) and the UPDATE sets a lease (`lockedUntil`), so after commit the
// row stays out of other workers' reach until the lease ends. A worker that dies mid-send
// lets the row go when its lease ends; the attempt it took counts. Results are written only
// while the lease is still the one taken (a fence), so a worker that outlived its lease
// cannot overwrite a newer attempt. The same SQL runs on PostgreSQL and PGlite.
import { Resend } from "resend";
import type { TDb } from "@/server/db/client";
import { ZAlertEvent } from "./alert-events";
import { renderAlertEmail } from "./alert-email";
import { nextAttemptAt } from "./notification-retry";
import { signedWebhookHeaders } from "./webhook-signing";

/** How emails leave: through Resend, or (no RESEND_API_KEY) rendered and kept for the dashboard's outbox. */
export type TEmailTransport = { kind: "stored" } | { kind: "resend"; resend: Resend; from: string };

export function emailTransportFromConfig(config: { apiKey?: string; baseUrl?: string; from: string }): TEmailTransport {
  if (!config.apiKey) return { kind: "stored" };
  return { kind: "resend", resend: new Resend(config.apiKey, config.baseUrl ? { baseUrl: config.baseUrl } : undefined), from: config.from };
}

export type TDeliveryOptions = {
  email: TEmailTransport;
  /** Per webhook attempt, headers and body (default 10 s): a hanging endpoint costs one timeout. */
  webhookTimeoutMs?: number;
  batchSize?: number;
  /** How long a claim lasts; longer than the slowest attempt (default 2 min). */
  leaseMs?: number;
  /** Jitter source for the retry schedule. */
  random?: () => number;
};

type TClaimed = {
  id: string;
  clientId: string;
  kind: string;
  channel: "email" | "webhook";
  recipient: string;
  subject: string | null;
  payload: unknown;
  attempts: number;
  lockedUntil: Date;
};

type TOutcome =
  | { ok: true; via: "resend" | "stored" | "webhook"; status: number | null }
  | { ok: false; error: string; status: number | null; permanent?: boolean; disableEndpoint?: boolean };

/** Claims up to `batchSize` due rows for this worker until now + lease; the attempt counts from here. */
export async function claimDueNotifications(db: TDb, now: Date, options: { batchSize?: number; leaseMs?: number } = {}): Promise<TClaimed[]> {
  const lockedUntil = new Date(now.getTime() + (options.leaseMs ?? 120_000));
  return db.$queryRaw<TClaimed[]>`
    UPDATE "Notification" n
    SET "lockedUntil" = ${lockedUntil}, attempts = n.attempts + 1
    FROM (
      SELECT id FROM "Notification"
      WHERE status = 'pending' AND "nextAttemptAt" <= ${now} AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${now})
      ORDER BY "nextAttemptAt", "createdAt", id
      LIMIT ${options.batchSize ?? 20}
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE n.id = due.id
    RETURNING n.id, n."clientId", n.kind, n.channel::text AS channel, n.recipient, n.subject, n.payload, n.attempts, n."lockedUntil"`;
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  const code = cause && "code" in cause ? String((cause as { code: unknown }).code) : null;
  return `could not reach the endpoint: ${code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))}`;
}

async function sendWebhook(db: TDb, row: TClaimed, now: Date, timeoutMs: number): Promise<TOutcome> {
  const client = await db.client.findUnique({
    where: { id: row.clientId },
    select: { alertWebhookUrl: true, alertWebhookSecret: true, alertWebhookDisabledAt: true },
  });
  // The endpoint as it is now decides: a URL changed or removed since the row was written,
  // or disabled by a 410, gets nothing (its old secret is gone too).
  if (!client || client.alertWebhookUrl !== row.recipient || !client.alertWebhookSecret) {
    return { ok: false, permanent: true, status: null, error: "the client's webhook URL changed or was removed after this message was queued" };
  }
  if (client.alertWebhookDisabledAt) {
    return { ok: false, permanent: true, status: null, error: `the endpoint is disabled since ${client.alertWebhookDisabledAt.toISOString()} (it answered 410 Gone); save the URL again to re-enable it` };
  }
  const body = JSON.stringify(row.payload);
  let response: Response;
  try {
    response = await fetch(row.recipient, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Meterline-Webhooks/1.0",
        ...signedWebhookHeaders(client.alertWebhookSecret, { id: row.id, timestamp: now, body }),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    // Only the status matters; the body is dropped (bounded by the same timeout).
    await response.body?.cancel().catch(() => {});
  } catch (error) {
    return { ok: false, status: null, error: describeFetchError(error, timeoutMs) };
  }
  if (response.status >= 200 && response.status < 300) return { ok: true, via: "webhook", status: response.status };
  if (response.status === 410) {
    return { ok: false, status: 410, permanent: true, disableEndpoint: true, error: "the endpoint answered 410 Gone: it is disabled until an admin saves its URL again" };
  }
  return { ok: false, status: response.status, error: `the endpoint answered HTTP ${response.status}` };
}

async function sendEmail(row: TClaimed, transport: TEmailTransport): Promise<TOutcome> {
  const event = ZAlertEvent.safeParse(row.payload);
  if (!event.success) return { ok: false, permanent: true, status: null, error: `the stored event cannot be rendered: ${event.error.issues[0]?.message ?? "invalid"}` };
  const email = await renderAlertEmail(event.data);
  if (transport.kind === "stored") return { ok: true, via: "stored", status: null };
  const { data, error } = await transport.resend.emails.send(
    { from: transport.from, to: [row.recipient], subject: row.subject ?? email.subject, html: email.html, text: email.text },
    // Resend drops a second send with the same key (24 h): a retry after a lost answer sends once.
    { idempotencyKey: `notification-${row.id}` },
  );
  if (error || !data) {
    const status = error && "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : null;
    // 4xx other than 429 will not get better by retrying (bad address, unverified domain).
    const permanent = status !== null && status >= 400 && status < 500 && status !== 429;
    return { ok: false, status, permanent, error: `Resend refused the email${status ? ` (HTTP ${status})` : ""}: ${error?.message ?? "no answer"}` };
  }
  return { ok: true, via: "resend", status: 200 };
}

export type TDeliveryResult = { claimed: number; sent: number; retrying: number; failed: number };

async function recordOutcome(db: TDb, row: TClaimed, outcome: TOutcome, now: Date, random: () => number): Promise<"sent" | "retrying" | "failed" | "lost"> {
  const fence = { id: row.id, lockedUntil: row.lockedUntil, status: "pending" as const };
  if (outcome.ok) {
    const { count } = await db.notification.updateMany({
      where: fence,
      data: { status: "sent", sentAt: now, lockedUntil: null, lastError: null, deliveredVia: outcome.via, responseStatus: outcome.status },
    });
    return count ? "sent" : "lost";
  }
  const next = outcome.permanent ? null : nextAttemptAt(row.attempts, now, random);
  const { count } = await db.notification.updateMany({
    where: fence,
    data: next
      ? { status: "pending", nextAttemptAt: next, lockedUntil: null, lastError: outcome.error, responseStatus: outcome.status }
      : { status: "failed", lockedUntil: null, lastError: outcome.error, responseStatus: outcome.status },
  });
  if (!count) return "lost";
  const where = `${row.kind} ${row.channel} to ${row.recipient} (notification ${row.id}, client ${row.clientId}, attempt ${row.attempts})`;
  if (outcome.disableEndpoint) {
    // 410 Gone: the receiver asks us to stop. The endpoint is disabled and what else is
    // queued for it fails now rather than retrying for a day.
    await db.client.updateMany({ where: { id: row.clientId, alertWebhookUrl: row.recipient }, data: { alertWebhookDisabledAt: now } });
    await db.notification.updateMany({
      where: { clientId: row.clientId, channel: "webhook", recipient: row.recipient, status: "pending", lockedUntil: null },
      data: { status: "failed", lastError: "the endpoint answered 410 Gone to another message and is disabled" },
    });
    console.warn(`alert outbox: ${where}: the endpoint answered 410 Gone; webhook disabled for the client until an admin saves the URL again.`);
  } else if (!next) {
    console.warn(`alert outbox: ${where} failed for good: ${outcome.error}`);
  } else {
    console.warn(`alert outbox: ${where} failed (${outcome.error}); next attempt at ${next.toISOString()}.`);
  }
  return next ? "retrying" : "failed";
}

/** Claims due rows and delivers them (in parallel within a batch). */
export async function deliverDueNotifications(db: TDb, now: Date, options: TDeliveryOptions): Promise<TDeliveryResult> {
  const claimed = await claimDueNotifications(db, now, options);
  const result: TDeliveryResult = { claimed: claimed.length, sent: 0, retrying: 0, failed: 0 };
  const timeoutMs = options.webhookTimeoutMs ?? 10_000;
  const random = options.random ?? Math.random;
  await Promise.all(
    claimed.map(async (row) => {
      let outcome: TOutcome;
      try {
        outcome = row.channel === "webhook" ? await sendWebhook(db, row, now, timeoutMs) : await sendEmail(row, options.email);
      } catch (error) {
        // A bug or a database error while sending: retried like any failure, and logged whole.
        console.error(`alert outbox: sending notification ${row.id} threw:`, error);
        outcome = { ok: false, status: null, error: `internal error while sending: ${error instanceof Error ? error.message : String(error)}` };
      }
      const recorded = await recordOutcome(db, row, outcome, now, random);
      if (recorded === "lost") {
        console.warn(`alert outbox: notification ${row.id}'s lease ended before its result was written; another worker owns it now.`);
      } else result[recorded]++;
    }),
  );
  return result;
}
