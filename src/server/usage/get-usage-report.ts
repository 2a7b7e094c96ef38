// Every client's usage in a period with how close it is to its plan's limits: filtered
// by plan, sorted by percent of limit (or cost, messages, tokens, name), paged in SQL.
// Reads UsageCounter (settled values) only; the plans' limits (few rows) are read first
// and passed to the query as a table of (plan, counter, limit, first alert threshold),
// so one grouped statement ranks 10,000 clients (bench/usage-reports.ts).
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import type { TDbClient } from "@/server/db/client";
import { DEFAULT_ALERT_THRESHOLDS } from "./limit-usage";
import { MONTHLY_USAGE_METRICS, monthlyLimitsOf } from "./monthly-limits";
import { ZPeriod, periodOf } from "./period";
import { pagingInput, ZPageInfo, pageWindow, pageInfo } from "@/shared/paging";
import { ZClientUsageRow } from "./list-client-usage";

export const USAGE_REPORT_SORTS = ["percent", "costUsd", "messages", "tokens", "name"] as const;
export type TUsageReportSort = (typeof USAGE_REPORT_SORTS)[number];

export const ZGetUsageReportInput = z.object({
  /** Default: the current period. */
  period: ZPeriod.optional(),
  planKey: z.string().min(1).max(100).optional(),
  sort: z.enum(USAGE_REPORT_SORTS).default("percent"),
  ...pagingInput(),
});
export type TGetUsageReportInput = z.input<typeof ZGetUsageReportInput>;

const ZLimitShare = z.object({
  /** The counter closest to its limit and its share of it (one decimal, rounded down). */
  metric: z.string(),
  percent: z.string(),
  used: z.string(),
  limit: z.string(),
  level: z.enum(["ok", "warning", "over"]),
});

/** A client's row of the period: the counters of the all-clients usage list, and its closest limit. */
export const ZUsageReportRow = ZClientUsageRow.extend({
  /** Null when the plan sets no monthly limit. */
  topLimit: ZLimitShare.nullable(),
});
export type TUsageReportRow = z.infer<typeof ZUsageReportRow>;

export const ZUsageReport = z.object({
  period: z.string(),
  planKey: z.string().nullable(),
  sort: z.enum(USAGE_REPORT_SORTS),
  items: z.array(ZUsageReportRow),
  /** Clients matching the filter (with or without usage). */
  ...ZPageInfo,
});
export type TUsageReport = z.infer<typeof ZUsageReport>;

export const ZListNearLimitInput = z
  .object({
    period: ZPeriod.optional(),
    planKey: z.string().min(1).max(100).optional(),
    limit: z.number().int().min(1).max(100).default(10),
  })
  .prefault({});
export type TListNearLimitInput = z.input<typeof ZListNearLimitInput>;

export const ZNearLimitClients = z.object({
  period: z.string(),
  /** Clients at or past their plan's first alert threshold on some limit, closest to (or furthest past) it first. */
  items: z.array(ZUsageReportRow.omit({ conversations: true, toolCalls: true }).extend({ topLimit: ZLimitShare })),
  total: z.number().int(),
});
export type TNearLimitClients = z.infer<typeof ZNearLimitClients>;

type TRawRow = {
  clientId: string;
  slug: string;
  name: string;
  status: string;
  planKey: string;
  planName: string;
  messages: string;
  conversations: string;
  tokens: string;
  toolCalls: string;
  costUsd: string;
  limitMetric: string | null;
  percent: string | null;
  used: string | null;
  limitValue: string | null;
  threshold: number | null;
  total: number;
};

/** The plans' monthly limits as a SQL table: (planKey, metric, limit, threshold). */
async function limitsTable(db: TDbClient) {
  const plans = await db.planConfig.findMany({ select: { key: true, limits: true, alertThresholds: true } });
  const planKeys: string[] = [];
  const metrics: string[] = [];
  const limits: string[] = [];
  const thresholds: number[] = [];
  for (const plan of plans) {
    const first = plan.alertThresholds.length > 0 ? Math.min(...plan.alertThresholds) : DEFAULT_ALERT_THRESHOLDS[0];
    for (const limit of monthlyLimitsOf(plan.limits)) {
      planKeys.push(plan.key);
      metrics.push(limit.metric);
      limits.push(limit.limit);
      thresholds.push(first);
    }
  }
  const table = Prisma.sql`SELECT l.*, l."planKey" || '/' || l.metric AS key
                      FROM unnest(${planKeys}::text[], ${metrics}::text[], ${limits}::numeric[], ${thresholds}::int[])
                        AS l("planKey", metric, "limit", threshold)`;
  return { table, metrics: [...new Set(metrics)] };
}

