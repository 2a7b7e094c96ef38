// Fan-out: usage alerts become outbox rows (Notification), one per recipient: each of the
// client's alert emails, and its webhook endpoint when it has one that is not disabled.
// The chat's settle statement writes only the UsageAlert; this runs in the worker, in one
// transaction with marking the alerts notified, so an alert is fanned out once: the alerts
// are claimed FOR UPDATE SKIP LOCKED (two workers take different alerts), and the unique
// dedupeKey makes a repeated run add nothing even if it saw the same alert.
import Decimal from "decimal.js";
import type { Prisma } from "@/generated/prisma/client";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { eventSubject, notificationDedupeKey, type TAlertData, type TAlertEvent } from "./alert-events";

type TDueAlert = {
  id: string;
  clientId: string;
  clientName: string;
  period: string;
  limitKey: string;
  counter: string;
  threshold: number;
  limit: string;
  value: string;
  planKey: string;
  upgradeUrl: string | null;
  crossedAt: Date;
  resolvedAt: Date | null;
  resolvedReason: string | null;
  notifiedAt: Date | null;
  resolvedNotifiedAt: Date | null;
  alertEmails: string[];
  alertWebhookUrl: string | null;
  alertWebhookDisabledAt: Date | null;
};

export type TAlertRecipient = { channel: "email" | "webhook"; recipient: string };

/** Who hears about a client's alerts: each alert email, and the webhook unless it is disabled (410). */
export function alertRecipients(client: { alertEmails: string[]; alertWebhookUrl: string | null; alertWebhookDisabledAt: Date | null }): TAlertRecipient[] {
  return [
    ...client.alertEmails.map((recipient) => ({ channel: "email" as const, recipient })),
    ...(client.alertWebhookUrl && !client.alertWebhookDisabledAt ? [{ channel: "webhook" as const, recipient: client.alertWebhookUrl }] : []),
  ];
}

function alertData(alert: TDueAlert): TAlertData {
  return {
    alertId: alert.id,
    clientId: alert.clientId,
    clientName: alert.clientName,
    period: alert.period,
    limitKey: alert.limitKey,
    counter: alert.counter,
    threshold: alert.threshold,
    // toFixed(): the stored NUMERIC's digits without its trailing zeros and never in exponent form.
    limit: new Decimal(alert.limit).toFixed(),
    value: new Decimal(alert.value).toFixed(),
    planKey: alert.planKey,
    upgradeUrl: alert.upgradeUrl,
  };
}

function notificationRows(alert: TDueAlert, event: TAlertEvent, createdAt: Date, now: Date): Prisma.NotificationCreateManyInput[] {
  const subject = eventSubject(event);
  return alertRecipients(alert).map(({ channel, recipient }) => ({
    clientId: alert.clientId,
    kind: event.type,
    alertId: alert.id,
    channel,
    dedupeKey: notificationDedupeKey(event.type, alert.id, channel, recipient),
    metric: alert.limitKey,
    threshold: alert.threshold,
    period: alert.period,
    recipient,
    subject,
    payload: event as unknown as Prisma.InputJsonValue,
    nextAttemptAt: now,
    createdAt,
  }));
}

export type TFanOutResult = { crossed: number; resolved: number; notifications: number };

async function fanOutBatch(tx: TDbClient, now: Date, batchSize: number): Promise<TFanOutResult & { claimed: number }> {
  const due = await tx.$queryRaw<TDueAlert[]>`
    SELECT a.id, a."clientId", c.name AS "clientName", a.period, a."limitKey", a.counter, a.threshold,
           a."limit"::text AS "limit", a.value::text AS value, a."planKey", p."upgradeUrl",
           a."crossedAt", a."resolvedAt", a."resolvedReason", a."notifiedAt", a."resolvedNotifiedAt",
           c."alertEmails", c."alertWebhookUrl", c."alertWebhookDisabledAt"
    FROM "UsageAlert" a
    JOIN "Client" c ON c.id = a."clientId"
    LEFT JOIN "PlanConfig" p ON p.key = a."planKey"
    WHERE a."notifiedAt" IS NULL OR (a."resolvedAt" IS NOT NULL AND a."resolvedNotifiedAt" IS NULL)
    ORDER BY a."crossedAt", a.id
    LIMIT ${batchSize}
    FOR UPDATE OF a SKIP LOCKED`;
  if (due.length === 0) return { claimed: 0, crossed: 0, resolved: 0, notifications: 0 };

  const rows: Prisma.NotificationCreateManyInput[] = [];
  const crossedIds: string[] = [];
  const resolvedIds: string[] = [];
  // Resolution rows are stamped a millisecond later: the worker sends in (nextAttemptAt,
  // createdAt) order, so a crossing and its resolution due together go out in that order.
  const later = new Date(now.getTime() + 1);
  for (const alert of due) {
    const data = alertData(alert);
    if (!alert.notifiedAt) {
      crossedIds.push(alert.id);
      rows.push(...notificationRows(alert, { type: "alert.threshold_crossed", timestamp: alert.crossedAt.toISOString(), data }, now, now));
    }
    if (alert.resolvedAt && !alert.resolvedNotifiedAt) {
      resolvedIds.push(alert.id);
      const event: TAlertEvent = {
        type: "alert.resolved",
        timestamp: alert.resolvedAt.toISOString(),
        data: { ...data, resolvedReason: alert.resolvedReason ?? "resolved" },
      };
      rows.push(...notificationRows(alert, event, later, now));
    }
  }
  const created = rows.length ? await tx.notification.createMany({ data: rows, skipDuplicates: true }) : { count: 0 };
  if (crossedIds.length) await tx.usageAlert.updateMany({ where: { id: { in: crossedIds }, notifiedAt: null }, data: { notifiedAt: now } });
  if (resolvedIds.length) await tx.usageAlert.updateMany({ where: { id: { in: resolvedIds }, resolvedNotifiedAt: null }, data: { resolvedNotifiedAt: now } });
  return { claimed: due.length, crossed: crossedIds.length, resolved: resolvedIds.length, notifications: created.count };
}

/**
 * Turns every alert not yet told about (crossed, or resolved since) into outbox rows, in
 * batches of `batchSize` alerts, each batch one transaction. Returns what it did.
 */
export async function fanOutAlerts(db: TDb, now: Date, options: { batchSize?: number; maxBatches?: number } = {}): Promise<TFanOutResult> {
  const batchSize = options.batchSize ?? 200;
  const total: TFanOutResult = { crossed: 0, resolved: 0, notifications: 0 };
  for (let batch = 0; batch < (options.maxBatches ?? 20); batch++) {
    const result = await inTransaction(db, (tx) => fanOutBatch(tx, now, batchSize));
    total.crossed += result.crossed;
    total.resolved += result.resolved;
    total.notifications += result.notifications;
    if (result.claimed < batchSize) break;
  }
  return total;
}
