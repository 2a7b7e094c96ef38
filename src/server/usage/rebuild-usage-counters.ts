// Rebuilds clients' monthly usage counters from their UsageEvents, every period at once,
// for data written in bulk rather than call by call (the demo seed): one set-based
// statement instead of a settle per event. The counters hold what the settle statement
// (record-usage.ts) adds up, as reconcile-usage-counters.ts recounts it:
//   messages       events that answered (status other than error)
//   conversations  conversations whose first event falls in the period
//   inputTokens, outputTokens, tokens (their sum), toolCalls (toolCallCount), costUsd
// Periods are calendar months in UTC (period.ts). Only `value` is written; `reserved`
// belongs to requests in flight and is left alone.
//
// No row locks: meant for a database no chat traffic settles into meanwhile. With live
// traffic, repair counters with reconcileUsageCounters, which locks them first.
import { Prisma } from "@/generated/prisma/client";
import type { TDbClient } from "@/server/db/client";

/** Writes every monthly counter of the clients' periods that have events; returns the rows written or changed. */
export async function rebuildUsageCounters(db: TDbClient, { clientIds, now }: { clientIds: readonly string[]; now: Date }): Promise<number> {
  if (clientIds.length === 0) return 0;
  const ids = Prisma.join(clientIds.map((id) => Prisma.sql`${id}::uuid`));
  return db.$executeRaw`
    INSERT INTO "UsageCounter" ("clientId", "period", "metric", "value", "updatedAt")
    SELECT u."clientId", u.period, m.metric, m.value, ${now}::timestamptz
    FROM (
      SELECT
        "clientId",
        to_char("occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM') AS period,
        count(*) FILTER (WHERE "status" <> 'error' AND "route" IS DISTINCT FROM 'summary') AS messages,
        sum("inputTokens") AS input_tokens,
        sum("outputTokens") AS output_tokens,
        sum("toolCallCount") AS tool_calls,
        sum("costUsd") AS cost_usd
      FROM "UsageEvent"
      WHERE "clientId" IN (${ids})
      GROUP BY 1, 2
    ) u
    -- A conversation counts in the period of its first event (a continued one counts once).
    LEFT JOIN (
      SELECT "clientId", period, count(*) AS started
      FROM (
        SELECT "clientId", to_char(min("occurredAt") AT TIME ZONE 'UTC', 'YYYY-MM') AS period
        FROM "UsageEvent"
        WHERE "clientId" IN (${ids}) AND "conversationId" IS NOT NULL
        GROUP BY "clientId", "conversationId"
      ) first_events
      GROUP BY 1, 2
    ) c ON c."clientId" = u."clientId" AND c.period = u.period
    CROSS JOIN LATERAL (
      VALUES
        ('messages', u.messages::numeric),
        ('conversations', COALESCE(c.started, 0)::numeric),
        ('inputTokens', u.input_tokens::numeric),
        ('outputTokens', u.output_tokens::numeric),
        ('tokens', (u.input_tokens + u.output_tokens)::numeric),
        ('toolCalls', u.tool_calls::numeric),
        ('costUsd', u.cost_usd)
    ) AS m(metric, value)
    ON CONFLICT ("clientId", "period", "metric")
    DO UPDATE SET "value" = EXCLUDED."value", "updatedAt" = EXCLUDED."updatedAt"
    WHERE "UsageCounter"."value" IS DISTINCT FROM EXCLUDED."value"`;
}
