// How each variant of an experiment did, from what its calls left behind: UsageEvent rows
// tagged with the experiment and variant (conversations, messages, cost, latency,
// fallbacks), failed ChatAttempt rows tagged the same way (errors: a failed request writes
// no event), and MessageFeedback on the variant's replies. Aggregated in SQL in one
// statement; cost stays NUMERIC to the end (decimal strings), and the ratios are divided
// in decimal.js. A variant with no traffic yet has zero counts and null ratios ("—").
import Decimal from "decimal.js";
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { parseInput } from "@/server/errors/parse-input";
import { Money, formatDecimal } from "@/server/money/money";
import { ZExperimentVariant } from "./assign-variant";
import { ZExperiment, getExperimentOrThrow } from "./experiment-record";

export const ZGetExperimentResultsInput = z.object({ experimentId: z.uuid("must be an experiment id") });
export type TGetExperimentResultsInput = z.input<typeof ZGetExperimentResultsInput>;

/** Digits kept in a ratio (0.3333 = 33.33%). */
const RATIO_DECIMALS = 4;
/** Cost per conversation keeps the events' precision: NUMERIC(20,10), USD. */
const COST_DECIMALS = 10;

export const ZVariantResults = ZExperimentVariant.extend({
  /** Distinct conversations with at least one call of this variant. */
  conversations: z.number().int(),
  /** LLM calls that answered (usage events). */
  messages: z.number().int(),
  /** USD, decimal strings. */
  costUsd: z.string(),
  costPerConversationUsd: z.string().nullable(),
  /** Over the events' latencyMs, interpolated (percentile_cont), rounded to 0.1 ms; decimal strings. */
  latencyP50Ms: z.string().nullable(),
  latencyP95Ms: z.string().nullable(),
  /** Requests every provider of the chain failed (failed ChatAttempt rows). */
  errors: z.number().int(),
  /** errors / (errors + messages), a fraction as a decimal string. */
  errorRate: z.string().nullable(),
  /** Calls a fallback model answered. */
  fallbacks: z.number().int(),
  /** fallbacks / messages. */
  fallbackRate: z.string().nullable(),
  feedbackUp: z.number().int(),
  feedbackDown: z.number().int(),
  /** up / (up + down). */
  upShare: z.string().nullable(),
});
export type TVariantResults = z.infer<typeof ZVariantResults>;

export const ZExperimentResults = z.object({ experiment: ZExperiment, variants: z.array(ZVariantResults) });
export type TExperimentResults = z.infer<typeof ZExperimentResults>;

type TRow = {
  variant: string;
  conversations: number;
  messages: number;
  costUsd: string;
  p50: string | null;
  p95: string | null;
  fallbacks: number;
  errors: number;
  up: number;
  down: number;
};

const ratio = (part: number, whole: number): string | null => (whole === 0 ? null : new Decimal(part).div(whole).toDecimalPlaces(RATIO_DECIMALS, Decimal.ROUND_HALF_EVEN).toFixed(RATIO_DECIMALS));
const milliseconds = (value: string | null): string | null => (value === null ? null : new Decimal(value).toFixed());

export async function getExperimentResults(db: TDbClient, rawInput: TGetExperimentResultsInput): Promise<TExperimentResults> {
  const { experimentId } = parseInput(ZGetExperimentResultsInput, rawInput);
  const experiment = await getExperimentOrThrow(db, experimentId);
  // ChatAttempt has no index on experimentId: its client's failed attempts are found by the
  // (clientId, status, ...) index, then filtered.
  const rows = await db.$queryRaw<TRow[]>`
    WITH events AS (
      SELECT e.variant,
             count(DISTINCT e."conversationId")::int AS conversations,
             count(*)::int AS messages,
             SUM(e."costUsd")::text AS "costUsd",
             round((percentile_cont(0.5) WITHIN GROUP (ORDER BY e."latencyMs"))::numeric, 1)::text AS p50,
             round((percentile_cont(0.95) WITHIN GROUP (ORDER BY e."latencyMs"))::numeric, 1)::text AS p95,
             (count(*) FILTER (WHERE e.fallback))::int AS fallbacks
        FROM "UsageEvent" e
       WHERE e."experimentId" = ${experimentId}::uuid AND e.variant IS NOT NULL
       GROUP BY e.variant
    ), failures AS (
      SELECT a.variant, count(*)::int AS errors
        FROM "ChatAttempt" a
       WHERE a."clientId" = ${experiment.clientId}::uuid AND a.status = 'failed'
         AND a."experimentId" = ${experimentId}::uuid AND a.variant IS NOT NULL
       GROUP BY a.variant
    ), votes AS (
      SELECT e.variant,
             (count(*) FILTER (WHERE f.rating = 'up'))::int AS up,
             (count(*) FILTER (WHERE f.rating = 'down'))::int AS down
        FROM "MessageFeedback" f
        JOIN "UsageEvent" e ON e.id = f."usageEventId"
       WHERE e."experimentId" = ${experimentId}::uuid AND e.variant IS NOT NULL
       GROUP BY e.variant
    ), variants AS (
      SELECT variant FROM events UNION SELECT variant FROM failures UNION SELECT variant FROM votes
    )
    SELECT v.variant,
           COALESCE(events.conversations, 0) AS conversations,
           COALESCE(events.messages, 0) AS messages,
           COALESCE(events."costUsd", '0') AS "costUsd",
           events.p50, events.p95,
           COALESCE(events.fallbacks, 0) AS fallbacks,
           COALESCE(failures.errors, 0) AS errors,
           COALESCE(votes.up, 0) AS up,
           COALESCE(votes.down, 0) AS down
      FROM variants v
      LEFT JOIN events ON events.variant = v.variant
      LEFT JOIN failures ON failures.variant = v.variant
      LEFT JOIN votes ON votes.variant = v.variant`;

  const byKey = new Map(rows.map((row) => [row.variant, row]));
  const unknown = rows.filter((row) => !experiment.variants.some((variant) => variant.key === row.variant));
  if (unknown.length > 0) {
    // Traffic tagged with a key the experiment does not have: not shown as any variant's, but not hidden either.
    console.warn(`experiment ${experimentId}: traffic under variant keys it does not have: ${unknown.map((row) => row.variant).join(", ")}`);
  }
  return {
    experiment,
    variants: experiment.variants.map((variant) => {
      const row = byKey.get(variant.key);
      const conversations = row?.conversations ?? 0;
      const messages = row?.messages ?? 0;
      const errors = row?.errors ?? 0;
      const fallbacks = row?.fallbacks ?? 0;
      const up = row?.up ?? 0;
      const down = row?.down ?? 0;
      const cost = new Money(row?.costUsd ?? 0);
      return {
        ...variant,
        conversations,
        messages,
        costUsd: formatDecimal(cost),
        costPerConversationUsd: conversations === 0 ? null : formatDecimal(cost.div(conversations).toDecimalPlaces(COST_DECIMALS)),
        latencyP50Ms: milliseconds(row?.p50 ?? null),
        latencyP95Ms: milliseconds(row?.p95 ?? null),
        errors,
        errorRate: ratio(errors, errors + messages),
        fallbacks,
        fallbackRate: ratio(fallbacks, messages),
        feedbackUp: up,
        feedbackDown: down,
        upShare: ratio(up, up + down),
      };
    }),
  };
}
