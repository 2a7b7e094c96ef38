// The chat hot path: load context, reserve against the plan, call the provider chain,
// then record exactly what was used. Every request costs, besides the provider call:
// the key lookup, one context query, one reservation (only when the plan has limits),
// a price lookup and one statement that writes the event, counters and messages.
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import type { TAuthenticatedClient } from "@/server/clients/api-keys";
import { chatWithFallback, streamWithFallback, type TProviderChainEntry } from "@/server/llm/fallback";
import { createProvider, type TLlmConfig } from "@/server/llm/create-provider";
import type { LlmProvider, TChatMessage, TChatResult, TLlmProviderName } from "@/server/llm/provider";
import { estimatePromptTokens } from "@/server/llm/usage-estimate";
import { buildReservations, type TReservation } from "@/server/usage/limit-metrics";
import { costOfCall, findModelPrice } from "@/server/usage/cost-of-call";
import { periodRange } from "@/server/usage/period";
import { recordUsage } from "@/server/usage/record-usage";
import { releaseUsage, reserveUsage, type TLimitExceeded } from "@/server/usage/reserve-usage";
import type { TChatReply, TChatRequest } from "./chat-request";
import { loadChatContext, type TChatContext, type TPreviousReply } from "./load-chat-context";
import { resolveProviderChain } from "./provider-chain";

/** Most tokens a reply may use; also what a token or cost limit reserves for it. */
export const MAX_OUTPUT_TOKENS = 1024;

export const DEFAULT_UPGRADE_MESSAGE = "Please upgrade your plan or contact support";

/** Providers by name, created once per configuration (they hold no per-request state). */
export type TLlmGateway = { provider(name: TLlmProviderName): LlmProvider };

export function createLlmGateway(config: TLlmConfig): TLlmGateway {
  const providers = new Map<TLlmProviderName, LlmProvider>();
  return {
    provider(name) {
      let provider = providers.get(name);
      if (!provider) {
        provider = createProvider(name, config);
        providers.set(name, provider);
      }
      return provider;
    },
  };
}

type TPreparedChat = {
  clientId: string;
  request: TChatRequest;
  context: TChatContext;
  chain: TProviderChainEntry[];
  messages: TChatMessage[];
  conversationId: string;
  newConversation: boolean;
  idempotencyKey: string;
  startedAt: Date;
  reservations: TReservation[];
};

export type TPrepareResult = { kind: "replay"; reply: TChatReply } | { kind: "call"; prepared: TPreparedChat };

function replayOf(previous: TPreviousReply): TChatReply {
  return {
    conversationId: previous.conversationId ?? "",
    messageId: previous.messageId ?? "",
    reply: previous.reply ?? "",
    provider: previous.provider,
    model: previous.model,
    usage: {
      inputTokens: previous.inputTokens,
      cachedInputTokens: previous.cachedInputTokens,
      outputTokens: previous.outputTokens,
      toolCalls: previous.toolCallCount,
      costUsd: new Decimal(previous.costUsd).toString(),
      estimated: previous.tokensEstimated,
    },
    replayed: true,
  };
}

/** Seconds until the limit's window starts over: the next month, or the next minute. */
export function retryAfterSeconds(period: string, now: Date): number {
  const end = period.startsWith("m")
    ? new Date(`${period.slice(1)}:00.000Z`).getTime() + 60_000
    : periodRange(period).end.getTime();
  return Math.max(1, Math.ceil((end - now.getTime()) / 1000));
}

/** Loads context, answers a replayed idempotency key from storage, else reserves usage. */
export async function prepareChat(
  db: TDbClient,
  gateway: TLlmGateway,
  client: TAuthenticatedClient,
  request: TChatRequest,
  now: Date = new Date(),
): Promise<TPrepareResult> {
  const context = await loadChatContext(db, {
    clientId: client.id,
    conversationId: request.conversationId ?? null,
    idempotencyKey: request.idempotencyKey ?? null,
  });
  if (context.previous) return { kind: "replay", reply: replayOf(context.previous) };

  const chain = resolveProviderChain(context).map(({ provider, model }) => ({ provider: gateway.provider(provider), model }));
  const messages: TChatMessage[] = [...context.history, { role: "user", content: request.message }];
  const estimatedInputTokens = estimatePromptTokens(messages);
  // Only a cost limit needs the price before the call.
  const price =
    context.plan.limits.costLimitUSD != null && chain[0]
      ? await findModelPrice(db, chain[0].provider.name, chain[0].model, now)
      : null;
  const reservations = buildReservations(
    context.plan.limits,
    {
      newConversation: !request.conversationId,
      estimatedInputTokens,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      estimatedCostUsd: costOfCall(price, { inputTokens: estimatedInputTokens, cachedInputTokens: 0, outputTokens: MAX_OUTPUT_TOKENS }),
    },
    now,
  );
  try {
    await reserveUsage(db, client.id, reservations);
  } catch (error) {
    if (error instanceof AppError && error.code === "PLAN_LIMIT_EXCEEDED") {
      const exceeded = error.data as TLimitExceeded;
      throw new AppError("PLAN_LIMIT_EXCEEDED", "Plan limit exceeded", {
        metric: exceeded.limitKey,
        limit: Number(exceeded.limit),
        current: Number(exceeded.current),
        message: context.plan.upgradeMessage || DEFAULT_UPGRADE_MESSAGE,
        upgradeUrl: context.plan.upgradeUrl,
        retryAfterSeconds: retryAfterSeconds(exceeded.period, now),
      });
    }
    throw error;
  }
  return {
    kind: "call",
    prepared: {
      clientId: client.id,
      request,
      context,
      chain,
      messages,
      conversationId: request.conversationId ?? randomUUID(),
      newConversation: !request.conversationId,
      idempotencyKey: request.idempotencyKey ?? randomUUID(),
      startedAt: now,
      reservations,
    },
  };
}

