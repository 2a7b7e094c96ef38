// How far a client is into a limit, and when it will reach it at the current rate.
// Pure: no I/O, no clock (the caller passes `now`). Decimals in and out, never floats:
// a cost limit is compared in USD with 10 decimals.
import Decimal from "decimal.js";
import { periodRange } from "./period";

export type TLimitLevel = "ok" | "warning" | "over";

/** The default alert thresholds of a plan (PlanConfig.alertThresholds). */
export const DEFAULT_ALERT_THRESHOLDS = [80, 100] as const;

/**
 * Used as a percentage of the limit, one decimal, rounded down (99.96% is not shown as
 * 100% while the limit still admits requests). A limit of 0 is 100% once anything is
 * used, else 0%.
 */
export function percentOfLimit(used: Decimal.Value, limit: Decimal.Value): string {
  const u = new Decimal(used);
  const l = new Decimal(limit);
  if (l.lte(0)) return u.gt(0) ? "100" : "0";
  return u.times(100).div(l).toDecimalPlaces(1, Decimal.ROUND_DOWN).toFixed();
}

/** What is left before the limit; never negative. */
export function remainingOfLimit(used: Decimal.Value, limit: Decimal.Value): string {
  return Decimal.max(0, new Decimal(limit).minus(used)).toFixed();
}

/**
 * "over" from 100% (the limit refuses the next request), "warning" from the plan's first
 * alert threshold (the point an alert is sent), else "ok".
 */
export function limitLevel(percent: Decimal.Value, alertThresholds: readonly number[] = DEFAULT_ALERT_THRESHOLDS): TLimitLevel {
  const p = new Decimal(percent);
  if (p.gte(100)) return "over";
  const first = alertThresholds.length > 0 ? Math.min(...alertThresholds) : DEFAULT_ALERT_THRESHOLDS[0];
  return p.gte(first) ? "warning" : "ok";
}

export type TLimitForecast =
  /** Already at or past the limit. */
  | { status: "reached"; date: null }
  /** At the rate since the period began, the limit is reached on `date` (UTC day, YYYY-MM-DD), within the period. */
  | { status: "will_reach"; date: string }
  /** Nothing used yet, or the rate does not reach the limit before the period ends. */
  | { status: "not_this_period"; date: null };

/**
 * The day a monthly limit will be reached if usage keeps the rate it has had since the
 * period began (used / time elapsed). Linear on purpose: it is what an admin can check
 * by hand, and it needs nothing but the counter.
 */
export function forecastLimitDate({
  used,
  limit,
  period,
  now,
}: {
  used: Decimal.Value;
  limit: Decimal.Value;
  period: string;
  now: Date;
}): TLimitForecast {
  const u = new Decimal(used);
  const l = new Decimal(limit);
  if (u.gte(l) && (u.gt(0) || l.lte(0))) return { status: "reached", date: null };
  if (u.lte(0)) return { status: "not_this_period", date: null };
  const { start, end } = periodRange(period);
  // A period not begun, or already over, has no rate to extrapolate into it.
  if (now.getTime() <= start.getTime() || now.getTime() >= end.getTime()) return { status: "not_this_period", date: null };
  const elapsedMs = new Decimal(now.getTime() - start.getTime());
  // The instant the limit is reached: start + elapsed * limit / used.
  const reachedAtMs = new Decimal(start.getTime()).plus(elapsedMs.times(l).div(u)).ceil();
  if (reachedAtMs.gte(end.getTime())) return { status: "not_this_period", date: null };
  return { status: "will_reach", date: new Date(reachedAtMs.toNumber()).toISOString().slice(0, 10) };
}
