// Should this client move to a cheaper model? Over the 30 days before `now`, every model that
// answered the client (its primary, the routed cheap model, fallbacks, experiment variants)
// has its messages, cost per message, error rate errors / (errors + messages) and the share
// of thumbs-up among its replies' votes. The cheapest model that is as good as the primary
// within a margin, with enough evidence on both, is recommended, with last month's saving
// from the what-if prices. Otherwise the answer says why there is none.
import Decimal from "decimal.js";
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { parseInput } from "@/server/errors/parse-input";
import { whatIfCosts } from "@/server/usage/what-if-cost";
import { listRetiredModels } from "./retire-model";

const DAY_MS = 86_400_000;
export const RECOMMENDATION_RULES = {
  windowDays: 30,
  minMessages: 20,
  minVotes: 5,
  /** A candidate's error rate may exceed the primary's by at most this (0.02 = 2 points). */
  maxErrorRateIncrease: 0.02,
  /** A candidate's thumbs-up share may fall short of the primary's by at most this. */
  maxUpShareDrop: 0.05,
  /** A candidate must cost at most this share of the primary's cost per message (10 % cheaper). */
  maxCostRatio: "0.9",
} as const;

export const ZRecommendModelInput = z.object({ clientId: z.uuid("must be a client id") });
export type TRecommendModelInput = z.input<typeof ZRecommendModelInput>;

export const ZModelEvidence = z.object({
  provider: z.string(),
  model: z.string(),
  messages: z.number().int(),
  errors: z.number().int(),
  /** errors / (errors + messages), 0..1. */
  errorRate: z.number(),
  votes: z.number().int(),
  upVotes: z.number().int(),
  /** upVotes / votes, 0..1; null with no votes. */
  upShare: z.number().nullable(),
  /** USD, decimal strings. */
  costUsd: z.string(),
  costPerMessageUsd: z.string().nullable(),
  retired: z.boolean(),
});
export type TModelEvidence = z.infer<typeof ZModelEvidence>;

export const ZModelRecommendation = z.object({
  clientId: z.string(),
  from: z.date(),
  to: z.date(),
  /** The client's chosen model (its override, else the plan's default); null when neither names one. */
  primary: z.object({ provider: z.string(), model: z.string() }).nullable(),
  /** Every model that answered or failed for the client in the window, primary first. */
  models: z.array(ZModelEvidence),
  recommendation: z
    .object({
      candidate: ZModelEvidence,
      primary: ZModelEvidence,
      /** 1 - candidate cost per message / primary's, 0..1. */
      costPerMessageCut: z.number(),
      /** Last month's real tokens priced on today's prices (usage.whatIf). */
      whatIf: z.object({
        period: z.string(),
        actualUsd: z.string(),
        primaryUsd: z.string().nullable(),
        candidateUsd: z.string().nullable(),
        /** actual minus the candidate's cost: what moving to it would have saved last month; null without a price or usage. */
        monthlySavingUsd: z.string().nullable(),
      }),
    })
    .nullable(),
  /** Why nothing is recommended (null when something is). */
  reason: z.string().nullable(),
});
export type TModelRecommendation = z.infer<typeof ZModelRecommendation>;

type TSqlRow = { provider: string; model: string; messages: number; errors: number; votes: number; upVotes: number; costUsd: string };

const keyOf = (ref: { provider: string; model: string }) => `${ref.provider}/${ref.model}`;
const label = (ref: { provider: string; model: string }) => `${ref.provider} · ${ref.model}`;
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

