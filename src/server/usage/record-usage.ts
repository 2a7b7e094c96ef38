// Metering: one UsageEvent per LLM call and the client's monthly counters, written by a
// single SQL statement, so the event and the counters can never disagree: the actual
// usage goes into the counters' settled value, and what the request reserved leaves
// their "reserved". Idempotent by (client, idempotencyKey): a duplicate records nothing
// and gives its reservation back.
import Decimal from "decimal.js";
import { hotQuery, type TDbClient } from "@/server/db/client";
import { actualUsage, counterForLimit, isChatCounter, type TReservation } from "./limit-metrics";
import { periodOf } from "./period";
import { retryTransient } from "@/server/db/retry-transient";

export type TRecordUsageInput = {
  clientId: string;
  conversationId: string | null;
  newConversation: boolean;
  idempotencyKey: string;
  occurredAt: Date;
  /** When the call settled (the app's clock): the reply's timestamp and the counters' updatedAt. */
  recordedAt: Date;
  provider: string;
  model: string;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  tokensEstimated: boolean;
  toolCalls: Record<string, number>;
  latencyMs: number;
  status: "success" | "partial";
  /** USD, unrounded. */
  costUsd: Decimal;
  /** What reserveUsage took for this call; settled against the actual usage. */
  reservations: TReservation[];
  /**
   * The call's ChatAttempt, settled by the same statement. Its reservations count only
   * while it holds them: an attempt the sweeper already expired gave them back, and then
   * the whole actual usage is added. Null: no attempt (reservations always held).
   */
  attemptId?: string | null;
  /**
   * The chat exchange behind the call, written by the same statement: the conversation
   * (created when new) and the user's and assistant's messages. Nothing is written for
   * a duplicate.
   */
  /**
   * The plan's monthly limits on the counters this call adds to, and its alert thresholds
   * (percent): the statement records a UsageAlert for every threshold the settled value
   * has reached, once per (client, period, limit, threshold). Absent: no alerts.
   */
  alerts?: TAlertRules;
  /** False for a call that answers no user message (a conversation summary): the messages counter is left alone. Default true. */
  countsAsMessage?: boolean;
  /** How the call was chosen and its prompt shaped: kept on the event for reports and experiments. */
  decision?: TCallDecision;
  exchange?: {
    title: string | null;
    metadata: Record<string, unknown> | null;
    userMessageId: string;
    userContent: string;
    assistantMessageId: string;
    assistantContent: string;
  };
};

export type TCallDecision = {
  /** The prompt's tokens by our tokenizer before and after compression and the context budget. */
  promptTokensBefore: number | null;
  promptTokensAfter: number | null;
  /** "summary": a conversation summary (conversation-summary.ts), not a reply. */
  route: "primary" | "cheap" | "degraded" | "summary" | null;
  routeReason: string | null;
  /** Answered by a fallback, not the chain's first model. */
  fallback: boolean;
  experimentId: string | null;
  variant: string | null;
};

export type TAlertRules = {
  planKey: string;
  thresholds: number[];
  limits: Array<{ limitKey: string; counter: string; limit: string }>;
};

/** The plan's alert rules for the counters a chat call settles: its monthly limits above zero. */
export function chatAlertRules(plan: { key: string; limits: Record<string, number | null>; alertThresholds: number[] }): TAlertRules {
  const limits = Object.entries(plan.limits).flatMap(([limitKey, limit]) => {
    if (limit === null || limit === undefined || limit <= 0) return [];
    const { counter, window } = counterForLimit(limitKey);
    return window === "month" && isChatCounter(counter) ? [{ limitKey, counter, limit: new Decimal(limit).toString() }] : [];
  });
  return { planKey: plan.key, thresholds: plan.alertThresholds, limits };
}

export type TRecordUsageResult = { usageEventId: string; duplicate: false } | { usageEventId: null; duplicate: true };

