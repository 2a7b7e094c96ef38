// Rows the provider analytics read, written directly (the chat path writes them in the app):
// usage events, failed chat attempts and thumbs on replies.
import { randomUUID } from "node:crypto";
import type { TDbClient } from "@/server/db/client";

export type TEventSpec = {
  provider: string;
  model: string;
  at: Date;
  costUsd?: string;
  latencyMs?: number;
  fallback?: boolean;
  route?: "primary" | "cheap" | "degraded" | null;
  inputTokens?: number;
  outputTokens?: number;
};

/** Inserts the events; returns their ids in order. */
export async function insertEvents(db: TDbClient, clientId: string, events: TEventSpec[]): Promise<string[]> {
  const rows = events.map((event) => ({
    id: randomUUID(),
    clientId,
    idempotencyKey: randomUUID(),
    occurredAt: event.at,
    provider: event.provider,
    model: event.model,
    inputTokens: event.inputTokens ?? 1000,
    outputTokens: event.outputTokens ?? 100,
    latencyMs: event.latencyMs ?? 0,
    fallback: event.fallback ?? false,
    route: event.route ?? null,
    status: "success" as const,
    costUsd: event.costUsd ?? "0",
  }));
  await db.usageEvent.createMany({ data: rows });
  return rows.map((row) => row.id);
}

/** `count` failed chat attempts whose chain started with provider/model. */
export async function insertFailedAttempts(db: TDbClient, clientId: string, ref: { provider: string; model: string }, count: number, at: Date, status: "failed" | "in_flight" = "failed") {
  await db.chatAttempt.createMany({
    data: Array.from({ length: count }, () => ({
      clientId,
      idempotencyKey: randomUUID(),
      requestHash: "0".repeat(64),
      status,
      leaseExpiresAt: at,
      provider: ref.provider,
      model: ref.model,
      createdAt: at,
      updatedAt: at,
    })),
  });
}

/** One reply message per event id, and a thumbs up or down on the first up + down of them. */
export async function insertFeedback(db: TDbClient, clientId: string, eventIds: string[], up: number, down: number) {
  if (up + down > eventIds.length) throw new Error(`${up + down} votes need as many events, got ${eventIds.length}`);
  const conversation = await db.conversation.create({ data: { clientId }, select: { id: true } });
  const voted = eventIds.slice(0, up + down);
  const messages = voted.map((usageEventId) => ({ id: randomUUID(), conversationId: conversation.id, clientId, role: "assistant" as const, content: "reply", usageEventId }));
  await db.message.createMany({ data: messages });
  await db.messageFeedback.createMany({
    data: messages.map((message, index) => ({ clientId, messageId: message.id, usageEventId: message.usageEventId, rating: index < up ? ("up" as const) : ("down" as const) })),
  });
}
