// The first half of a chat request, before the provider is called: load the context in
// one query, answer a replayed idempotency key from storage, plan the prompt (the model
// that answers, compression, the context budget: plan-prompt.ts), and reserve against the
// plan's limits through the request's ChatAttempt. send-chat-message.ts calls the
// provider chain and settles what was used.
import { randomUUID } from "node:crypto";
import Decimal from "decimal.js";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { touchApiKey } from "@/server/clients/api-keys";
import type { TProviderChainEntry } from "@/server/llm/fallback";
import { createProvider, type TLlmConfig } from "@/server/llm/create-provider";
import type { LlmProvider, TChatMessage, TLlmProviderName } from "@/server/llm/provider";
import { buildReservations, type TReservation } from "@/server/usage/limit-metrics";
import { costOfCall } from "@/server/usage/cost-of-call";
import { periodRange } from "@/server/usage/period";
import type { TCallDecision } from "@/server/usage/record-usage";
import { assignVariant, ZExperimentVariants, type TExperimentVariant } from "@/server/experiments/assign-variant";
import type { TLimitExceeded } from "@/server/usage/reserve-usage";
import { beginChatAttempt, requestHash, type TBeginAttempt } from "./chat-attempts";
import type { TChatReply, TChatRequest } from "./chat-request";
import { loadChatContext, type TChatCaller, type TChatContext, type TPreviousReply, type TStoredMessage } from "./load-chat-context";
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

export type TPreparedChat = {
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
  /** Turns the budget left out, to fold into the conversation's summary once the reply is settled. */
  toSummarize: { messages: TStoredMessage[]; provider: LlmProvider; model: string } | null;
};

export type TPrepareResult = { kind: "replay"; reply: TChatReply } | { kind: "call"; prepared: TPreparedChat };

function keyReused(): AppError {
  return new AppError("IDEMPOTENCY_KEY_REUSED", "This idempotency key was used for a different request; use a new key for a new message.");
}

export function replayOf(previous: TPreviousReply): TChatReply {
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
    summary: context.summary,
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
      toSummarize: plan.toSummarize && {
        messages: plan.toSummarize.messages,
        provider: gateway.provider(plan.toSummarize.model.provider),
        model: plan.toSummarize.model.model,
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
