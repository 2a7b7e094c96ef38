// Recounts a period's monthly usage counters from UsageEvent, lists every counter that
// disagrees, and on request repairs them, with an AuditLog entry per client.
//
// What a counter should hold, as the settle statement (record-usage.ts) adds it up:
//   messages       events that answered (status success or partial)
//   conversations  conversations whose first event falls in the period
//   inputTokens, outputTokens, tokens (their sum), toolCalls (toolCallCount), costUsd
// Only `value` (settled usage) is recounted; `reserved` belongs to requests in flight
// and is never touched.
//
// Concurrency (the chat keeps settling while this runs): a client's repair runs in one
// transaction that first locks that client's counter rows of the period FOR UPDATE, in
// metric order — the same rows, in the same order, that the settle statement and
// meterline_reserve_usage lock, so the three never deadlock one another — and only then
// recounts. Under READ COMMITTED the recount is a new statement with a new snapshot:
//  - a settle that committed before the lock was taken is in the recount;
//  - a settle still running holds some of those rows, so the lock waits for its commit;
//  - a settle that starts after the lock has inserted its event but waits on the row
//    lock: its event is not in the recount, and once the repair commits, its
//    `value = value + delta` applies on top of the repaired value.
// Counter rows a repair must create are inserted as zeros first (ON CONFLICT DO NOTHING,
// which waits for a concurrent insert of the same row), so that they too are locked
// before the recount; the `messages` row always is, and every settle adds to it, so no
// settle of that client and period commits while the repair holds it. Row locks rather than an advisory lock: the chat path takes no
// extra lock and pays nothing for a tool that runs once in a while.
import Decimal from "decimal.js";
import { Prisma } from "@/generated/prisma/client";
import { inTransaction, type TDb, type TDbClient } from "@/server/db/client";
import { retryTransient } from "@/server/db/retry-transient";
import { MONTHLY_USAGE_METRICS } from "./monthly-limits";
import { periodRange } from "./period";
import { recordAudit } from "@/server/auth/audit-log";

export type TCounterDifference = {
  clientId: string;
  slug: string;
  period: string;
  metric: string;
  /** The settled value stored, null when no counter row exists. */
  counter: string | null;
  /** What the events add up to. */
  recount: string;
  /** recount - counter. */
  difference: string;
};

export type TReconcileResult = {
  period: string;
  differences: TCounterDifference[];
  /** Counters repaired (only with fix). */
  fixed: number;
  clientsFixed: number;
};

type TRecountRow = { clientId: string; metric: string; recount: string };

/** The period's counters as the events add them up, per client and metric (zeros included). */
function recountSql(period: string, clientId?: string): Prisma.Sql {
  const { start, end } = periodRange(period);
  const eventClient = clientId ? Prisma.sql`AND e."clientId" = ${clientId}::uuid` : Prisma.empty;
  return Prisma.sql`
    WITH ev AS (
      SELECT * FROM "UsageEvent" e WHERE e."occurredAt" >= ${start} AND e."occurredAt" < ${end} ${eventClient}
    ),
    -- A conversation counts in the period of its first event (a continued one counts once).
    started AS (
      SELECT v."clientId", count(*) AS n
        FROM (SELECT DISTINCT "clientId", "conversationId" FROM ev WHERE "conversationId" IS NOT NULL) v
       WHERE NOT EXISTS (
         SELECT 1 FROM "UsageEvent" p
          WHERE p."clientId" = v."clientId" AND p."conversationId" = v."conversationId" AND p."occurredAt" < ${start})
       GROUP BY v."clientId"
    ),
    sums AS (
      SELECT "clientId",
             count(*) FILTER (WHERE status <> 'error' AND route IS DISTINCT FROM 'summary') AS messages,
             COALESCE(SUM("inputTokens"), 0) AS input_tokens,
             COALESCE(SUM("outputTokens"), 0) AS output_tokens,
             COALESCE(SUM("toolCallCount"), 0) AS tool_calls,
             COALESCE(SUM("costUsd"), 0) AS cost_usd
        FROM ev GROUP BY "clientId"
    )
    SELECT s."clientId", m.metric, m.value AS recount
      FROM sums s
      LEFT JOIN started c ON c."clientId" = s."clientId"
     CROSS JOIN LATERAL (VALUES
       ('messages', s.messages::numeric),
       ('conversations', COALESCE(c.n, 0)::numeric),
       ('inputTokens', s.input_tokens::numeric),
       ('outputTokens', s.output_tokens::numeric),
       ('tokens', (s.input_tokens + s.output_tokens)::numeric),
       ('toolCalls', s.tool_calls::numeric),
       ('costUsd', s.cost_usd)
     ) AS m(metric, value)`;
}

async function recount(db: TDbClient, period: string, clientId: string): Promise<TRecountRow[]> {
  return db.$queryRaw<TRecountRow[]>`
    SELECT r."clientId"::text AS "clientId", r.metric, r.recount::text AS recount FROM (${recountSql(period, clientId)}) r`;
}

/**
 * Every monthly counter of the period that disagrees with its recount. One statement, so
 * counters and events are read in one snapshot: a call settling meanwhile (event and
 * counters commit together) is in both or in neither, never a false difference.
 */
