// The chat hot path: load context, reserve against the plan, call the provider chain,
// then record exactly what was used. Every request costs, besides the provider call:
// the key lookup, one context query, one reservation (only when the plan has limits),
// a price lookup and one statement that writes the event, counters and messages.
import type { TDbClient } from "@/server/db/client";
import { chatWithFallback, streamWithFallback } from "@/server/llm/fallback";
import type { TChatResult, TLlmProviderName } from "@/server/llm/provider";
import { costOfCall } from "@/server/usage/cost-of-call";
import { chatAlertRules, recordUsage } from "@/server/usage/record-usage";
import { randomUUID } from "node:crypto";
import { failChatAttempt } from "./chat-attempts";
import type { TChatReply, TChatRequest } from "./chat-request";
import { loadChatContext, type TChatCaller } from "./load-chat-context";
import { summarizeInBackground } from "./conversation-summary";
import { MAX_OUTPUT_TOKENS, prepareChat, replayOf, type TLlmGateway, type TPreparedChat } from "./prepare-chat";

export {
  DEFAULT_UPGRADE_MESSAGE,
  MAX_OUTPUT_TOKENS,
  createLlmGateway,
  prepareChat,
  retryAfterSeconds,
  type TLlmGateway,
  type TPrepareResult,
} from "./prepare-chat";

/** Folds the turns this request left out into the conversation's summary, off the request's path (logged on failure). */
function summarizeLeftOutTurns(db: TDbClient, prepared: TPreparedChat, job: NonNullable<TPreparedChat["toSummarize"]>): Promise<void> {
  const { provider, model } = job;
  return summarizeInBackground(db, {
    clientId: prepared.clientId,
    conversationId: prepared.conversationId,
    idempotencyKey: prepared.idempotencyKey,
    previous: prepared.context.summary,
    messages: job.messages,
    provider,
    model,
    price: prepared.context.prices.get(`${provider.name}/${model}`) ?? null,
    limits: prepared.context.plan.limits,
    alerts: chatAlertRules(prepared.context.plan),
    clock: prepared.clock,
  });
}

/** What a failed attempt records for error rates. */
function failureOf(prepared: TPreparedChat) {
  const first = prepared.chain[0]!;
  return { provider: first.provider.name, model: first.model, experimentId: prepared.decision.experimentId, variant: prepared.decision.variant };
}

/** Records what a call used and returns the reply. A concurrent duplicate returns the stored reply. */
export async function settleChat(
  db: TDbClient,
  prepared: TPreparedChat,
  served: { provider: TLlmProviderName; model: string; result: TChatResult; status: "success" | "partial"; latencyMs: number },
): Promise<TChatReply> {
  const { result } = served;
  // The price in effect when the request started, loaded with its context.
  const costUsd = costOfCall(prepared.context.prices.get(`${served.provider}/${served.model}`) ?? null, result.usage);
  const userMessageId = randomUUID();
  const assistantMessageId = randomUUID();
  const recorded = await recordUsage(db, {
    clientId: prepared.clientId,
    conversationId: prepared.conversationId,
    newConversation: prepared.newConversation,
    idempotencyKey: prepared.idempotencyKey,
    // The period is the request's: a call that straddles midnight settles where it reserved.
    occurredAt: prepared.startedAt,
    // The reply is stamped when it settles, by the request's clock, and always after the question.
    recordedAt: new Date(Math.max(prepared.clock().getTime(), prepared.startedAt.getTime() + 1)),
    provider: served.provider,
    model: served.model,
    inputTokens: result.usage.inputTokens,
    cachedInputTokens: result.usage.cachedInputTokens,
    outputTokens: result.usage.outputTokens,
    tokensEstimated: result.usage.estimated,
    toolCalls: result.toolCalls,
    latencyMs: served.latencyMs,
    status: served.status,
    costUsd,
    reservations: prepared.reservations,
    attemptId: prepared.attemptId,
    alerts: chatAlertRules(prepared.context.plan),
    decision: {
      ...prepared.decision,
      fallback: served.provider !== prepared.chain[0]!.provider.name || served.model !== prepared.chain[0]!.model,
    },
    exchange: {
      title: prepared.newConversation ? prepared.request.message.slice(0, 80) : null,
      metadata: prepared.request.metadata ?? null,
      userMessageId,
      userContent: prepared.request.message,
      assistantMessageId,
      assistantContent: result.text,
    },
  });
  if (recorded.duplicate) {
    const context = await loadChatContext(db, {
      caller: { client: prepared.context.client },
      conversationId: null,
      idempotencyKey: prepared.idempotencyKey,
      now: prepared.startedAt,
    });
    if (context.previous) return replayOf(context.previous);
  }
  return {
    conversationId: prepared.conversationId,
    messageId: assistantMessageId,
    reply: result.text,
    provider: served.provider,
    model: served.model,
    usage: {
      inputTokens: result.usage.inputTokens,
      cachedInputTokens: result.usage.cachedInputTokens,
      outputTokens: result.usage.outputTokens,
      toolCalls: Object.values(result.toolCalls).reduce((sum, n) => sum + n, 0),
      costUsd: costUsd.toString(),
      estimated: result.usage.estimated,
    },
    replayed: false,
  };
}

