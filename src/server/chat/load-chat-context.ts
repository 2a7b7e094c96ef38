// Everything a chat request needs to know before calling a provider, in one query:
// the client's provider settings, its plan, the conversation's recent history (only if
// it belongs to this client), and an earlier reply under the same idempotency key.
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZPlanLimits, ZProviderChain } from "@/server/plans/plan-config";
import type { TChatMessage } from "@/server/llm/provider";
import { z } from "zod";

/** How many earlier messages of a conversation go to the provider with a new one. */
export const HISTORY_MESSAGES = 20;

export type TChatContext = {
  clientId: string;
  override: { provider: string; model: string | null } | null;
  fallbackChain: z.infer<typeof ZProviderChain>;
  plan: {
    key: string;
    version: number;
    limits: Record<string, number | null>;
    features: Record<string, unknown>;
    upgradeMessage: string;
    upgradeUrl: string | null;
  };
  history: TChatMessage[];
  previous: TPreviousReply | null;
};

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

type TRow = {
  clientId: string;
  llmProvider: string | null;
  llmModel: string | null;
  fallbackChain: unknown;
  planKey: string;
  planVersion: number;
  limits: unknown;
  features: unknown;
  upgradeMessage: string;
  upgradeUrl: string | null;
  conversationFound: boolean;
  history: TChatMessage[];
  previous: TPreviousReply | null;
};

export async function loadChatContext(
  db: TDbClient,
  input: { clientId: string; conversationId: string | null; idempotencyKey: string | null },
): Promise<TChatContext> {
  const rows = await db.$queryRawUnsafe<TRow[]>(
    `SELECT c.id AS "clientId", c."llmProvider", c."llmModel", c."fallbackChain",
            p.key AS "planKey", p.version AS "planVersion", p.limits, p.features, p."upgradeMessage", p."upgradeUrl",
            ($2::uuid IS NULL OR EXISTS (
              SELECT 1 FROM "Conversation" v WHERE v.id = $2::uuid AND v."clientId" = c.id)) AS "conversationFound",
            (SELECT coalesce(json_agg(json_build_object('role', h.role, 'content', h.content) ORDER BY h."createdAt"), '[]'::json)
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
             WHERE e."clientId" = c.id AND e."idempotencyKey" = $3) AS previous
     FROM "Client" c JOIN "PlanConfig" p ON p.key = c."planKey"
     WHERE c.id = $1::uuid`,
    input.clientId,
    input.conversationId,
    input.idempotencyKey,
  );
  const row = rows[0];
  if (!row) throw new AppError("UNAUTHORIZED", "Invalid or revoked API key.");
  // Another client's conversation is indistinguishable from one that does not exist.
  if (!row.conversationFound) throw new AppError("NOT_FOUND", "No conversation with that id.");
  const features = z.record(z.string(), z.unknown()).parse(row.features);
  return {
    clientId: row.clientId,
    override: row.llmProvider ? { provider: row.llmProvider, model: row.llmModel } : null,
    fallbackChain: ZProviderChain.parse(row.fallbackChain),
    plan: {
      key: row.planKey,
      version: row.planVersion,
      limits: ZPlanLimits.parse(row.limits),
      features,
      upgradeMessage: row.upgradeMessage,
      upgradeUrl: row.upgradeUrl,
    },
    history: row.history,
    previous: row.previous,
  };
}
