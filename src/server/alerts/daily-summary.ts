// The opt-in daily usage summary: one email per client per UTC day to its alert emails,
// with the period's usage so far against the plan's monthly limits. The dedupe key carries
// the date, so however many workers run, a client gets at most one a day.
import Decimal from "decimal.js";
import type { Prisma } from "@/generated/prisma/client";
import type { TDb } from "@/server/db/client";
import { monthlyLimitsOf } from "@/server/usage/monthly-limits";
import { periodOf } from "@/server/usage/period";
import { eventSubject, notificationDedupeKey, type TAlertEvent } from "./alert-events";

type TOptedIn = { id: string; name: string; planKey: string; alertEmails: string[]; limits: unknown };

/** Queues today's summary for every opted-in active client that has none yet. Returns rows created. */
export async function enqueueDailySummaries(db: TDb, now: Date, options: { batchSize?: number } = {}): Promise<number> {
  const date = now.toISOString().slice(0, 10);
  const dayStart = new Date(`${date}T00:00:00.000Z`);
  const clients = await db.$queryRaw<TOptedIn[]>`
    SELECT c.id, c.name, c."planKey", c."alertEmails", p.limits
    FROM "Client" c JOIN "PlanConfig" p ON p.key = c."planKey"
    WHERE c."dailyUsageSummary" AND c.status = 'active' AND cardinality(c."alertEmails") > 0
      AND NOT EXISTS (
        SELECT 1 FROM "Notification" n
        WHERE n."clientId" = c.id AND n.kind = 'usage.daily_summary' AND n."createdAt" >= ${dayStart})
    ORDER BY c.id
    LIMIT ${options.batchSize ?? 500}`;
  if (clients.length === 0) return 0;
  const period = periodOf(now);
  const counters = await db.usageCounter.findMany({
    where: { clientId: { in: clients.map((c) => c.id) }, period },
    select: { clientId: true, metric: true, value: true },
    orderBy: { metric: "asc" },
  });
  const rows: Prisma.NotificationCreateManyInput[] = [];
  for (const client of clients) {
    let limits: ReturnType<typeof monthlyLimitsOf> = [];
    try {
      limits = monthlyLimitsOf(client.limits);
    } catch (error) {
      console.warn(`daily usage summary: plan ${client.planKey}'s limits could not be read; the summary of client ${client.id} lists usage without limits:`, error);
    }
    const metrics = counters
      .filter((counter) => counter.clientId === client.id)
      .map((counter) => {
        const limit = limits.find((l) => l.metric === counter.metric) ?? null;
        return { counter: counter.metric, value: new Decimal(counter.value.toString()).toFixed(), limitKey: limit?.limitKey ?? null, limit: limit?.limit ?? null };
      });
    const event: TAlertEvent = {
      type: "usage.daily_summary",
      timestamp: now.toISOString(),
      data: { clientId: client.id, clientName: client.name, date, period, planKey: client.planKey, metrics },
    };
    for (const recipient of client.alertEmails) {
      rows.push({
        clientId: client.id,
        kind: event.type,
        channel: "email",
        dedupeKey: notificationDedupeKey(event.type, `${client.id}:${date}`, "email", recipient),
        period,
        recipient,
        subject: eventSubject(event),
        payload: event as unknown as Prisma.InputJsonValue,
        nextAttemptAt: now,
        createdAt: now,
      });
    }
  }
  const { count } = await db.notification.createMany({ data: rows, skipDuplicates: true });
  return count;
}