async function loadEvidence(db: TDbClient, clientId: string, from: Date, to: Date): Promise<TSqlRow[]> {
  return db.$queryRaw<TSqlRow[]>`
    WITH answered AS (
      SELECT e.provider, e.model, count(*)::int AS messages, SUM(e."costUsd")::text AS "costUsd"
        FROM "UsageEvent" e
       WHERE e."clientId" = ${clientId}::uuid AND e."occurredAt" >= ${from} AND e."occurredAt" < ${to}
         -- Replies only: a conversation summary is not an answer to compare.
         AND e.route IS DISTINCT FROM 'summary'
       GROUP BY e.provider, e.model
    ), voted AS (
      SELECT e.provider, e.model, count(*)::int AS votes, (count(*) FILTER (WHERE f.rating = 'up'))::int AS "upVotes"
        FROM "MessageFeedback" f
        JOIN "UsageEvent" e ON e.id = f."usageEventId" AND e."clientId" = f."clientId"
       WHERE f."clientId" = ${clientId}::uuid AND e."occurredAt" >= ${from} AND e."occurredAt" < ${to}
       GROUP BY e.provider, e.model
    ), failed AS (
      SELECT a.provider, a.model, count(*)::int AS errors
        FROM "ChatAttempt" a
       WHERE a."clientId" = ${clientId}::uuid AND a.status = 'failed' AND a.provider IS NOT NULL AND a.model IS NOT NULL
         AND a."createdAt" >= ${from} AND a."createdAt" < ${to}
       GROUP BY a.provider, a.model
    )
    SELECT COALESCE(answered.provider, failed.provider) AS provider,
           COALESCE(answered.model, failed.model) AS model,
           COALESCE(answered.messages, 0) AS messages,
           COALESCE(failed.errors, 0) AS errors,
           COALESCE(voted.votes, 0) AS votes,
           COALESCE(voted."upVotes", 0) AS "upVotes",
           COALESCE(answered."costUsd", '0') AS "costUsd"
      FROM answered
      FULL OUTER JOIN failed ON failed.provider = answered.provider AND failed.model = answered.model
      LEFT JOIN voted ON voted.provider = answered.provider AND voted.model = answered.model`;
}

function evidenceOf(row: TSqlRow, retired: boolean): TModelEvidence {
  const cost = new Decimal(row.costUsd);
  return {
    provider: row.provider,
    model: row.model,
    messages: row.messages,
    errors: row.errors,
    errorRate: row.errors + row.messages === 0 ? 0 : row.errors / (row.errors + row.messages),
    votes: row.votes,
    upVotes: row.upVotes,
    upShare: row.votes === 0 ? null : row.upVotes / row.votes,
    costUsd: cost.toFixed(),
    costPerMessageUsd: row.messages === 0 ? null : cost.div(row.messages).toFixed(),
    retired,
  };
}

const hasEvidence = (e: TModelEvidence) => e.messages >= RECOMMENDATION_RULES.minMessages && e.votes >= RECOMMENDATION_RULES.minVotes;

/** Why `candidate` does not qualify against `primary`, or null when it does. Both have enough evidence. */
export function disqualification(candidate: TModelEvidence, primary: TModelEvidence): string | null {
  if (candidate.retired) return "retired";
  const ratio = new Decimal(candidate.costPerMessageUsd!).div(primary.costPerMessageUsd!);
  if (ratio.gt(RECOMMENDATION_RULES.maxCostRatio)) return "not at least 10 % cheaper per message";
  // Rates compared in whole basis points: 0.07 - 0.05 must equal 0.02, not 0.020000000000000004.
  const bp = (share: number) => Math.round(share * 10_000);
  if (bp(candidate.errorRate) - bp(primary.errorRate) > bp(RECOMMENDATION_RULES.maxErrorRateIncrease)) return "error rate more than 2 points above the primary's";
  if (bp(primary.upShare!) - bp(candidate.upShare!) > bp(RECOMMENDATION_RULES.maxUpShareDrop)) return "thumbs-up share more than 5 points below the primary's";
  return null;
}

