// Each client's alert settings: who gets alert emails, the signed webhook endpoint (its
// secret generated on save and returned in that response only), the daily summary opt-in,
// a test send, and an admin's resend of a failed message. Every change writes an audit
// entry in the same transaction.
import { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import type { TSessionUser } from "@/server/auth/session";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { eventSubject, notificationDedupeKey, type TAlertEvent } from "./alert-events";
import { alertRecipients } from "./alert-outbox";
import { generateWebhookSecret } from "./webhook-signing";
import { recordAudit } from "@/server/auth/audit-log";

export const MAX_ALERT_EMAILS = 10;
const LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

export const ZAlertEmails = z
  .array(z.string().trim().toLowerCase().pipe(z.email("must be an email address").max(254, "at most 254 characters")))
  .max(MAX_ALERT_EMAILS, `at most ${MAX_ALERT_EMAILS} addresses`)
  .transform((emails) => [...new Set(emails)]);

/** https://, or http:// to localhost (outside production: checked by setAlertWebhook). No credentials in the URL. */
export const ZWebhookUrl = z
  .string()
  .trim()
  .max(2048, "at most 2,048 characters")
  .pipe(z.url("must be a URL such as https://example.com/hooks/meterline"))
  .refine((value) => {
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.includes(url.hostname));
  }, "must be an https:// URL (http:// only for localhost, outside production)")
  .refine((value) => !URL.canParse(value) || (!new URL(value).username && !new URL(value).password), "must not carry a user name or password");

export const ZAlertSettings = z.object({
  clientId: z.string(),
  alertEmails: z.array(z.string()),
  webhookUrl: z.string().nullable(),
  webhookDisabledAt: z.date().nullable(),
  dailyUsageSummary: z.boolean(),
});
export type TAlertSettings = z.infer<typeof ZAlertSettings>;

const SELECT = { id: true, name: true, alertEmails: true, alertWebhookUrl: true, alertWebhookDisabledAt: true, dailyUsageSummary: true } as const;
type TSelected = { id: string; name: string; alertEmails: string[]; alertWebhookUrl: string | null; alertWebhookDisabledAt: Date | null; dailyUsageSummary: boolean };

function toSettings(client: TSelected): TAlertSettings {
  return {
    clientId: client.id,
    alertEmails: client.alertEmails,
    webhookUrl: client.alertWebhookUrl,
    webhookDisabledAt: client.alertWebhookDisabledAt,
    dailyUsageSummary: client.dailyUsageSummary,
  };
}

async function clientOrThrow(db: TDbClient, clientId: string): Promise<TSelected> {
  const client = await db.client.findUnique({ where: { id: clientId }, select: SELECT });
  if (!client) throw new AppError("NOT_FOUND", "No client with that id.", { id: clientId });
  return client;
}

function audit(db: TDbClient, input: { actor: TSessionUser; now: Date; action: string; clientId: string; before?: Prisma.InputJsonValue; after?: Prisma.InputJsonValue; entityType?: string; entityId?: string }) {
  return recordAudit(db, input.actor, input.now, {
    action: input.action,
    entityType: input.entityType ?? "Client",
    entityId: input.entityId ?? input.clientId,
    clientId: input.clientId,
    before: input.before,
    after: input.after,
  });
}

export const ZClientIdInput = z.object({ clientId: z.uuid("must be a client id") });

export async function getAlertSettings(db: TDbClient, input: z.input<typeof ZClientIdInput>): Promise<TAlertSettings> {
  const { clientId } = parseInput(ZClientIdInput, input);
  return toSettings(await clientOrThrow(db, clientId));
}

export const ZUpdateAlertSettingsInput = z.object({
  clientId: z.uuid("must be a client id"),
  alertEmails: ZAlertEmails,
  dailyUsageSummary: z.boolean(),
});

/** The alert emails and the daily summary opt-in. */
export async function updateAlertSettings(db: TDb, rawInput: z.input<typeof ZUpdateAlertSettingsInput>, actor: TSessionUser, now: Date): Promise<TAlertSettings> {
  const input = parseInput(ZUpdateAlertSettingsInput, rawInput);
  return inTransaction(db, async (tx) => {
    const before = await clientOrThrow(tx, input.clientId);
    const after = await tx.client.update({
      where: { id: input.clientId },
      data: { alertEmails: input.alertEmails, dailyUsageSummary: input.dailyUsageSummary },
      select: SELECT,
    });
    await audit(tx, {
      actor,
      now,
      action: "client.alert_settings",
      clientId: input.clientId,
      before: { alertEmails: before.alertEmails, dailyUsageSummary: before.dailyUsageSummary },
      after: { alertEmails: after.alertEmails, dailyUsageSummary: after.dailyUsageSummary },
    });
    return toSettings(after);
  });
}

export const ZSetAlertWebhookInput = z.object({
  clientId: z.uuid("must be a client id"),
  /** null removes the endpoint (and its secret). */
  url: ZWebhookUrl.nullable(),
});

export const ZSetAlertWebhookOutput = z.object({
  settings: ZAlertSettings,
  /** The new signing secret: in this response only. Null when the endpoint was removed. */
  secret: z.string().nullable(),
});

/**
 * Saves (or removes) the client's webhook endpoint. Saving generates a new signing secret,
 * returned here once (the dashboard shows it once; it is never read back), and re-enables
 * an endpoint a 410 disabled. The audit entry records the URL, never the secret.
 */
