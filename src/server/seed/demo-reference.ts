// The demo's timeline, from `now` (the app's clock; APP_NOW pins it): the seed never
// reads the date itself. Volume curves and client ages are laid out relative to the first
// day of the current month (the "anchor"), so rows generated for a day are identical on
// every run in the same month; data runs up to the start of the current minute, so two
// runs within the minute give the same counts. All dates UTC. Pure.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type TSeedReference = {
  /** First day of the current month, 00:00 UTC: client ages and growth curves hang off it. */
  anchor: Date;
  /** First day of the month 11 months before the anchor: 12 months of history. */
  windowStart: Date;
  /** No usage after this instant: the start of the current minute. */
  cutoff: Date;
};

/**
 * The current month always holds at least this many days of traffic: early in a month
 * (on the 1st at 00:05, say) those days are compressed into the time that has passed, so
 * the dashboard's "this period" figures and the plan tab's bars show something on any day.
 */
export const CURRENT_MONTH_MIN_DAYS = 3;

function startOfUtcMonth(date: Date, monthOffset = 0): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthOffset, 1));
}

export function seedReference(now: Date): TSeedReference {
  const anchor = startOfUtcMonth(now);
  return {
    anchor,
    windowStart: startOfUtcMonth(now, -11),
    cutoff: new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS),
  };
}
