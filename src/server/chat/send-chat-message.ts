// The chat hot path: load context, reserve against the plan, call the provider chain,
// then record exactly what was used. Every request costs, besides the provider call:
// the key lookup, one context query, one reservation (only when the plan has limits),
// a price lookup and one statement that writes the event, counters and messages.
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { touchApiKey } from "@/server/clients/api-keys";
import { chatWithFallback, streamWithFallback, type TProviderChainEntry } from "@/server/llm/fallback";
import { createProvider, type TLlmConfig } from "@/server/llm/create-provider";
import type { LlmProvider, TChatMessage, TChatResult, TLlmProviderName } from "@/server/llm/provider";
import { buildReservations, type TReservation } from "@/server/usage/limit-metrics";
import { costOfCall } from "@/server/usage/cost-of-call";
import { periodRange } from "@/server/usage/period";
import { chatAlertRules, recordUsage, type TCallDecision } from "@/server/usage/record-usage";
import { assignVariant, ZExperimentVariants, type TExperimentVariant } from "@/server/experiments/assign-variant";
import type { TLimitExceeded } from "@/server/usage/reserve-usage";
import { beginChatAttempt, failChatAttempt, requestHash, type TBeginAttempt } from "./chat-attempts";
import type { TChatReply, TChatRequest } from "./chat-request";
import { loadChatContext, type TChatCaller, type TChatContext, type TPreviousReply } from "./load-chat-context";
import { primaryModel } from "./provider-chain";
import { planPrompt } from "./plan-prompt";
import { clockNow } from "@/server/clock";

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
  /** The ChatAttempt that holds the key and the reservations until the call settles or fails. */
  attemptId: string;
  startedAt: Date;
  /** The clock the request runs on (the app's, or a test's): read again when it settles. */
  clock: () => Date;
  reservations: TReservation[];
  /** How the model was chosen and the prompt shaped; `fallback` is known when it settles. */
  decision: Omit<TCallDecision, "fallback">;
};

export type TPrepareResult = { kind: "replay"; reply: TChatReply } | { kind: "call"; prepared: TPreparedChat };

function keyReused(): AppError {
  return new AppError("IDEMPOTENCY_KEY_REUSED", "This idempotency key was used for a different request; use a new key for a new message.");
}

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
  caller: TChatCaller,
  request: TChatRequest,
  clock: () => Date = clockNow,
): Promise<TPrepareResult> {
  const now = clock();
  const context = await loadChatContext(db, {
    caller,
    conversationId: request.conversationId ?? null,
    idempotencyKey: request.idempotencyKey ?? null,
    now,
  });
  const { client } = context;
  if (context.key) await touchApiKey(db, context.key, now);
  const hash = requestHash(request);
  if (context.previous) {
    if (context.previousRequestHash && context.previousRequestHash !== hash) throw keyReused();
    return { kind: "replay", reply: replayOf(context.previous) };
  }

  const conversationId = request.conversationId ?? randomUUID();
  const variant = experimentVariant(context, conversationId);
  const costLimit = context.plan.limits.costLimitUSD;
  const plan = await planPrompt({
    history: context.history,
    message: request.message,
    optimization: context.plan.optimization,
    routingEnabled: variant ? variant.routing : context.routingEnabled,
    primary: variant ? { provider: variant.provider, model: variant.model } : primaryModel(context),
    fallbacks: context.fallbackChain,
    catalogue: context.catalogue,
    cost: costLimit === null || costLimit === undefined ? null : { usedUsd: context.costUsedUsd, limitUsd: new Decimal(costLimit).toString() },
  });
  const chain = plan.chain.map(({ provider, model }) => ({ provider: gateway.provider(provider), model }));
  const messages: TChatMessage[] = plan.messages;
  // The first model's tokenizer count of what is sent (compressed and fitted to the budget).
  const estimatedInputTokens = plan.promptTokensAfter;
  // Any model of the chain may end up answering (a fallback), so the estimate is priced at
  // the dearest of them: a free first model must not let a paid fallback spend past a cost
  // limit. The attempt keeps it too: what an abandoned call may have cost us.
  const estimate = { inputTokens: estimatedInputTokens, cachedInputTokens: 0, outputTokens: MAX_OUTPUT_TOKENS };
  const estimatedCostUsd = chain
    .map((entry) => costOfCall(context.prices.get(`${entry.provider.name}/${entry.model}`) ?? null, estimate))
    .reduce((dearest, cost) => Decimal.max(dearest, cost), new Decimal(0));
  const reservations = buildReservations(
    context.plan.limits,
    {
      newConversation: !request.conversationId,
      estimatedInputTokens,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      estimatedCostUsd,
    },
    now,
  );
  const idempotencyKey = request.idempotencyKey ?? randomUUID();
  let attempt: TBeginAttempt;
  try {
    attempt = await beginChatAttempt(db, {
      clientId: client.id,
      idempotencyKey,
      requestHash: hash,
      now,
      reservations,
      estimatedCostUsd,
    });
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
  if (attempt.kind === "settled") {
    // Answered by a request that settled since the context was read: its stored reply.
    const settled = await loadChatContext(db, { caller: { client }, conversationId: null, idempotencyKey, now });
    if (!settled.previous) throw new Error(`attempt ${idempotencyKey} of client ${client.id} is settled but has no usage event`);
    return { kind: "replay", reply: replayOf(settled.previous) };
  }
  return {
    kind: "call",
    prepared: {
      clientId: client.id,
      request,
      context,
      chain,
      messages,
      conversationId,
      newConversation: !request.conversationId,
      idempotencyKey,
      attemptId: attempt.attemptId,
      startedAt: now,
      clock,
      reservations,
      decision: {
        promptTokensBefore: plan.promptTokensBefore,
        promptTokensAfter: plan.promptTokensAfter,
        route: plan.route,
        routeReason: plan.routeReason,
        experimentId: variant ? context.experiment!.id : null,
        variant: variant?.key ?? null,
      },
    },
  };
}

/**
 * The conversation's variant of the client's running experiment, or null. Variants were
 * validated when the experiment was saved; a row that no longer parses is logged and the
 * request runs as if there were no experiment rather than failing the tenant's users.
 */
function experimentVariant(context: TChatContext, conversationId: string): TExperimentVariant | null {
  if (!context.experiment) return null;
  const variants = ZExperimentVariants.safeParse(context.experiment.variants);
  if (!variants.success) {
    console.error(`experiment ${context.experiment.id} of client ${context.clientId} has invalid variants; the chat runs without it:`, variants.error.issues);
    return null;
  }
  return assignVariant(context.experiment.id, conversationId, variants.data);
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
    return await settleChat(db, prepared, served);
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