// percentOfLimit in SQL (l: a limit row, x: its counter): one decimal, rounded down; a
// limit of 0 is 100% once anything is used.
const PERCENT = Prisma.sql`(CASE WHEN l."limit" <= 0 THEN CASE WHEN COALESCE(x.value, 0) > 0 THEN 100 ELSE 0 END
                                 ELSE trunc(COALESCE(x.value, 0) * 100 / l."limit", 1) END)`;

/** The counter a sort by amount reads (a whitelist: the sort key never reaches SQL as text). */
const SORT_METRIC: Record<TUsageReportSort, string | null> = { percent: null, costUsd: "costUsd", messages: "messages", tokens: "tokens", name: null };

/**
 * The shared statement. It ranks first and details after: the sort key alone is computed
 * for every client matching the filter (for `percent`, each client's highest share of its
 * plan's limits, from the counters of its limited metrics; for an amount, one counter row;
 * for `name`, nothing), one page is cut, and only that page's rows are pivoted and given
 * their closest limit. `total` is the count the filter keeps (a window count before LIMIT).
 * `nearOnly` keeps clients at or past their plan's first alert threshold (or 100%).
 */
async function queryReport(
  db: TDbClient,
  options: { period: string; planKey?: string; sort: TUsageReportSort; nearOnly: boolean; take: number; skip: number },
): Promise<TRawRow[]> {
  const { period, planKey, sort, nearOnly } = options;
  const { table: lim, metrics: limitedMetrics } = await limitsTable(db);
  const planFilter = planKey ? Prisma.sql`WHERE "planKey" = ${planKey}` : Prisma.empty;
  const byPercent = sort === "percent" || nearOnly;
  const metric = SORT_METRIC[sort];
  // Clients whose plan sets a limit but who have no counter in it are at 0%; no limit: NULL (last).
  const key = sort === "percent" ? Prisma.sql`COALESCE(pct.percent, CASE WHEN c."planKey" IN (SELECT "planKey" FROM lim) THEN 0 END)` : metric ? Prisma.sql`m.value` : Prisma.sql`NULL::numeric`;
  return db.$queryRaw<TRawRow[]>`
    WITH lim AS (${lim}),
    c AS (SELECT id, name, "planKey" FROM "Client" ${planFilter}),
    -- The period's counters of limited metrics, read once through the (period, metric) index
    -- and hash-joined: probing the primary key once per (client, limit) costs ten times more.
    cur AS (
      SELECT "clientId", metric, value FROM "UsageCounter"
       WHERE ${byPercent} AND period = ${period} AND metric = ANY(${limitedMetrics}::text[])
    ),
    -- Each client's highest share of a limit, from the counters it has: a client with no
    -- counter in a limited metric is at 0% of that limit (below: COALESCE), so clients
    -- times limits is never expanded.
    -- The Client table itself (its statistics, a unique id) and one composite key for the
    -- limit lookup: with the CTE and (plan, metric) as two conditions the planner misjudged
    -- the joins and sorted 110,000 rows to disk (bench/usage-reports.ts).
    shares AS (
      SELECT x."clientId", l.threshold, ${PERCENT} AS percent
        FROM cur x
        JOIN "Client" k ON k.id = x."clientId" ${planKey ? Prisma.sql`AND k."planKey" = ${planKey}` : Prisma.empty}
        JOIN lim l ON l.key = k."planKey" || '/' || x.metric
    ),
    pct AS (
      SELECT "clientId" AS id, max(percent) AS percent, bool_or(percent >= threshold OR percent >= 100) AS near
        FROM shares GROUP BY "clientId"
    ),
    page AS (
      SELECT c.id, c.name, ${key} AS k, count(*) OVER ()::int AS total
        FROM c
        LEFT JOIN pct ON pct.id = c.id
        LEFT JOIN "UsageCounter" m ON ${metric !== null} AND m."clientId" = c.id AND m.period = ${period} AND m.metric = ${metric ?? ""}
       WHERE ${!nearOnly} OR pct.near
       ORDER BY k DESC NULLS LAST, c.name ASC, c.id ASC
       LIMIT ${options.take} OFFSET ${options.skip}
    )
    SELECT cl.id AS "clientId", cl.slug, cl.name, cl.status::text AS status, cl."planKey", p.name AS "planName",
           COALESCE(u.messages, 0)::text AS messages, COALESCE(u.conversations, 0)::text AS conversations,
           COALESCE(u.tokens, 0)::text AS tokens, COALESCE(u."toolCalls", 0)::text AS "toolCalls",
           COALESCE(u."costUsd", 0)::text AS "costUsd",
           s.metric AS "limitMetric", s.percent::text AS percent, s.used::text AS used, s."limit"::text AS "limitValue", s.threshold,
           page.total
      FROM page
      JOIN "Client" cl ON cl.id = page.id
      JOIN "PlanConfig" p ON p.key = cl."planKey"
      LEFT JOIN LATERAL (
        SELECT SUM(value) FILTER (WHERE metric = 'messages')      AS messages,
               SUM(value) FILTER (WHERE metric = 'conversations') AS conversations,
               SUM(value) FILTER (WHERE metric = 'tokens')        AS tokens,
               SUM(value) FILTER (WHERE metric = 'toolCalls')     AS "toolCalls",
               SUM(value) FILTER (WHERE metric = 'costUsd')       AS "costUsd"
          FROM "UsageCounter"
         WHERE "clientId" = page.id AND period = ${period} AND metric IN (${Prisma.join([...MONTHLY_USAGE_METRICS])})
      ) u ON true
      LEFT JOIN LATERAL (
        SELECT l.metric, l."limit", l.threshold, COALESCE(x.value, 0) AS used, ${PERCENT} AS percent
          FROM lim l
          LEFT JOIN "UsageCounter" x ON x."clientId" = page.id AND x.period = ${period} AND x.metric = l.metric
         WHERE l."planKey" = cl."planKey"
         ORDER BY percent DESC, l.metric ASC
         LIMIT 1
      ) s ON true
     ORDER BY page.k DESC NULLS LAST, page.name ASC, page.id ASC`;
}

