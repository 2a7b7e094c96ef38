// Everything a chat request needs to know before calling a provider, in one query: the
// API key and its client (the HTTP route authenticates here, no separate lookup), the
// client's provider settings, its plan, the conversation's recent history (only if it
// belongs to this client), an earlier reply under the same idempotency key, the prices in
// effect of every model (the request's chain and what routing may pick; a short table),
// the client's running experiment and the month's cost so far (for degradation).
import { hotQuery, type TDbClient } from "@/server/db/client";
import { assertKeyUsable, type TAuthenticatedClient, type TKeyRow } from "@/server/clients/api-keys";
import type { TModelPrice } from "@/server/usage/cost-of-call";
import { AppError } from "@/server/errors/app-error";
import type { TPlanLimits, TProviderChain } from "@/shared/plan-config";
import { DEFAULT_PLAN_OPTIMIZATION, type TPlanOptimization } from "@/shared/plan-optimization";
import type { TChatMessage } from "@/server/llm/provider";
import type { TPricedModel } from "@/server/llm/routing/route";
import { periodOf } from "@/server/usage/period";

/** How many earlier messages of a conversation go to the provider with a new one. */
export const HISTORY_MESSAGES = 20;

/** Who asks: a client a tRPC procedure authenticated, or the HTTP route's raw key (checked here). */
export type TChatCaller = { client: TAuthenticatedClient } | { keyHash: string; origin: string | null };

export type TChatContext = {
  clientId: string;
  client: TAuthenticatedClient;
  /** The key as loaded (HTTP route), for touchApiKey; null when a procedure authenticated. */
  key: TKeyRow | null;
  /** Prices in effect at the request's instant, by "provider/model"; a model absent here is free (Ollama). */
  prices: Map<string, TModelPrice>;
  /** Every model with a price in effect, retired ones flagged: what routing picks from (never a retired one). */
  catalogue: TPricedModel[];
  override: { provider: string; model: string | null } | null;
  fallbackChain: TProviderChain;
  /** The client's switch for model routing. */
  routingEnabled: boolean;
  /** The client's running A/B test of models, if any (variants as saved, ZExperimentVariants). */
  experiment: { id: string; variants: unknown } | null;
  /** This month's cost, settled and reserved (USD decimal string). */
  costUsedUsd: string;
  plan: {
    key: string;
    version: number;
    limits: Record<string, number | null>;
    features: Record<string, unknown>;
    upgradeMessage: string;
    upgradeUrl: string | null;
    /** Percentages of a monthly limit at which the settle statement records a UsageAlert. */
    alertThresholds: number[];
    optimization: TPlanOptimization;
  };
  /** The conversation's newest messages, oldest first, with when each was written. */
  history: TStoredMessage[];
  /** The conversation's summary of its older turns, if one was made. */
  summary: TConversationSummary | null;
  previous: TPreviousReply | null;
  /** The request hash the idempotency key was first used with (null: no attempt recorded). */
  previousRequestHash: string | null;
};

/** A stored message: `at` is its createdAt as PostgreSQL's JSON writes it (ISO 8601). */
export type TStoredMessage = TChatMessage & { at: string };

/** Stands for every message of the conversation written at or before `upTo`. */
export type TConversationSummary = { text: string; upTo: string };

export type TPreviousReply = {
  usageEventId: string;
  conversationId: string | null;
  messageId: string | null;
  reply: string | null;
  provider: string;
  model: string;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  toolCallCount: number;
  costUsd: string;
  tokensEstimated: boolean;
};

type TRow = Partial<Omit<TKeyRow, "clientId" | "planKey">> & {
  clientId: string;
  prices: Array<TModelPrice & { provider: string; model: string; retired: boolean }>;
  routingEnabled: boolean;
  experiment: { id: string; variants: unknown } | null;
  costUsedUsd: string;
  optimization: Partial<TPlanOptimization> | null;
  llmProvider: string | null;
  llmModel: string | null;
  fallbackChain: unknown;
  planKey: string;
  planVersion: number;
  limits: unknown;
  features: unknown;
  upgradeMessage: string;
  upgradeUrl: string | null;
  alertThresholds: number[];
  conversationFound: boolean;
  history: TStoredMessage[];
  summary: TConversationSummary | null;
  previous: TPreviousReply | null;
  previousRequestHash: string | null;
};

