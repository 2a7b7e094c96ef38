// What the Alerts page lists: the usage alerts (crossed, resolved) and the outbox (pending,
// sent, failed), newest first, paginated; and one message, with a stored email rendered
// from its event as it was (or would be) sent.
import { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { ZAlertEvent } from "./alert-events";
import { renderAlertEmail } from "./alert-email";
import { pagingInput, ZPageInfo, pageWindow, pageInfo } from "@/shared/paging";

export const ZListUsageAlertsInput = z.object({
  ...pagingInput(),
  state: z.enum(["all", "open", "resolved"]).default("all"),
  clientId: z.uuid().optional(),
});

export const ZUsageAlertItem = z.object({
  id: z.string(),
  clientId: z.string(),
  clientName: z.string(),
  period: z.string(),
  limitKey: z.string(),
  counter: z.string(),
  threshold: z.number(),
  /** Decimal strings. */
  limit: z.string(),
  value: z.string(),
  planKey: z.string(),
  crossedAt: z.date(),
  resolvedAt: z.date().nullable(),
  resolvedReason: z.string().nullable(),
  notifiedAt: z.date().nullable(),
});

export const ZListUsageAlertsOutput = z.object({
  items: z.array(ZUsageAlertItem),
  ...ZPageInfo,
});

export async function listUsageAlerts(db: TDbClient, rawInput: z.input<typeof ZListUsageAlertsInput>): Promise<z.infer<typeof ZListUsageAlertsOutput>> {
  const input = parseInput(ZListUsageAlertsInput, rawInput);
  const where: Prisma.UsageAlertWhereInput = {
    ...(input.clientId ? { clientId: input.clientId } : {}),
    ...(input.state === "open" ? { resolvedAt: null } : input.state === "resolved" ? { resolvedAt: { not: null } } : {}),
  };
  const [total, rows] = await Promise.all([
    db.usageAlert.count({ where }),
    db.usageAlert.findMany({
      where,
      orderBy: [{ crossedAt: "desc" }, { id: "asc" }],
      ...pageWindow(input),
      select: {
        id: true, clientId: true, period: true, limitKey: true, counter: true, threshold: true, limit: true, value: true, planKey: true,
        crossedAt: true, resolvedAt: true, resolvedReason: true, notifiedAt: true, client: { select: { name: true } },
      },
    }),
  ]);
  return {
    items: rows.map(({ client, limit, value, ...row }) => ({ ...row, clientName: client.name, limit: limit.toFixed(), value: value.toFixed() })),
    ...pageInfo(input, total),
  };
}

export const NOTIFICATION_STATUSES = ["pending", "sent", "failed"] as const;

export const ZListNotificationsInput = z.object({
  ...pagingInput(),
  status: z.enum(NOTIFICATION_STATUSES).optional(),
  clientId: z.uuid().optional(),
});

export const ZNotificationItem = z.object({
  id: z.string(),
  clientId: z.string(),
  clientName: z.string(),
  kind: z.string(),
  channel: z.enum(["email", "webhook"]),
  recipient: z.string(),
  subject: z.string().nullable(),
  status: z.enum(NOTIFICATION_STATUSES),
  attempts: z.number(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.date(),
  deliveredVia: z.string().nullable(),
  responseStatus: z.number().nullable(),
  sentAt: z.date().nullable(),
  createdAt: z.date(),
});
export type TNotificationItem = z.infer<typeof ZNotificationItem>;

export const ZListNotificationsOutput = z.object({
  items: z.array(ZNotificationItem),
  ...ZPageInfo,
  /** Every message by status (ignoring the status filter), for the tabs. */
  counts: z.object({ pending: z.number(), sent: z.number(), failed: z.number() }),
});

const ITEM_SELECT = {
  id: true, clientId: true, kind: true, channel: true, recipient: true, subject: true, status: true, attempts: true, lastError: true,
  nextAttemptAt: true, deliveredVia: true, responseStatus: true, sentAt: true, createdAt: true, client: { select: { name: true } },
} as const;

export async function listNotifications(db: TDbClient, rawInput: z.input<typeof ZListNotificationsInput>): Promise<z.infer<typeof ZListNotificationsOutput>> {
  const input = parseInput(ZListNotificationsInput, rawInput);
  const scope: Prisma.NotificationWhereInput = input.clientId ? { clientId: input.clientId } : {};
  const where: Prisma.NotificationWhereInput = { ...scope, ...(input.status ? { status: input.status } : {}) };
  const [total, rows, grouped] = await Promise.all([
    db.notification.count({ where }),
    db.notification.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      ...pageWindow(input),
      select: ITEM_SELECT,
    }),
    db.notification.groupBy({ by: ["status"], where: scope, _count: { _all: true } }),
  ]);
  const counts = { pending: 0, sent: 0, failed: 0 };
  for (const group of grouped) counts[group.status] = group._count._all;
  return {
    items: rows.map(({ client, ...row }) => ({ ...row, clientName: client.name })),
    ...pageInfo(input, total),
    counts,
  };
}

export const ZGetNotificationInput = z.object({ id: z.uuid("must be a notification id") });

export const ZNotificationDetail = ZNotificationItem.extend({
  /** The email as rendered from its event (email channel), else null. */
  email: z.object({ subject: z.string(), html: z.string(), text: z.string() }).nullable(),
  /** The JSON body a webhook is POSTed (webhook channel), else null. */
  webhookBody: z.string().nullable(),
});

export async function getNotification(db: TDbClient, rawInput: z.input<typeof ZGetNotificationInput>): Promise<z.infer<typeof ZNotificationDetail>> {
  const { id } = parseInput(ZGetNotificationInput, rawInput);
  const row = await db.notification.findUnique({ where: { id }, select: { ...ITEM_SELECT, payload: true } });
  if (!row) throw new AppError("NOT_FOUND", "No notification with that id.", { id });
  const { client, payload, ...item } = row;
  let email: { subject: string; html: string; text: string } | null = null;
  if (row.channel === "email") {
    const event = ZAlertEvent.safeParse(payload);
    if (!event.success) throw new AppError("NOTIFICATION_UNREADABLE", "This message's stored event cannot be rendered.", { id });
    email = await renderAlertEmail(event.data);
    if (row.subject) email.subject = row.subject;
  }
  return { ...item, clientName: client.name, email, webhookBody: row.channel === "webhook" ? JSON.stringify(payload, null, 2) : null };
}