/** Non-streaming chat. Nothing is charged when every provider fails (503). */
export async function sendChatMessage(
  db: TDbClient,
  gateway: TLlmGateway,
  input: { caller: TChatCaller; request: TChatRequest; signal?: AbortSignal; clock?: () => Date },
): Promise<TChatReply> {
  const prepared = await prepareChat(db, gateway, input.caller, input.request, input.clock);
  if (prepared.kind === "replay") return prepared.reply;
  const started = performance.now();
  let served;
  try {
    served = await chatWithFallback(prepared.prepared.chain, {
      messages: prepared.prepared.messages,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      signal: input.signal,
    });
  } catch (error) {
    await failChatAttempt(db, prepared.prepared.attemptId, prepared.prepared.clock(), failureOf(prepared.prepared));
    throw error;
  }
  return settleAnsweredChat(db, prepared.prepared, {
    provider: served.provider,
    model: served.model,
    result: served.result,
    status: "success",
    latencyMs: Math.round(performance.now() - started),
  });
}

/**
 * settleChat for a call the provider answered. If the settle statement fails, the call is
 * not metered: that is logged at error level with what was used, and the attempt is NOT
 * closed as failed. It stays in flight, holding its reservation, until its lease runs out;
 * the sweeper then marks it abandoned, and admins see it among the unmetered attempts
 * (listAbandonedAttempts). A retry with the same idempotency key meanwhile is told the
 * request is in progress rather than calling the provider a second time.
 */
async function settleAnsweredChat(db: TDbClient, prepared: TPreparedChat, served: Parameters<typeof settleChat>[2]): Promise<TChatReply> {
  try {
    const reply = await settleChat(db, prepared, served);
    if (prepared.toSummarize && !reply.replayed) void summarizeLeftOutTurns(db, prepared, prepared.toSummarize);
    return reply;
  } catch (error) {
    const { usage } = served.result;
    console.error(
      `chat of client ${prepared.clientId} (attempt ${prepared.attemptId}, idempotency key ${prepared.idempotencyKey}) was answered by ` +
        `${served.provider}/${served.model} (${served.status}; ${usage.inputTokens} input, ${usage.cachedInputTokens} cached, ${usage.outputTokens} output tokens) ` +
        "but its usage could NOT be recorded: the attempt keeps its reservation until its lease runs out, then shows as abandoned (unmetered):",
      error,
    );
    throw error;
  }
}

export type TFinishedStream = { reply: TChatReply; interrupted: boolean };

export type TChatStream = {
  conversationId: string;
  /** Text deltas. Iteration throws AllProvidersFailedError when no provider produced anything. */
  deltas: AsyncIterable<string>;
  /**
   * Settles after the deltas end for any reason (done, client gone, provider failed):
   * the recorded reply, with `interrupted` when the provider failed after its first delta
   * (the reply is what it produced, metered), or the error when nothing was produced
   * (reservation released).
   */
  finished: Promise<TFinishedStream>;
};

/**
 * Streaming chat, metered exactly like non-streaming: usage comes from the provider's
 * stream (estimated and marked where it reports none), and a consumer that stops early
 * still records what the provider produced.
 */
export async function streamChatMessage(
  db: TDbClient,
  gateway: TLlmGateway,
  input: { caller: TChatCaller; request: TChatRequest; signal?: AbortSignal; clock?: () => Date },
): Promise<{ kind: "replay"; reply: TChatReply } | { kind: "stream"; stream: TChatStream }> {
  const prepared = await prepareChat(db, gateway, input.caller, input.request, input.clock);
  if (prepared.kind === "replay") return prepared;
  const chat = prepared.prepared;
  const started = performance.now();
  const handle = streamWithFallback(chat.chain, { messages: chat.messages, maxOutputTokens: MAX_OUTPUT_TOKENS, signal: input.signal });

  let resolveFinished!: (finished: TFinishedStream) => void;
  let rejectFinished!: (error: unknown) => void;
  const finished = new Promise<TFinishedStream>((resolve, reject) => {
    resolveFinished = resolve;
    rejectFinished = reject;
  });
  // Not an unhandled rejection when no consumer awaits it (the client went away): every
  // way it rejects is logged where it happens (settleAnsweredChat, failChatAttempt's catch)
  // or is a provider failure with nothing produced, which the consumer is told about.
  finished.catch(() => undefined);

  async function settleWhenEnded() {
    let outcome: Awaited<typeof handle.outcome>;
    try {
      outcome = await handle.outcome;
    } catch (error) {
      // No provider produced anything: nothing to meter, the reservation is given back.
      await failChatAttempt(db, chat.attemptId, chat.clock(), failureOf(chat)).catch((releaseError: unknown) => {
        // The attempt keeps its reservation until its lease runs out and the sweeper takes it back.
        console.error(
          `chat stream of client ${chat.clientId} (attempt ${chat.attemptId}, idempotency key ${chat.idempotencyKey}) could not be closed as failed; its lease will release ${JSON.stringify(chat.reservations)}:`,
          releaseError,
        );
      });
      rejectFinished(error);
      return;
    }
    try {
      const reply = await settleAnsweredChat(db, chat, {
        provider: outcome.provider,
        model: outcome.model,
        result: outcome.result,
        status: outcome.status === "completed" ? "success" : "partial",
        latencyMs: Math.round(performance.now() - started),
      });
      resolveFinished({ reply, interrupted: outcome.status === "failed" });
    } catch (error) {
      // Logged by settleAnsweredChat whether or not a consumer still awaits `finished`.
      rejectFinished(error);
    }
  }

  async function* deltas(): AsyncGenerator<string, void, undefined> {
    try {
      for await (const event of handle) {
        if (event.type === "delta") yield event.text;
      }
    } finally {
      // Runs when the stream ends, fails, or the consumer stops: metering never depends on the consumer.
      void settleWhenEnded();
    }
  }

  return { kind: "stream", stream: { conversationId: chat.conversationId, deltas: deltas(), finished } };
}
