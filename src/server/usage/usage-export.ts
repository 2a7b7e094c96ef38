// Usage as CSV: one client's months (UsageCounter), days or events (UsageEvent) over a
// range of months, or every client's counters in one period. Rows are read in keyset
// batches and turned into CSV a batch at a time, only when the reader asks for more, so
// memory stays flat whatever the number of events (bench/usage-export.ts: 1M events).
//
// Values leave PostgreSQL as text (::text, to_char): decimals exactly as stored, never
// through a JS number; instants as ISO 8601 UTC with milliseconds (the columns' precision).
import Decimal from "decimal.js";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { Prisma } from "@/generated/prisma/client";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { counterForLimit } from "./limit-metrics";
import { periodOf, periodRange } from "./period";
import {
  allClientsUsageExportFilename,
  clientUsageExportFilename,
  type TAllClientsUsageExportParams,
  type TClientUsageExportParams,
} from "./usage-export-params";

/** Rows per query. Keyset pagination: each batch starts after the last row of the one before. */
export const USAGE_EXPORT_BATCH_SIZE = 5_000;

/** A CSV row: text or empty. Booleans and dates are written as text before they get here. */
type TCsvRow = (string | null)[];

export type TUsageExport = {
  filename: string;
  columns: readonly string[];
  /** Batches of rows, read lazily: nothing is queried until the first `next()`. */
  batches: AsyncGenerator<TCsvRow[], void, undefined>;
};

type TExportOptions = {
  /** Stops between batches once aborted (the caller hung up): no further query is sent. */
  signal?: AbortSignal;
  batchSize?: number;
};