export async function setAlertWebhook(
  db: TDb,
  rawInput: z.input<typeof ZSetAlertWebhookInput>,
  actor: TSessionUser,
  now: Date,
  options: { allowHttpLocalhost: boolean },
): Promise<z.infer<typeof ZSetAlertWebhookOutput>> {
  const input = parseInput(ZSetAlertWebhookInput, rawInput);
  if (input.url && !options.allowHttpLocalhost && new URL(input.url).protocol !== "https:") {
    throw new AppError("BAD_REQUEST", "url: must be an https:// URL in production", { issues: [{ field: "url", message: "must be an https:// URL in production" }] });
  }
  const secret = input.url ? generateWebhookSecret() : null;
  return inTransaction(db, async (tx) => {
    const before = await clientOrThrow(tx, input.clientId);
    const after = await tx.client.update({
      where: { id: input.clientId },
      data: { alertWebhookUrl: input.url, alertWebhookSecret: secret, alertWebhookDisabledAt: null },
      select: SELECT,
    });
    await audit(tx, {
      actor,
      now,
      action: input.url ? "client.alert_webhook_set" : "client.alert_webhook_removed",
      clientId: input.clientId,
      before: { url: before.alertWebhookUrl, disabledAt: before.alertWebhookDisabledAt?.toISOString() ?? null },
      after: { url: input.url, secretRotated: Boolean(secret) },
    });
    return { settings: toSettings(after), secret };
  });
}

/** Queues an `alert.test` message to each of the client's recipients (emails, webhook). */
export async function sendTestAlert(db: TDb, input: z.input<typeof ZClientIdInput>, actor: TSessionUser, now: Date): Promise<{ queued: number }> {
  const { clientId } = parseInput(ZClientIdInput, input);
  return inTransaction(db, async (tx) => {
    const client = await clientOrThrow(tx, clientId);
    const recipients = alertRecipients(client);
    if (recipients.length === 0) {
      throw new AppError("NO_ALERT_RECIPIENTS", "This client has no alert recipients: add an alert email or a webhook URL first.", { clientId });
    }
    const event: TAlertEvent = {
      type: "alert.test",
      timestamp: now.toISOString(),
      data: { clientId, clientName: client.name, message: "This is a test of Meterline usage alerts. Real alerts look like this one and are signed the same way." },
    };
    const { count } = await tx.notification.createMany({
      data: recipients.map(({ channel, recipient }) => ({
        clientId,
        kind: event.type,
        channel,
        dedupeKey: notificationDedupeKey(event.type, `${clientId}:${now.toISOString()}`, channel, recipient),
        recipient,
        subject: eventSubject(event),
        payload: event as unknown as Prisma.InputJsonValue,
        nextAttemptAt: now,
        createdAt: now,
      })),
      skipDuplicates: true,
    });
    await audit(tx, { actor, now, action: "client.alert_test", clientId, after: { recipients: recipients.map((r) => `${r.channel}:${r.recipient}`) } });
    return { queued: count };
  });
}

export const ZResendNotificationInput = z.object({ id: z.uuid("must be a notification id") });

/**
 * An admin sends a failed message again: it goes back to pending, due now, with a fresh
 * set of attempts. A webhook whose endpoint is disabled or changed is refused (save the
 * URL again first: the receiver could not verify a message signed with the old secret).
 */
export async function resendNotification(
  db: TDb,
  rawInput: z.input<typeof ZResendNotificationInput>,
  actor: TSessionUser,
  now: Date,
): Promise<{ id: string; status: "pending" }> {
  const { id } = parseInput(ZResendNotificationInput, rawInput);
  return inTransaction(db, async (tx) => {
    const row = await tx.notification.findUnique({ where: { id }, select: { id: true, clientId: true, status: true, channel: true, recipient: true, attempts: true, lastError: true } });
    if (!row) throw new AppError("NOT_FOUND", "No notification with that id.", { id });
    if (row.status !== "failed") throw new AppError("NOTIFICATION_NOT_RESENDABLE", `Only a failed message can be resent; this one is ${row.status}.`, { id, status: row.status });
    if (row.channel === "webhook") {
      const client = await clientOrThrow(tx, row.clientId);
      if (client.alertWebhookUrl !== row.recipient) {
        throw new AppError("NOTIFICATION_NOT_RESENDABLE", "The client's webhook URL has changed since this message; send a test to the new one instead.", { id });
      }
      if (client.alertWebhookDisabledAt) {
        throw new AppError("NOTIFICATION_NOT_RESENDABLE", "The endpoint is disabled (it answered 410 Gone): save its URL again on the client's Alerts tab first.", { id });
      }
    }
    const { count } = await tx.notification.updateMany({
      where: { id, status: "failed" },
      data: { status: "pending", attempts: 0, nextAttemptAt: now, lockedUntil: null },
    });
    if (!count) throw new AppError("NOTIFICATION_NOT_RESENDABLE", "The message changed meanwhile; reload and try again.", { id });
    await audit(tx, {
      actor,
      now,
      action: "notification.resend",
      clientId: row.clientId,
      entityType: "Notification",
      entityId: id,
      before: { status: row.status, attempts: row.attempts, lastError: row.lastError },
      after: { status: "pending" },
    });
    return { id, status: "pending" as const };
  });
}
