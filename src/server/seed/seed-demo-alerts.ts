// Demo usage alerts and their outbox, so that `npm start` shows the Alerts page at work:
// last period, a client crossed 80% of its message limit, was told by email (stored: no
// email API key in the demo) and by a webhook whose endpoint was down all day (failed after
// every retry, for an admin to resend), and the alert was resolved when the new period
// started; this period, another client has just crossed 80% (email stored). Laid out from
// `now` (APP_NOW pins it), so any date works; upserts and dedupe keys make a re-run add
// nothing. The webhook points at a closed local port: the demo never calls the internet,
// even when an admin resends.
import type { Prisma } from "@/generated/prisma/client";
import type { TDb } from "@/server/db/client";
import { eventSubject, notificationDedupeKey, type TAlertData, type TAlertEvent } from "@/server/alerts/alert-events";
import { MAX_DELIVERY_ATTEMPTS } from "@/server/alerts/notification-retry";
import { generateWebhookSecret } from "@/server/alerts/webhook-signing";
import { periodOf } from "@/server/usage/period";

export const DEMO_WEBHOOK_URL = "https://127.0.0.1:4/hooks/meterline-demo";
const HOUR_MS = 3_600_000;

type TCandidate = { id: string; slug: string; name: string; planKey: string; limits: unknown; upgradeUrl: string | null };

function messageLimit(limits: unknown): number | null {
  const value = (limits as Record<string, unknown> | null)?.messagesPerMonth;
  return typeof value === "number" && value > 0 ? value : null;
}

export async function seedDemoAlerts(db: TDb, now: Date): Promise<{ alerts: number; notifications: number }> {
  const candidates = (
    await db.$queryRaw<TCandidate[]>`
      SELECT c.id, c.slug, c.name, c."planKey", p.limits, p."upgradeUrl"
      FROM "Client" c JOIN "PlanConfig" p ON p.key = c."planKey"
      WHERE c.status = 'active'
      ORDER BY c.slug`
  ).filter((c) => messageLimit(c.limits) !== null);
  if (candidates.length < 2) return { alerts: 0, notifications: 0 };
  const [past, current] = [candidates[0]!, candidates[1]!];

  const thisPeriodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const lastPeriodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const pastCrossedAt = new Date(lastPeriodStart.getTime() + 19 * 24 * HOUR_MS + 9 * HOUR_MS);
  const pastResolvedAt = thisPeriodStart;
  const currentCrossedAt = new Date(Math.max(thisPeriodStart.getTime(), now.getTime() - 60_000));

  // The demo's recipients (kept if an admin changed them since: only set when empty).
  const pastEmail = `ops@${past.slug}.example.com`;
  const currentEmail = `alerts@${current.slug}.example.com`;
  await db.client.updateMany({ where: { id: past.id, alertWebhookUrl: null }, data: { alertWebhookUrl: DEMO_WEBHOOK_URL, alertWebhookSecret: generateWebhookSecret() } });
  await db.client.updateMany({ where: { id: past.id, alertEmails: { isEmpty: true } }, data: { alertEmails: [pastEmail] } });
  await db.client.updateMany({ where: { id: current.id, alertEmails: { isEmpty: true } }, data: { alertEmails: [currentEmail] } });

  async function upsertAlert(client: TCandidate, input: { period: string; crossedAt: Date; resolvedAt: Date | null }) {
    const limit = messageLimit(client.limits)!;
    const value = Math.ceil(limit * 0.8);
    const key = { clientId: client.id, period: input.period, limitKey: "messagesPerMonth", threshold: 80 };
    const alert = await db.usageAlert.upsert({
      where: { clientId_period_limitKey_threshold: key },
      update: {},
      create: {
        ...key,
        counter: "messages",
        limit: String(limit),
        value: String(value),
        planKey: client.planKey,
        crossedAt: input.crossedAt,
        notifiedAt: input.crossedAt,
        resolvedAt: input.resolvedAt,
        resolvedReason: input.resolvedAt ? "new_period" : null,
        resolvedNotifiedAt: input.resolvedAt,
      },
      select: { id: true },
    });
    const data: TAlertData = {
      alertId: alert.id,
      clientId: client.id,
      clientName: client.name,
      period: input.period,
      limitKey: "messagesPerMonth",
      counter: "messages",
      threshold: 80,
      limit: String(limit),
      value: String(value),
      planKey: client.planKey,
      upgradeUrl: client.upgradeUrl,
    };
    return { alert, data };
  }

  const rows: Prisma.NotificationCreateManyInput[] = [];
  const row = (clientId: string, alertId: string, event: TAlertEvent, channel: "email" | "webhook", recipient: string, at: Date, outcome: Partial<Prisma.NotificationCreateManyInput>) => {
    rows.push({
      clientId,
      kind: event.type,
      alertId,
      channel,
      dedupeKey: notificationDedupeKey(event.type, alertId, channel, recipient),
      metric: "messagesPerMonth",
      threshold: 80,
      period: "data" in event && "period" in event.data ? event.data.period : null,
      recipient,
      subject: eventSubject(event),
      payload: event as unknown as Prisma.InputJsonValue,
      createdAt: at,
      nextAttemptAt: at,
      ...outcome,
    });
  };

  const last = await upsertAlert(past, { period: periodOf(lastPeriodStart), crossedAt: pastCrossedAt, resolvedAt: pastResolvedAt });
  const crossed: TAlertEvent = { type: "alert.threshold_crossed", timestamp: pastCrossedAt.toISOString(), data: last.data };
  const resolved: TAlertEvent = { type: "alert.resolved", timestamp: pastResolvedAt.toISOString(), data: { ...last.data, resolvedReason: "new_period" } };
  const stored = (at: Date) => ({ status: "sent" as const, attempts: 1, sentAt: at, deliveredVia: "stored" });
  row(past.id, last.alert.id, crossed, "email", pastEmail, pastCrossedAt, stored(pastCrossedAt));
  const lastTry = new Date(pastCrossedAt.getTime() + 20 * HOUR_MS);
  row(past.id, last.alert.id, crossed, "webhook", DEMO_WEBHOOK_URL, pastCrossedAt, {
    status: "failed",
    attempts: MAX_DELIVERY_ATTEMPTS,
    nextAttemptAt: lastTry,
    lastError: "could not reach the endpoint: ECONNREFUSED",
  });
  row(past.id, last.alert.id, resolved, "email", pastEmail, pastResolvedAt, stored(pastResolvedAt));

  const open = await upsertAlert(current, { period: periodOf(now), crossedAt: currentCrossedAt, resolvedAt: null });
  const openEvent: TAlertEvent = { type: "alert.threshold_crossed", timestamp: currentCrossedAt.toISOString(), data: open.data };
  row(current.id, open.alert.id, openEvent, "email", currentEmail, currentCrossedAt, stored(currentCrossedAt));

  // The resolution's webhook is not queued: the endpoint was already failing (a real run
  // would have queued it and failed it the same way; one failed webhook is enough to show).
  const { count } = await db.notification.createMany({ data: rows, skipDuplicates: true });
  return { alerts: 2, notifications: count };
}
