// The attempt ledger: a chat request claims its (client, idempotency key) with a leased
// ChatAttempt and reserves its usage in the same SQL call (meterline_begin_chat_attempt),
// so that concurrent retries make exactly one provider call and a process that dies
// mid-call gives its reservation back once the lease runs out.
import { createHash } from "node:crypto";
import Decimal from "decimal.js";
import { hotQuery, type TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { retryTransient } from "@/server/db/retry-transient";
import type { TReservation } from "@/server/usage/limit-metrics";
import { limitExceeded, type TReserveRow } from "@/server/usage/reserve-usage";
import type { TChatRequest } from "./chat-request";

/**
 * How long an attempt may stay in flight before the sweeper takes its reservation back.
 * Longer than a chain of provider timeouts; a call that outlives it still settles
 * correctly (it then adds its whole usage, as nothing is held for it any more).
 */
export const ATTEMPT_LEASE_MS = 5 * 60_000;

/** What a retry of an in-flight request is told to wait (Retry-After), at most. */
const IN_FLIGHT_RETRY_AFTER_S = 2;

/** The request as its idempotency key promises it: the same key must come with the same question. */
export function requestHash(request: TChatRequest): string {
  const asked = { message: request.message, conversationId: request.conversationId ?? null, metadata: request.metadata ?? null };
  return createHash("sha256").update(JSON.stringify(asked)).digest("hex");
}

type TBeginRow = TReserveRow & { outcome: "claimed" | "blocked" | "in_flight" | "settled" | "failed" | "abandoned" | "mismatch"; attempt_id: string; lease_expires_at: Date };

export type TBeginAttempt =
  | { kind: "claimed"; attemptId: string }
  | { kind: "settled" };

/**
 * Claims the key and reserves, in one round trip. Throws PLAN_LIMIT_EXCEEDED (a limit),
 * IDEMPOTENCY_IN_PROGRESS (409: the same request is being answered) or
 * IDEMPOTENCY_KEY_REUSED (422: the key came with another request).
 */
export async function beginChatAttempt(
  db: TDbClient,
  input: {
    clientId: string;
    idempotencyKey: string;
    requestHash: string;
    now: Date;
    reservations: TReservation[];
    estimatedCostUsd: Decimal;
  },
): Promise<TBeginAttempt> {
  const { reservations, now } = input;
  const rows = await retryTransient(() =>
    hotQuery<TBeginRow>(
      db,
      `/* hot:chat_begin */ SELECT * FROM meterline_begin_chat_attempt($1::uuid, $2, $3, $4::timestamptz, $5::timestamptz, $6::jsonb, $7::numeric,
         $8::text[], $9::text[], $10::numeric[], $11::numeric[])`,
      [input.clientId,
      input.idempotencyKey,
      input.requestHash,
      now.toISOString(),
      new Date(now.getTime() + ATTEMPT_LEASE_MS).toISOString(),
      JSON.stringify(reservations.filter((r) => !new Decimal(r.amount).isZero()).map((r) => ({ period: r.period, counter: r.counter, amount: r.amount }))),
      input.estimatedCostUsd.toString(),
      reservations.map((r) => r.period),
      reservations.map((r) => r.counter),
      reservations.map((r) => r.amount),
      reservations.map((r) => r.limit)],
    ),
  );
  const first = rows[0];
  if (!first) throw new Error(`meterline_begin_chat_attempt returned nothing for client ${input.clientId}`);
  switch (first.outcome) {
    case "claimed":
      return { kind: "claimed", attemptId: first.attempt_id };
    case "blocked":
      throw new AppError("PLAN_LIMIT_EXCEEDED", "Plan limit exceeded", limitExceeded(rows, reservations));
    case "settled":
      return { kind: "settled" };
    case "mismatch":
      throw new AppError(
        "IDEMPOTENCY_KEY_REUSED",
        "This idempotency key was used for a different request; use a new key for a new message.",
      );
    case "in_flight": {
      const seconds = Math.ceil((new Date(first.lease_expires_at).getTime() - now.getTime()) / 1000);
      throw new AppError("IDEMPOTENCY_IN_PROGRESS", "A request with this idempotency key is in progress", {
        retryAfterSeconds: Math.max(1, Math.min(IN_FLIGHT_RETRY_AFTER_S, seconds)),
      });
    }
    default:
      // failed / abandoned are claimed again by the function itself; anything else is a bug.
      throw new Error(`unexpected attempt outcome ${first.outcome} for client ${input.clientId}`);
  }
}

/** What a failed attempt keeps for error rates: the chain's first model and the experiment variant. */
export type TAttemptFailure = { provider: string; model: string; experimentId: string | null; variant: string | null };

/** Every provider failed: the attempt gives back what it holds and is closed as failed. */
export async function failChatAttempt(db: TDbClient, attemptId: string, now: Date, failure?: TAttemptFailure): Promise<void> {
  if (failure) {
    // Its own statement: the failure path is rare, and the function below updates the same row.
    await retryTransient(() =>
      hotQuery(
        db,
        `/* hot:chat_fail_model */ UPDATE "ChatAttempt" SET provider = $2, model = $3, "experimentId" = $4::uuid, variant = $5
         WHERE id = $1::uuid AND status = 'in_flight' RETURNING id`,
        [attemptId, failure.provider, failure.model, failure.experimentId, failure.variant],
      ),
    );
  }
  await retryTransient(() =>
    hotQuery(db, `/* hot:chat_fail */ SELECT 1 AS closed FROM meterline_fail_chat_attempt($1::uuid, $2::timestamptz)`, [attemptId, now.toISOString()]),
  );
}

/**
 * The sweeper: in-flight attempts whose lease ran out (their process died) give their
 * reservations back and are marked abandoned. Safe to run from several places at once.
 */
export async function expireChatAttempts(db: TDbClient, now: Date): Promise<number> {
  const rows = await db.$queryRawUnsafe<Array<{ expired: number }>>(
    `SELECT meterline_expire_chat_attempts(NULL, $1::timestamptz) AS expired`,
    now.toISOString(),
  );
  return Number(rows[0]?.expired ?? 0);
}