export async function recordUsage(db: TDbClient, input: TRecordUsageInput): Promise<TRecordUsageResult> {
  const period = periodOf(input.occurredAt);
  const toolCallCount = Object.values(input.toolCalls).reduce((sum, n) => sum + n, 0);
  const actual = actualUsage({ ...input, toolCallCount, countsAsMessage: input.countsAsMessage ?? true });

  // Per counter: the actual amount, and what was reserved on it this period.
  const reserved = new Map(
    input.reservations.filter((r) => r.period === period).map((r) => [r.counter, new Decimal(r.amount)]),
  );
  const counters = Object.entries(actual).map(([metric, value]) => ({
    metric,
    actual: value,
    reserved: reserved.get(metric) ?? new Decimal(0),
  }));
  // Reservations in other windows (per-minute request counts) are final as reserved.

  const rows = await retryTransient(() => hotQuery<{ id: string }>(db,
    `/* hot:chat_settle */ WITH event AS (
       INSERT INTO "UsageEvent" ("clientId", "conversationId", "idempotencyKey", "occurredAt", "provider", "model",
         "inputTokens", "cachedInputTokens", "outputTokens", "tokensEstimated", "toolCalls", "toolCallCount",
         "latencyMs", "status", "costUsd", "promptTokensBefore", "promptTokensAfter", "route", "routeReason", "fallback",
         "experimentId", "variant")
       VALUES ($1::uuid, $2::uuid, $3, $4::timestamptz, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14::"UsageStatus", $15::numeric,
         $34::int, $35::int, $36, $37, $38::boolean, $39::uuid, $40)
       ON CONFLICT ("clientId", "idempotencyKey") DO NOTHING
       RETURNING id
     ),
     claimed AS (
       UPDATE "ChatAttempt" a SET status = 'settled', reservations = '[]', "updatedAt" = $27::timestamptz
       FROM (SELECT id, status AS was FROM "ChatAttempt" WHERE id = $28::uuid FOR UPDATE) o
       WHERE a.id = o.id AND o.was IN ('in_flight', 'abandoned')
       RETURNING o.was
     ),
     held AS (
       SELECT $28::uuid IS NULL OR EXISTS (SELECT 1 FROM claimed WHERE was = 'in_flight') AS held
     ),
     delta AS (
       SELECT d.metric,
              CASE WHEN EXISTS (SELECT 1 FROM event) THEN d.actual ELSE 0 END AS settled,
              CASE WHEN (SELECT held FROM held) THEN d.reserved ELSE 0 END AS released
       FROM unnest($17::text[], $18::numeric[], $19::numeric[]) AS d(metric, actual, reserved)
     ),
     conversation AS (
       INSERT INTO "Conversation" ("id", "clientId", "title", "metadata", "createdAt", "lastMessageAt")
       SELECT $2::uuid, $1::uuid, $20, $21::jsonb, $4::timestamptz, $27::timestamptz
       FROM event WHERE $22::boolean AND $2::uuid IS NOT NULL
       ON CONFLICT ("id") DO UPDATE SET "lastMessageAt" = $27::timestamptz
       RETURNING id
     ),
     messages AS (
       INSERT INTO "Message" ("id", "conversationId", "clientId", "role", "content", "usageEventId", "createdAt")
       SELECT m.id, conversation.id, $1::uuid, m.role::"MessageRole", m.content, event.id, m.at
       FROM event, conversation,
            (VALUES ($23::uuid, 'user', $24, $4::timestamptz),
                    ($25::uuid, 'assistant', $26, $27::timestamptz)) AS m(id, role, content, at)
     ),
     counters AS (
       INSERT INTO "UsageCounter" ("clientId", "period", "metric", "value", "reserved", "updatedAt")
       SELECT $1::uuid, $16, delta.metric, delta.settled, -delta.released, $27::timestamptz
       FROM delta WHERE delta.settled <> 0 OR delta.released <> 0
       -- The order meterline_reserve_usage locks counters in: no deadlock between the two.
       ORDER BY delta.metric
       ON CONFLICT ("clientId", "period", "metric")
       DO UPDATE SET "value" = "UsageCounter"."value" + EXCLUDED."value",
                     "reserved" = "UsageCounter"."reserved" + EXCLUDED."reserved",
                     "updatedAt" = EXCLUDED."updatedAt"
       RETURNING metric, value
     ),
     -- Usage alerts: every threshold of a monthly limit the settled value has reached. The
     -- counter row's lock orders concurrent settles, and the unique key makes the alert
     -- exist once, whoever gets there first; the outbox worker sends it.
     alerts AS (
       INSERT INTO "UsageAlert" ("clientId", "period", "limitKey", "counter", "threshold", "limit", "value", "planKey", "crossedAt")
       SELECT $1::uuid, $16, l.key, l.counter, t.threshold, l.lim, counters.value, $29, $27::timestamptz
       FROM counters
       JOIN unnest($30::text[], $31::text[], $32::numeric[]) AS l(key, counter, lim) ON l.counter = counters.metric
       CROSS JOIN unnest($33::int[]) AS t(threshold)
       WHERE counters.value * 100 >= l.lim * t.threshold
       ON CONFLICT ("clientId", "period", "limitKey", "threshold") DO NOTHING
     )
     SELECT id FROM event`,
    [input.clientId,
    input.conversationId,
    input.idempotencyKey,
    input.occurredAt.toISOString(),
    input.provider,
    input.model,
    input.inputTokens,
    input.cachedInputTokens,
    input.outputTokens,
    input.tokensEstimated,
    JSON.stringify(input.toolCalls),
    toolCallCount,
    input.latencyMs,
    input.status,
    input.costUsd.toString(),
    period,
    counters.map((c) => c.metric),
    counters.map((c) => c.actual.toString()),
    counters.map((c) => c.reserved.toString()),
    input.exchange?.title ?? null,
    input.exchange?.metadata ? JSON.stringify(input.exchange.metadata) : null,
    Boolean(input.exchange),
    input.exchange?.userMessageId ?? null,
    input.exchange?.userContent ?? null,
    input.exchange?.assistantMessageId ?? null,
    input.exchange?.assistantContent ?? null,
    input.recordedAt.toISOString(),
    input.attemptId ?? null,
    input.alerts?.planKey ?? null,
    input.alerts?.limits.map((l) => l.limitKey) ?? [],
    input.alerts?.limits.map((l) => l.counter) ?? [],
    input.alerts?.limits.map((l) => l.limit) ?? [],
    input.alerts?.thresholds ?? [],
    input.decision?.promptTokensBefore ?? null,
    input.decision?.promptTokensAfter ?? null,
    input.decision?.route ?? null,
    input.decision?.routeReason ?? null,
    input.decision?.fallback ?? false,
    input.decision?.experimentId ?? null,
    input.decision?.variant ?? null],
  ));
  const id = rows[0]?.id;
  return id ? { usageEventId: id, duplicate: false } : { usageEventId: null, duplicate: true };
}
