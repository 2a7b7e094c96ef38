import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_DELIVERY_ATTEMPTS, RETRY_CAP_MS, nextAttemptAt, nominalRetryDelayMs, retryDelayMs } from "./notification-retry";

const NOW = new Date("2026-12-03T00:00:00.000Z");
const HOUR = 3_600_000;

describe("notification retry schedule", () => {
  it("doubles from one minute and stops growing at six hours", () => {
    expect([1, 2, 3, 4, 9, 10, 11].map(nominalRetryDelayMs)).toEqual([60_000, 120_000, 240_000, 480_000, 256 * 60_000, RETRY_CAP_MS, RETRY_CAP_MS]);
  });

  it("spans about a day before giving up: the waits between the twelve attempts add up to 16-25 hours whatever the jitter", () => {
    for (const random of [() => 0, () => 0.5, () => 0.999999]) {
      let total = 0;
      for (let attempt = 1; attempt < MAX_DELIVERY_ATTEMPTS; attempt++) total += retryDelayMs(attempt, random);
      expect(total).toBeGreaterThan(16 * HOUR);
      expect(total).toBeLessThan(25 * HOUR);
    }
  });

  it("jitter keeps every wait within ±20% of the nominal one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DELIVERY_ATTEMPTS }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = retryDelayMs(attempt, () => r);
        const nominal = nominalRetryDelayMs(attempt);
        return delay >= Math.floor(nominal * 0.8) && delay <= Math.ceil(nominal * 1.2);
      }),
    );
  });

  it("two messages that failed together are not retried at the same instant", () => {
    expect(retryDelayMs(3, () => 0.1)).not.toBe(retryDelayMs(3, () => 0.9));
  });

  it("the twelfth failure is the last: no next attempt", () => {
    expect(nextAttemptAt(MAX_DELIVERY_ATTEMPTS - 1, NOW, () => 0.5)).toEqual(new Date(NOW.getTime() + RETRY_CAP_MS));
    expect(nextAttemptAt(MAX_DELIVERY_ATTEMPTS, NOW)).toBeNull();
  });

  it("refuses an attempt number that is not a positive integer", () => {
    expect(() => nominalRetryDelayMs(0)).toThrow(RangeError);
    expect(() => nominalRetryDelayMs(1.5)).toThrow(RangeError);
  });
});