/** Records what a call used and returns the reply. A concurrent duplicate returns the stored reply. */
export async function settleChat(
  db: TDbClient,
  prepared: TPreparedChat,
  served: { provider: TLlmProviderName; model: string; result: TChatResult; status: "success" | "partial"; latencyMs: number },
): Promise<TChatReply> {
  const { result } = served;
  const price = await findModelPrice(db, served.provider, served.model, prepared.startedAt);
  const costUsd = costOfCall(price, result.usage);
  const userMessageId = randomUUID();
  const assistantMessageId = randomUUID();
  const recorded = await recordUsage(db, {
    clientId: prepared.clientId,
    conversationId: prepared.conversationId,
    newConversation: prepared.newConversation,
    idempotencyKey: prepared.idempotencyKey,
    // The period is the request's: a call that straddles midnight settles where it reserved.
    occurredAt: prepared.startedAt,
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
      clientId: prepared.clientId,
      conversationId: null,
      idempotencyKey: prepared.idempotencyKey,
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
  input: { client: TAuthenticatedClient; request: TChatRequest; signal?: AbortSignal },
): Promise<TChatReply> {
  const prepared = await prepareChat(db, gateway, input.client, input.request);
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
    await releaseUsage(db, prepared.prepared.clientId, prepared.prepared.reservations);
    throw error;
  }
  return settleChat(db, prepared.prepared, {
    provider: served.provider,
    model: served.model,
    result: served.result,
    status: "success",
    latencyMs: Math.round(performance.now() - started),
  });
}

export type TChatStream = {
  conversationId: string;
  /** Text deltas. Iteration throws AllProvidersFailedError when no provider produced anything. */
  deltas: AsyncIterable<string>;
  /**
   * Settles after the deltas end for any reason (done, client gone, provider failed):
   * the recorded reply, or the error when nothing was produced (reservation released).
   */
  finished: Promise<TChatReply>;
};

/**
 * Streaming chat, metered exactly like non-streaming: usage comes from the provider's
 * stream (estimated and marked where it reports none), and a consumer that stops early
 * still records what the provider produced.
 */
export async function streamChatMessage(
  db: TDbClient,
  gateway: TLlmGateway,
  input: { client: TAuthenticatedClient; request: TChatRequest; signal?: AbortSignal },
): Promise<{ kind: "replay"; reply: TChatReply } | { kind: "stream"; stream: TChatStream }> {
  const prepared = await prepareChat(db, gateway, input.client, input.request);
  if (prepared.kind === "replay") return prepared;
  const chat = prepared.prepared;
  const started = performance.now();
  const handle = streamWithFallback(chat.chain, { messages: chat.messages, maxOutputTokens: MAX_OUTPUT_TOKENS, signal: input.signal });

  let resolveFinished!: (reply: TChatReply) => void;
  let rejectFinished!: (error: unknown) => void;
  const finished = new Promise<TChatReply>((resolve, reject) => {
    resolveFinished = resolve;
    rejectFinished = reject;
  });
  finished.catch(() => undefined);

  async function settleWhenEnded() {
    try {
      const outcome = await handle.outcome;
      resolveFinished(
        await settleChat(db, chat, {
          provider: outcome.provider,
          model: outcome.model,
          result: outcome.result,
          status: outcome.status === "completed" ? "success" : "partial",
          latencyMs: Math.round(performance.now() - started),
        }),
      );
    } catch (error) {
      await releaseUsage(db, chat.clientId, chat.reservations).catch(() => undefined);
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