const CONTEXT_COLUMNS = `c.id AS "clientId", c."llmProvider", c."llmModel", c."fallbackChain", c."routingEnabled",
            p.key AS "planKey", p.version AS "planVersion", p.limits, p.features, p."upgradeMessage", p."upgradeUrl",
            p."alertThresholds", p.optimization,
            (SELECT json_build_object('text', v.summary, 'upTo', v."summaryUpTo") FROM "Conversation" v
             WHERE v.id = $2::uuid AND v."clientId" = c.id AND v.summary IS NOT NULL) AS summary,
            (SELECT json_build_object('id', x.id, 'variants', x.variants) FROM "Experiment" x
             WHERE x."clientId" = c.id AND x.status = 'running' ORDER BY x."startedAt" DESC LIMIT 1) AS experiment,
            (SELECT coalesce(sum(u.value + u.reserved), 0)::text FROM "UsageCounter" u
             WHERE u."clientId" = c.id AND u.period = $5 AND u.metric = 'costUsd') AS "costUsedUsd",
            ($2::uuid IS NULL OR EXISTS (
              SELECT 1 FROM "Conversation" v WHERE v.id = $2::uuid AND v."clientId" = c.id)) AS "conversationFound",
            (SELECT coalesce(json_agg(json_build_object('role', h.role, 'content', h.content, 'at', h."createdAt") ORDER BY h."createdAt"), '[]'::json)
             FROM (SELECT m.role, m.content, m."createdAt" FROM "Message" m
                   WHERE m."conversationId" = $2::uuid AND m."clientId" = c.id
                   ORDER BY m."createdAt" DESC LIMIT ${HISTORY_MESSAGES}) h) AS history,
            (SELECT json_build_object(
                'usageEventId', e.id, 'conversationId', e."conversationId", 'messageId', a.id, 'reply', a.content,
                'provider', e.provider, 'model', e.model, 'inputTokens', e."inputTokens",
                'cachedInputTokens', e."cachedInputTokens", 'outputTokens', e."outputTokens",
                'toolCallCount', e."toolCallCount", 'costUsd', e."costUsd"::text, 'tokensEstimated', e."tokensEstimated")
             FROM "UsageEvent" e
             LEFT JOIN "Message" a ON a."usageEventId" = e.id AND a.role = 'assistant'
             WHERE e."clientId" = c.id AND e."idempotencyKey" = $3) AS previous,
            (SELECT t."requestHash" FROM "ChatAttempt" t WHERE t."clientId" = c.id AND t."idempotencyKey" = $3) AS "previousRequestHash",
            (SELECT coalesce(json_agg(json_build_object('provider', x.provider, 'model', x.model, 'inputPer1M', x."inputPer1M"::text,
                      'outputPer1M', x."outputPer1M"::text, 'cachedInputPer1M', x."cachedInputPer1M"::text,
                      'retired', EXISTS (SELECT 1 FROM "RetiredModel" r WHERE r.provider = x.provider AND r.model = x.model))), '[]'::json)
             FROM (SELECT DISTINCT ON (mp.provider, mp.model) mp.provider, mp.model, mp."inputPer1M", mp."outputPer1M", mp."cachedInputPer1M"
                   FROM "ModelPrice" mp
                   WHERE mp."effectiveFrom" <= $4::timestamptz
                   ORDER BY mp.provider, mp.model, mp."effectiveFrom" DESC) x) AS prices`;

/** The HTTP route: authenticated by the key's hash in the same statement. */
const BY_KEY = `/* hot:chat_context_by_key */ SELECT ${CONTEXT_COLUMNS},
            k.id, k.kind::text AS kind, k."keyHash", k."revokedAt", k."lastUsedAt", c.status::text AS status, c."allowedOrigins"
     FROM "ApiKey" k JOIN "Client" c ON c.id = k."clientId" JOIN "PlanConfig" p ON p.key = c."planKey"
     WHERE k."keyHash" = $1`;

/** A caller authenticated already (tRPC). */
const BY_CLIENT = `/* hot:chat_context_by_client */ SELECT ${CONTEXT_COLUMNS}
     FROM "Client" c JOIN "PlanConfig" p ON p.key = c."planKey"
     WHERE c.id = $1::uuid`;


export async function loadChatContext(
  db: TDbClient,
  input: { caller: TChatCaller; conversationId: string | null; idempotencyKey: string | null; now: Date },
): Promise<TChatContext> {
  const byKey = "keyHash" in input.caller;
  const rows = await hotQuery<TRow>(db, byKey ? BY_KEY : BY_CLIENT, [
    "keyHash" in input.caller ? input.caller.keyHash : input.caller.client.id,
    input.conversationId,
    input.idempotencyKey,
    input.now.toISOString(),
    periodOf(input.now),
  ]);
  const row = rows[0];
  let client: TAuthenticatedClient;
  let key: TKeyRow | null = null;
  if ("keyHash" in input.caller) {
    key = row ? ({ ...row, planKey: row.planKey } as TKeyRow) : null;
    client = assertKeyUsable(key ?? undefined, input.caller.keyHash, input.caller.origin);
  } else {
    if (!row) throw new AppError("UNAUTHORIZED", "Invalid or revoked API key.");
    client = input.caller.client;
  }
  // Another client's conversation is indistinguishable from one that does not exist.
  if (!row!.conversationFound) throw new AppError("NOT_FOUND", "No conversation with that id.");
  const found = row!;
  // The plan's and the client's JSON columns were validated (ZPlanLimits, ZProviderChain)
  // when an admin saved them; the hot path reads them as stored, without parsing again.
  const features = (found.features ?? {}) as Record<string, unknown>;
  const stored = found.optimization ?? {};
  const optimization: TPlanOptimization = {
    ...DEFAULT_PLAN_OPTIMIZATION,
    ...stored,
    routing: { ...DEFAULT_PLAN_OPTIMIZATION.routing, ...stored.routing },
  };
  return {
    clientId: found.clientId,
    client,
    key,
    prices: new Map(found.prices.map(({ provider, model, retired: _retired, ...price }) => [`${provider}/${model}`, price])),
    catalogue: found.prices,
    routingEnabled: found.routingEnabled,
    experiment: found.experiment,
    costUsedUsd: found.costUsedUsd,
    override: found.llmProvider ? { provider: found.llmProvider, model: found.llmModel } : null,
    fallbackChain: (found.fallbackChain ?? []) as TProviderChain,
    plan: {
      key: found.planKey,
      version: found.planVersion,
      limits: (found.limits ?? {}) as TPlanLimits,
      features,
      upgradeMessage: found.upgradeMessage,
      upgradeUrl: found.upgradeUrl,
      alertThresholds: found.alertThresholds,
      optimization,
    },
    history: found.history,
    summary: found.summary,
    previous: found.previous,
    previousRequestHash: found.previousRequestHash,
  };
}