export async function findCounterDifferences(db: TDbClient, { period, clientId }: { period: string; clientId?: string }): Promise<TCounterDifference[]> {
  const counterClient = clientId ? Prisma.sql`AND k."clientId" = ${clientId}::uuid` : Prisma.empty;
  const rows = await db.$queryRaw<Omit<TCounterDifference, "period" | "difference">[]>`
    WITH r AS (${recountSql(period, clientId)}),
    k AS (
      SELECT k."clientId", k.metric, k.value FROM "UsageCounter" k
       WHERE k.period = ${period} AND k.metric IN (${Prisma.join([...MONTHLY_USAGE_METRICS])}) ${counterClient}
    )
    SELECT COALESCE(r."clientId", k."clientId")::text AS "clientId", c.slug, COALESCE(r.metric, k.metric) AS metric,
           k.value::text AS counter, COALESCE(r.recount, 0)::text AS recount
      FROM r FULL JOIN k ON k."clientId" = r."clientId" AND k.metric = r.metric
      JOIN "Client" c ON c.id = COALESCE(r."clientId", k."clientId")
     WHERE COALESCE(k.value, 0) <> COALESCE(r.recount, 0)
     ORDER BY c.slug, metric`;
  return rows.map((row) => ({
    ...row,
    period,
    counter: row.counter === null ? null : new Decimal(row.counter).toFixed(),
    recount: new Decimal(row.recount).toFixed(),
    difference: new Decimal(row.recount).minus(row.counter ?? 0).toFixed(),
  }));
}

/** Repairs one client's counters of the period under their row locks; returns how many changed. */
async function repairClient(db: TDb, { clientId, period, missing, actorEmail, now }: { clientId: string; period: string; missing: string[]; actorEmail: string; now: Date }): Promise<number> {
  return retryTransient(() =>
    inTransaction(db, async (tx) => {
      if (missing.length > 0) {
        await tx.$executeRaw`
          INSERT INTO "UsageCounter" ("clientId", period, metric, value, reserved, "updatedAt")
          SELECT ${clientId}::uuid, ${period}, m, 0, 0, ${now}::timestamptz FROM unnest(${missing}::text[]) AS m
          ORDER BY m
          ON CONFLICT ("clientId", period, metric) DO NOTHING`;
      }
      // The lock first, in metric order (as the chat's statements take it); then the recount.
      const locked = await tx.$queryRaw<{ metric: string; value: string }[]>`
        SELECT metric, value::text AS value FROM "UsageCounter"
         WHERE "clientId" = ${clientId}::uuid AND period = ${period} AND metric IN (${Prisma.join([...MONTHLY_USAGE_METRICS])})
         ORDER BY metric
         FOR UPDATE`;
      const recounted = new Map((await recount(tx, period, clientId)).map((row) => [row.metric, new Decimal(row.recount)]));
      const before: Record<string, string> = {};
      const after: Record<string, string> = {};
      for (const row of locked) {
        const want = recounted.get(row.metric) ?? new Decimal(0);
        if (want.eq(row.value)) continue;
        before[row.metric] = new Decimal(row.value).toFixed();
        after[row.metric] = want.toFixed();
      }
      const metrics = Object.keys(after);
      if (metrics.length === 0) return 0;
      await tx.$executeRaw`
        UPDATE "UsageCounter" u SET value = f.value, "updatedAt" = ${now}::timestamptz
          FROM unnest(${metrics}::text[], ${metrics.map((m) => after[m]!)}::numeric[]) AS f(metric, value)
         WHERE u."clientId" = ${clientId}::uuid AND u.period = ${period} AND u.metric = f.metric`;
      await recordAudit(tx, { id: null, email: actorEmail }, now, {
        action: "usage.reconcile",
        entityType: "UsageCounter",
        entityId: `${clientId}/${period}`,
        clientId,
        before,
        after,
        reason: "Counters recounted from usage events (npm run usage:reconcile -- --fix)",
      });
      return metrics.length;
    }),
  );
}

/**
 * Lists the period's counter differences; with `fix`, repairs each affected client's
 * counters (see the locking note above) and audits it. Safe while chat traffic runs.
 */
export async function reconcileUsageCounters(
  db: TDb,
  { period, fix, now, actorEmail = "system:usage-reconcile", clientId }: { period: string; fix: boolean; now: Date; actorEmail?: string; clientId?: string },
): Promise<TReconcileResult> {
  const differences = await findCounterDifferences(db, { period, clientId });
  if (!fix || differences.length === 0) return { period, differences, fixed: 0, clientsFixed: 0 };
  const byClient = new Map<string, TCounterDifference[]>();
  for (const d of differences) byClient.set(d.clientId, [...(byClient.get(d.clientId) ?? []), d]);
  let fixed = 0;
  let clientsFixed = 0;
  for (const [id, rows] of byClient) {
    const changed = await repairClient(db, {
      clientId: id,
      period,
      // Every settle adds to `messages`: with that row locked, no settle of this client and
      // period can commit during the repair, even one creating another counter row.
      missing: [...new Set(["messages", ...rows.filter((d) => d.counter === null).map((d) => d.metric)])],
      actorEmail,
      now,
    });
    fixed += changed;
    if (changed > 0) clientsFixed++;
  }
  return { period, differences, fixed, clientsFixed };
}
