// When a failed delivery is tried again. Exponential backoff from one minute, doubling,
// capped at six hours, each delay jittered by ±20% so that a burst of messages to one
// endpoint that failed together does not come back together. Twelve attempts in all: the
// nominal waits (1, 2, 4, ... 256 minutes, then 6 h twice) add up to about 20.5 hours, so a
// receiver that is down for most of a day still gets the message; after the twelfth failure
// the row is `failed` with its last error, for an admin to resend. Pure: the caller passes
// `now` and the random source.

export const MAX_DELIVERY_ATTEMPTS = 12;
export const RETRY_BASE_MS = 60_000;
export const RETRY_CAP_MS = 6 * 60 * 60_000;
export const RETRY_JITTER = 0.2;

/** The nominal wait after the `attempt`-th failed attempt (1-based), before jitter. */
export function nominalRetryDelayMs(attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  return Math.min(RETRY_BASE_MS * 2 ** (attempt - 1), RETRY_CAP_MS);
}

/** The wait after the `attempt`-th failure, jittered: nominal × [1 - 20%, 1 + 20%). `random` in [0, 1). */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const jitter = 1 - RETRY_JITTER + 2 * RETRY_JITTER * random();
  return Math.round(nominalRetryDelayMs(attempt) * jitter);
}

/**
 * After the `attempts`-th attempt failed: when to try again, or null when that was the last
 * one (the row becomes `failed`).
 */
export function nextAttemptAt(attempts: number, now: Date, random: () => number = Math.random): Date | null {
  if (attempts >= MAX_DELIVERY_ATTEMPTS) return null;
  return new Date(now.getTime() + retryDelayMs(attempts, random));
}