// ISO 8601 UTC with milliseconds, as JavaScript's toISOString() writes it.
const ISO_UTC = Prisma.sql`'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export const CLIENT_MONTH_COLUMNS = ["period", "metric", "value"] as const;
export const CLIENT_DAY_COLUMNS = ["day", "metric", "value"] as const;
/** The metrics a day row sums from UsageEvent, in the order they are written. */
export const DAY_METRICS = ["messages", "tokens", "inputTokens", "cachedInputTokens", "outputTokens", "toolCalls", "costUsd"] as const;
export const CLIENT_EVENT_COLUMNS = [
  "id",
  "occurred_at",
  "conversation_id",
  "provider",
  "model",
  "status",
  "input_tokens",
  "cached_input_tokens",
  "output_tokens",
  "tokens_estimated",
  "tool_call_count",
  "tool_calls",
  "latency_ms",
  "cost_usd",
  // Cost optimization (null on events from before it): appended, so existing readers keep their columns.
  "route",
  "route_reason",
  "prompt_tokens_before",
  "prompt_tokens_after",
  "fallback",
  "experiment_id",
  "variant",
] as const;
export const ALL_CLIENTS_COLUMNS = [
  "period",
  "client_id",
  "client_slug",
  "client_name",
  "client_status",
  "plan_key",
  "plan_name",
  "metric",
  "value",
  "limit",
  "client_cost_usd",
] as const;

/** One client's usage export; throws NOT_FOUND for an unknown client before anything streams. */
export async function exportClientUsage(
  db: TDbClient,
  params: TClientUsageExportParams,
  options: TExportOptions = {},
): Promise<TUsageExport> {
  const client = await db.client.findUnique({ where: { id: params.clientId }, select: { id: true, slug: true } });
  if (!client) throw new AppError("NOT_FOUND", "No client has this id.", { clientId: params.clientId });
  const filename = clientUsageExportFilename(client.slug, params);
  const batchSize = options.batchSize ?? USAGE_EXPORT_BATCH_SIZE;
  const range = { start: periodRange(params.from).start, end: periodRange(params.to).end };
  switch (params.granularity) {
    case "month":
      return { filename, columns: CLIENT_MONTH_COLUMNS, batches: monthBatches(db, params, batchSize, options.signal) };
    case "day":
      return { filename, columns: CLIENT_DAY_COLUMNS, batches: dayBatches(db, params, options.signal) };
    case "event":
      return { filename, columns: CLIENT_EVENT_COLUMNS, batches: eventBatches(db, client.id, range, batchSize, options.signal) };
  }
}

/** Every client's counters in one period, one row per (client, metric). */
export async function exportAllClientsUsage(
  db: TDbClient,
  params: TAllClientsUsageExportParams,
  options: TExportOptions = {},
): Promise<TUsageExport> {
  return {
    filename: allClientsUsageExportFilename(params.period),
    columns: ALL_CLIENTS_COLUMNS,
    batches: allClientsBatches(db, params.period, options.batchSize ?? USAGE_EXPORT_BATCH_SIZE, options.signal),
  };
}

/** Settled counters only (`value`): `reserved` is held by requests in flight and never billed. */
async function* monthBatches(db: TDbClient, params: TClientUsageExportParams, batchSize: number, signal?: AbortSignal) {
  let after: { period: string; metric: string } | null = null;
  while (!signal?.aborted) {
    // Billing periods only: per-minute windows ('mYYYY-MM-DDTHH:MM') share the table.
    const rows: { period: string; metric: string; value: string }[] = await db.$queryRaw`
      SELECT period, metric, value::text AS value
        FROM "UsageCounter"
       WHERE "clientId" = ${params.clientId}::uuid
         AND period ~ '^[0-9]{4}-[0-9]{2}$' AND period >= ${params.from} AND period <= ${params.to}
         ${after ? Prisma.sql`AND (period, metric) > (${after.period}, ${after.metric})` : Prisma.empty}
       ORDER BY period, metric
       LIMIT ${batchSize}`;
    if (rows.length > 0) yield rows.map((row) => [row.period, row.metric, row.value]);
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { period: last.period, metric: last.metric };
  }
}

/** Per UTC day, summed from UsageEvent one month per query (at most 31 days x 7 metrics a batch). */
async function* dayBatches(db: TDbClient, params: TClientUsageExportParams, signal?: AbortSignal) {
  let period = params.from;
  while (period <= params.to && !signal?.aborted) {
    const { start, end } = periodRange(period);
    const rows: ({ day: string } & Record<(typeof DAY_METRICS)[number], string>)[] = await db.$queryRaw`
      SELECT to_char("occurredAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
             (count(*) FILTER (WHERE route IS DISTINCT FROM 'summary'))::text AS messages,
             sum("inputTokens" + "outputTokens")::text AS tokens,
             sum("inputTokens")::text AS "inputTokens",
             sum("cachedInputTokens")::text AS "cachedInputTokens",
             sum("outputTokens")::text AS "outputTokens",
             sum("toolCallCount")::text AS "toolCalls",
             sum("costUsd")::text AS "costUsd"
        FROM "UsageEvent"
       WHERE "clientId" = ${params.clientId}::uuid
         AND "occurredAt" >= ${start.toISOString()}::timestamptz AND "occurredAt" < ${end.toISOString()}::timestamptz
       GROUP BY 1
       ORDER BY 1`;
    if (rows.length > 0) yield rows.flatMap((row) => DAY_METRICS.map((metric) => [row.day, metric, row[metric]]));
    period = periodOf(end);
  }
}

type TEventRow = {
  id: string;
  occurredAt: string;
  conversationId: string | null;
  provider: string;
  model: string;
  status: string;
  inputTokens: string;
  cachedInputTokens: string;
  outputTokens: string;
  tokensEstimated: boolean;
  toolCallCount: string;
  toolCalls: string;
  latencyMs: string;
  costUsd: string;
  route: string | null;
  routeReason: string | null;
  promptTokensBefore: string | null;
  promptTokensAfter: string | null;
  fallback: boolean;
  experimentId: string | null;
  variant: string | null;
};

/**
 * One row per event, ordered by (occurredAt, id). The ORDER BY names the table's columns: the
 * bare names would mean the text output columns of the same names, sorting every row of the
 * range on each batch instead of reading the index in order. The plain `occurredAt >=` bound
 * starts each batch's index scan at the cursor (the row comparison alone is only a filter).
 */
async function* eventBatches(
  db: TDbClient,
  clientId: string,
  range: { start: Date; end: Date },
  batchSize: number,
  signal?: AbortSignal,
) {
  let after: { occurredAt: string; id: string } | null = null;
  while (!signal?.aborted) {
    const rows: TEventRow[] = await db.$queryRaw`
      SELECT e.id::text AS id, to_char(e."occurredAt" AT TIME ZONE 'UTC', ${ISO_UTC}) AS "occurredAt",
             e."conversationId"::text AS "conversationId", e.provider, e.model, e.status::text AS status,
             e."inputTokens"::text AS "inputTokens", e."cachedInputTokens"::text AS "cachedInputTokens",
             e."outputTokens"::text AS "outputTokens", e."tokensEstimated", e."toolCallCount"::text AS "toolCallCount",
             e."toolCalls"::text AS "toolCalls", e."latencyMs"::text AS "latencyMs", e."costUsd"::text AS "costUsd",
             e.route, e."routeReason", e."promptTokensBefore"::text AS "promptTokensBefore",
             e."promptTokensAfter"::text AS "promptTokensAfter", e.fallback, e."experimentId"::text AS "experimentId", e.variant
        FROM "UsageEvent" e
       WHERE e."clientId" = ${clientId}::uuid
         AND e."occurredAt" >= ${range.start.toISOString()}::timestamptz AND e."occurredAt" < ${range.end.toISOString()}::timestamptz
         ${after ? Prisma.sql`AND e."occurredAt" >= ${after.occurredAt}::timestamptz AND (e."occurredAt", e.id) > (${after.occurredAt}::timestamptz, ${after.id}::uuid)` : Prisma.empty}
       ORDER BY e."occurredAt", e.id
       LIMIT ${batchSize}`;
    if (rows.length > 0) {
      yield rows.map((row) => [
        row.id,
        row.occurredAt,
        row.conversationId,
        row.provider,
        row.model,
        row.status,
        row.inputTokens,
        row.cachedInputTokens,
        row.outputTokens,
        String(row.tokensEstimated),
        row.toolCallCount,
        row.toolCalls,
        row.latencyMs,
        row.costUsd,
        row.route,
        row.routeReason,
        row.promptTokensBefore,
        row.promptTokensAfter,
        String(row.fallback),
        row.experimentId,
        row.variant,
      ]);
    }
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { occurredAt: last.occurredAt, id: last.id };
  }
}

/**
 * The limit a plan sets on a monthly counter, as a decimal string, or null (none or unlimited).
 * The client's plan as it is now: a past period may have run on an earlier version.
 */
function monthlyLimitOf(limits: Record<string, number | null>, metric: string): string | null {
  for (const [key, limit] of Object.entries(limits)) {
    if (limit === null) continue;
    const counter = counterForLimit(key);
    // toFixed(): decimal.js's toString() switches to exponent notation for large values.
    if (counter.window === "month" && counter.counter === metric) return new Decimal(limit).toFixed();
  }
  return null;
}

type TAllClientsRow = {
  slug: string;
  clientId: string;
  name: string;
  status: string;
  planKey: string;
  planName: string;
  metric: string;
  value: string;
  clientCostUsd: string | null;
};

/** Ordered by (client slug, metric); `client_cost_usd` repeats the client's costUsd counter on each of its rows. */
async function* allClientsBatches(db: TDbClient, period: string, batchSize: number, signal?: AbortSignal) {
  // Plans are few: read their limits once, not on every row. (The limits' shape as stored,
  // validated on write by the plans domain; usage does not import plans.)
  const plans = await db.planConfig.findMany({ select: { key: true, limits: true } });
  const ZStoredLimits = z.record(z.string(), z.number().nullable());
  const limitsByPlan = new Map(plans.map((plan) => [plan.key, ZStoredLimits.parse(plan.limits)]));
  let after: { slug: string; metric: string } | null = null;
  while (!signal?.aborted) {
    const rows: TAllClientsRow[] = await db.$queryRaw`
      SELECT c.slug, c.id::text AS "clientId", c.name, c.status::text AS status, c."planKey", p.name AS "planName",
             u.metric, u.value::text AS value, cost.value::text AS "clientCostUsd"
        FROM "UsageCounter" u
        JOIN "Client" c ON c.id = u."clientId"
        JOIN "PlanConfig" p ON p.key = c."planKey"
        LEFT JOIN "UsageCounter" cost ON cost."clientId" = u."clientId" AND cost.period = u.period AND cost.metric = 'costUsd'
       WHERE u.period = ${period}
         ${after ? Prisma.sql`AND (c.slug, u.metric) > (${after.slug}, ${after.metric})` : Prisma.empty}
       ORDER BY c.slug, u.metric
       LIMIT ${batchSize}`;
    if (rows.length > 0) {
      yield rows.map((row) => [
        period,
        row.clientId,
        row.slug,
        row.name,
        row.status,
        row.planKey,
        row.planName,
        row.metric,
        row.value,
        monthlyLimitOf(limitsByPlan.get(row.planKey) ?? {}, row.metric),
        row.clientCostUsd ?? "0",
      ]);
    }
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { slug: last.slug, metric: last.metric };
  }
}

/**
 * The export as a byte stream: a header row, then RFC 4180 records (CRLF, fields with a
 * comma, quote or line break quoted, quotes doubled) written by csv-stringify a batch at a
 * time. Pull-based with no buffer of its own: the next batch is queried only when the reader
 * wants more; cancelling it (the caller hung up) ends the queries.
 */
export function usageExportCsvStream(usageExport: TUsageExport, onError?: (error: unknown) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let headerWritten = false;
  const write = (rows: TCsvRow[]) => {
    const text = stringify(rows, {
      header: !headerWritten,
      columns: [...usageExport.columns],
      record_delimiter: "windows",
      // Needed: with a record_delimiter set, csv-stringify by default quotes only fields
      // holding that exact "\r\n", and a name with a bare "\n" would split its record.
      quote_record_delimiter: true,
    });
    headerWritten = true;
    return encoder.encode(text);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await usageExport.batches.next();
          if (next.done) {
            if (!headerWritten) controller.enqueue(write([]));
            controller.close();
            return;
          }
          controller.enqueue(write(next.value));
        } catch (error) {
          onError?.(error);
          controller.error(error);
        }
      },
      async cancel() {
        await usageExport.batches.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