function toRow(row: TRawRow): TUsageReportRow {
  const percent = row.percent;
  return {
    clientId: row.clientId,
    slug: row.slug,
    name: row.name,
    status: ZUsageReportRow.shape.status.parse(row.status),
    planKey: row.planKey,
    planName: row.planName,
    messages: trimDecimal(row.messages),
    conversations: trimDecimal(row.conversations),
    tokens: trimDecimal(row.tokens),
    toolCalls: trimDecimal(row.toolCalls),
    costUsd: trimDecimal(row.costUsd),
    topLimit:
      row.limitMetric !== null && percent !== null
        ? {
            metric: row.limitMetric,
            percent: trimDecimal(percent),
            used: trimDecimal(row.used ?? "0"),
            limit: trimDecimal(row.limitValue ?? "0"),
            level: Number(percent) >= 100 ? "over" : Number(percent) >= (row.threshold ?? DEFAULT_ALERT_THRESHOLDS[0]) ? "warning" : "ok",
          }
        : null,
  };
}

/** NUMERIC text without trailing zeros ("79.0" -> "79", "5.0000000000" -> "5"). */
function trimDecimal(text: string): string {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

export async function getUsageReport(db: TDbClient, rawInput: TGetUsageReportInput & { now: Date }): Promise<TUsageReport> {
  const input = ZGetUsageReportInput.parse(rawInput);
  const period = input.period ?? periodOf(rawInput.now);
  const rows = await queryReport(db, {
    period,
    planKey: input.planKey,
    sort: input.sort,
    nearOnly: false,
    ...pageWindow(input),
  });
  // Past the last page no row carries the window count: count again (rare).
  const total = rows[0]?.total ?? (input.page > 1 ? await countClients(db, input.planKey) : 0);
  return {
    period,
    planKey: input.planKey ?? null,
    sort: input.sort,
    items: rows.map(toRow),
    ...pageInfo(input, total),
  };
}

async function countClients(db: TDbClient, planKey: string | undefined): Promise<number> {
  return db.client.count({ where: planKey ? { planKey } : {} });
}

export async function listNearLimitClients(db: TDbClient, rawInput: TListNearLimitInput & { now: Date }): Promise<TNearLimitClients> {
  const input = ZListNearLimitInput.parse(rawInput);
  const period = input.period ?? periodOf(rawInput.now);
  const rows = await queryReport(db, {
    period,
    planKey: input.planKey,
    sort: "percent",
    nearOnly: true,
    take: input.limit,
    skip: 0,
  });
  return {
    period,
    items: rows.map((row) => {
      const { conversations: _c, toolCalls: _t, topLimit, ...rest } = toRow(row);
      return { ...rest, topLimit: topLimit! };
    }),
    total: rows[0]?.total ?? 0,
  };
}
