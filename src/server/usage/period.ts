// Billing periods are calendar months in UTC, written 'YYYY-MM'.
import { z } from "zod";
import { clockNow } from "@/server/clock";

export const ZPeriod = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month written YYYY-MM");

export function periodOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** [start, end) of a period in UTC. */
export function periodRange(period: string): { start: Date; end: Date } {
  const [year, month] = ZPeriod.parse(period).split("-").map(Number) as [number, number];
  return { start: new Date(Date.UTC(year, month - 1, 1)), end: new Date(Date.UTC(year, month, 1)) };
}

/** The `count` periods ending with the one containing `now`, oldest first. */
export function recentPeriods(count: number, now: Date = clockNow()): string[] {
  return Array.from({ length: count }, (_, index) =>
    periodOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1 - index), 1))),
  );
}

/** The month before a period ('2027-01' -> '2026-12'). */
export function previousPeriodOf(period: string): string {
  const { start } = periodRange(period);
  return periodOf(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 1, 1)));
}