export async function recommendModel(db: TDbClient, rawInput: TRecommendModelInput, now: Date): Promise<TModelRecommendation> {
  const { clientId } = parseInput(ZRecommendModelInput, rawInput);
  const client = await db.client.findUnique({ where: { id: clientId }, select: { llmProvider: true, llmModel: true, plan: { select: { features: true } } } });
  if (!client) throw new AppError("NOT_FOUND", "No client with this id.", { clientId });
  const to = now;
  const from = new Date(now.getTime() - RECOMMENDATION_RULES.windowDays * DAY_MS);
  const features = (client.plan.features ?? {}) as Record<string, unknown>;
  const primaryRef =
    client.llmProvider && client.llmModel
      ? { provider: client.llmProvider, model: client.llmModel }
      : typeof features.llmProvider === "string" && typeof features.llmModel === "string"
        ? { provider: features.llmProvider, model: features.llmModel }
        : null;

  const [rows, retired] = await Promise.all([loadEvidence(db, clientId, from, to), listRetiredModels(db)]);
  const models = rows
    .map((row) => evidenceOf(row, retired.has(keyOf(row))))
    .sort((a, b) => Number(primaryRef !== null && keyOf(b) === keyOf(primaryRef)) - Number(primaryRef !== null && keyOf(a) === keyOf(primaryRef)) || b.messages - a.messages || keyOf(a).localeCompare(keyOf(b)));
  const base = { clientId, from, to, primary: primaryRef, models };
  const none = (reason: string): TModelRecommendation => ({ ...base, recommendation: null, reason });

  if (!primaryRef) return none("Neither the client nor its plan names a primary model to compare with.");
  const primary = models.find((m) => keyOf(m) === keyOf(primaryRef));
  const { minMessages, minVotes, windowDays } = RECOMMENDATION_RULES;
  if (!primary || !hasEvidence(primary)) {
    return none(
      `Not enough evidence on the primary model ${label(primaryRef)}: it needs at least ${minMessages} messages and ${minVotes} feedback votes in the last ${windowDays} days (has ${primary?.messages ?? 0} and ${primary?.votes ?? 0}).`,
    );
  }
  if (new Decimal(primary.costPerMessageUsd!).isZero()) return none(`The primary model ${label(primary)} costs nothing per message: no model is cheaper.`);
  const others = models.filter((m) => keyOf(m) !== keyOf(primary));
  const withEvidence = others.filter(hasEvidence);
  if (withEvidence.length === 0) {
    return none(`No other model has enough evidence for this client: each needs at least ${minMessages} messages and ${minVotes} feedback votes in the last ${windowDays} days (an experiment or routing produces them).`);
  }
  const verdicts = withEvidence.map((candidate) => ({ candidate, why: disqualification(candidate, primary) }));
  const qualified = verdicts
    .filter((v) => v.why === null)
    .map((v) => v.candidate)
    .sort((a, b) => new Decimal(a.costPerMessageUsd!).comparedTo(b.costPerMessageUsd!) || keyOf(a).localeCompare(keyOf(b)));
  const best = qualified[0];
  if (!best) return none(`No model qualifies against ${label(primary)} (error rate ${percent(primary.errorRate)}, thumbs-up ${percent(primary.upShare!)}): ${verdicts.map((v) => `${label(v.candidate)}: ${v.why}`).join("; ")}.`);

  const whatIf = await whatIfCosts(db, { clientId, now, models: [{ provider: primary.provider, model: primary.model }, { provider: best.provider, model: best.model }] });
  const costOn = (ref: { provider: string; model: string }) => whatIf.candidates.find((c) => keyOf(c) === keyOf(ref))?.costUsd ?? null;
  const candidateUsd = costOn(best);
  return {
    ...base,
    recommendation: {
      candidate: best,
      primary,
      costPerMessageCut: new Decimal(1).minus(new Decimal(best.costPerMessageUsd!).div(primary.costPerMessageUsd!)).toNumber(),
      whatIf: {
        period: whatIf.period,
        actualUsd: whatIf.totals.costUsd,
        primaryUsd: costOn(primary),
        candidateUsd,
        monthlySavingUsd: candidateUsd === null ? null : new Decimal(whatIf.totals.costUsd).minus(candidateUsd).toFixed(),
      },
    },
    reason: null,
  };
}
