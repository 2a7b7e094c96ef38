// Enforcement: reserve a request's usage against its plan limits in one round trip.
import Decimal from "decimal.js";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import type { TReservation } from "./limit-metrics";
import { retryTransient } from "@/server/db/retry-transient";

export type TReserveRow = {
  metric: string;
  period: string;
  amount: Decimal.Value;
  current_value: Decimal.Value;
  limit_value: Decimal.Value;
  allowed: boolean;
};

export type TLimitExceeded = {
  limitKey: string;
  counter: string;
  period: string;
  limit: string;
  current: string;
};

/**
 * Reserves every amount or none (SQL function meterline_reserve_usage). Throws
 * PLAN_LIMIT_EXCEEDED naming the first limit the request would cross.
 */
export async function reserveUsage(db: TDbClient, clientId: string, reservations: TReservation[]): Promise<void> {
  if (reservations.length === 0) return;
  const rows = await retryTransient(() =>
    db.$queryRawUnsafe<TReserveRow[]>(
      `SELECT * FROM meterline_reserve_usage($1::uuid, $2::text[], $3::text[], $4::numeric[], $5::numeric[])`,
      clientId,
      reservations.map((r) => r.period),
      reservations.map((r) => r.counter),
      reservations.map((r) => r.amount),
      reservations.map((r) => r.limit),
    ),
  );
  if (rows.every((row) => row.allowed)) return;
  throw new AppError("PLAN_LIMIT_EXCEEDED", "Plan limit exceeded", limitExceeded(rows, reservations));
}

/** The first limit a refused reservation would cross, from the reservation function's rows. */
export function limitExceeded(rows: TReserveRow[], reservations: TReservation[]): TLimitExceeded {
  const blocked = rows.find((row) => {
    const current = new Decimal(row.current_value);
    const amount = new Decimal(row.amount);
    const limit = new Decimal(row.limit_value);
    return current.plus(amount).gt(limit) || (amount.isZero() && current.gte(limit) && current.gt(0));
  });
  const reservation = reservations.find((r) => r.counter === blocked?.metric && r.period === blocked?.period) ?? reservations[0]!;
  const exceeded: TLimitExceeded = {
    limitKey: reservation.limitKey,
    counter: reservation.counter,
    period: reservation.period,
    limit: new Decimal(blocked?.limit_value ?? reservation.limit).toString(),
    current: new Decimal(blocked?.current_value ?? 0).toString(),
  };
  return exceeded;
}

/**
 * Gives reserved amounts back: the call failed, or a retry turned out to be a duplicate.
 * Goes through the reservation function (negative amounts, no limits) so that it locks
 * the counters in the same order as every other writer.
 */
export async function releaseUsage(db: TDbClient, clientId: string, reservations: TReservation[]): Promise<void> {
  const held = reservations.filter((r) => !new Decimal(r.amount).isZero());
  if (held.length === 0) return;
  await retryTransient(() =>
    db.$queryRawUnsafe(
      `SELECT 1 FROM meterline_reserve_usage($1::uuid, $2::text[], $3::text[], $4::numeric[], $5::numeric[])`,
      clientId,
      held.map((r) => r.period),
      held.map((r) => r.counter),
      held.map((r) => new Decimal(r.amount).negated().toString()),
      held.map(() => null),
    ),
  );
}
