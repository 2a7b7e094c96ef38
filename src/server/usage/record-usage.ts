// Metering: one UsageEvent per LLM call and the client's monthly counters, written by a
// single SQL statement, so the event and the counters can never disagree. Idempotent by
// (client, idempotencyKey): a duplicate records nothing and gives its reservation back.
import Decimal from "decimal.js";
import type { TDbClient } from "@/server/db/client";
import { actualUsage, type TReservation } from "./limit-metrics";
import { periodOf } from "./period";
import { retryTransient } from "@/server/db/retry-transient";

export type TRecordUsageInput = {
  clientId: string;
  conversationId: string | null;
  newConversation: boolean;
  idempotencyKey: string;
  occurredAt: Date;
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
   * The chat exchange behind the call, written by the same statement: the conversation
   * (created when new) and the user's and assistant's messages. Nothing is written for
   * a duplicate.
   */
  exchange?: {
    title: string | null;
    metadata: Record<string, unknown> | null;
    userMessageId: string;
    userContent: string;
    assistantMessageId: string;
    assistantContent: string;
  };
};

export type TRecordUsageResult = { usageEventId: string; duplicate: false } | { usageEventId: null; duplicate: true };

export async function recordUsage(db: TDbClient, input: TRecordUsageInput): Promise<TRecordUsageResult> {
  const period = periodOf(input.occurredAt);
  const toolCallCount = Object.values(input.toolCalls).reduce((sum, n) => sum + n, 0);
  const actual = actualUsage({ ...input, toolCallCount });

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

  const rows = await retryTransient(() => db.$queryRawUnsafe<Array<{ id: string }>>(
    `WITH event AS (
       INSERT INTO "UsageEvent" ("clientId", "conversationId", "idempotencyKey", "occurredAt", "provider", "model",
         "inputTokens", "cachedInputTokens", "outputTokens", "tokensEstimated", "toolCalls", "toolCallCount",
         "latencyMs", "status", "costUsd")
       VALUES ($1::uuid, $2::uuid, $3, $4::timestamptz, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14::"UsageStatus", $15::numeric)
       ON CONFLICT ("clientId", "idempotencyKey") DO NOTHING
       RETURNING id
     ),
     delta AS (
       SELECT d.metric,
              CASE WHEN EXISTS (SELECT 1 FROM event) THEN d.actual - d.reserved ELSE -d.reserved END AS amount
       FROM unnest($17::text[], $18::numeric[], $19::numeric[]) AS d(metric, actual, reserved)
     ),
     conversation AS (
       INSERT INTO "Conversation" ("id", "clientId", "title", "metadata", "createdAt", "lastMessageAt")
       SELECT $2::uuid, $1::uuid, $20, $21::jsonb, $4::timestamptz, now()
       FROM event WHERE $22::boolean AND $2::uuid IS NOT NULL
       ON CONFLICT ("id") DO UPDATE SET "lastMessageAt" = now()
       RETURNING id
     ),
     messages AS (
       INSERT INTO "Message" ("id", "conversationId", "clientId", "role", "content", "usageEventId", "createdAt")
       SELECT m.id, conversation.id, $1::uuid, m.role::"MessageRole", m.content, event.id, m.at
       FROM event, conversation,
            (VALUES ($23::uuid, 'user', $24, $4::timestamptz),
                    ($25::uuid, 'assistant', $26, now())) AS m(id, role, content, at)
     ),
     counters AS (
       INSERT INTO "UsageCounter" ("clientId", "period", "metric", "value", "updatedAt")
       SELECT $1::uuid, $16, delta.metric, delta.amount, now() FROM delta WHERE delta.amount <> 0
       -- The order meterline_reserve_usage locks counters in: no deadlock between the two.
       ORDER BY delta.metric
       ON CONFLICT ("clientId", "period", "metric")
       DO UPDATE SET "value" = "UsageCounter"."value" + EXCLUDED."value", "updatedAt" = now()
     )
     SELECT id FROM event`,
    input.clientId,
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
  ));
  const id = rows[0]?.id;
  return id ? { usageEventId: id, duplicate: false } : { usageEventId: null, duplicate: true };
}
