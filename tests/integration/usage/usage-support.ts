// Usage recorded the way the chat path meters it (recordUsage: the event and its
// counters in one statement), for the usage tracker and reconcile tests.
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import type { TDbClient } from "@/server/db/client";
import { recordUsage } from "@/server/usage/record-usage";
import type { TReservation } from "@/server/usage/limit-metrics";

export type TCall = {
  at: Date;
  provider?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  toolCalls?: Record<string, number>;
  costUsd?: string;
  /** Continue this conversation; default: a new one. */
  conversationId?: string;
  reservations?: TReservation[];
};

/** One metered call; returns its conversation id. */
export async function meterCall(db: TDbClient, clientId: string, call: TCall): Promise<string> {
  const conversationId = call.conversationId ?? randomUUID();
  await recordUsage(db, {
    clientId,
    conversationId,
    newConversation: !call.conversationId,
    idempotencyKey: randomUUID(),
    occurredAt: call.at,
    recordedAt: call.at,
    provider: call.provider ?? "openai",
    model: call.model ?? "gpt-4o-mini",
    inputTokens: call.inputTokens ?? 100,
    cachedInputTokens: 0,
    outputTokens: call.outputTokens ?? 50,
    tokensEstimated: false,
    toolCalls: call.toolCalls ?? {},
    latencyMs: 10,
    status: "success",
    costUsd: new Decimal(call.costUsd ?? "0.0012345678"),
    reservations: call.reservations ?? [],
    attemptId: null,
  });
  return conversationId;
}

export async function meterCalls(db: TDbClient, clientId: string, count: number, call: TCall): Promise<void> {
  for (let i = 0; i < count; i++) await meterCall(db, clientId, call);
}
