// Brute-force limits on sign-in, counted in PostgreSQL (or PGlite) by rate-limiter-flexible,
// so every app instance shares them. Three counters of failed attempts:
// - one account from one address: a mistyped password is retried a few times, not dozens;
// - one account from anywhere: guessing spread over many addresses;
// - one address whatever the account: one machine trying many accounts.
// While any of them is spent, even the right password is refused (a guess that happens to
// be right must not get through) and the caller is told when to try again.
import { RateLimiterPrisma, type RateLimiterRes } from "rate-limiter-flexible";
import type { TDbClient } from "@/server/db/client";

type TLimit = { name: string; points: number; durationSeconds: number };

export const SIGN_IN_LIMITS = {
  accountAndAddress: { name: "account+address", points: 5, durationSeconds: 15 * 60 },
  account: { name: "account", points: 20, durationSeconds: 60 * 60 },
  address: { name: "address", points: 100, durationSeconds: 24 * 60 * 60 },
} as const satisfies Record<string, TLimit>;

export type TSignInAttempt = { email: string; address: string };

export type TSignInLimiter = {
  /** Null while attempts are allowed; else how long until the next one is. */
  blockedFor(attempt: TSignInAttempt): Promise<{ retryAfterSeconds: number } | null>;
  recordFailure(attempt: TSignInAttempt): Promise<void>;
  /** The right password from this address: its consecutive failures are forgiven. */
  recordSuccess(attempt: TSignInAttempt): Promise<void>;
};

export class SignInBlockedError extends Error {
  override name = "SignInBlockedError";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-ins; try again in ${retryAfterSeconds} s.`);
  }
}

export function createSignInLimiter(db: TDbClient, limits: Record<keyof typeof SIGN_IN_LIMITS, TLimit> = SIGN_IN_LIMITS): TSignInLimiter {
  const limiter = (limit: TLimit) =>
    new RateLimiterPrisma({
      storeClient: db,
      tableName: "signInLimit",
      keyPrefix: `sign-in:${limit.name}`,
      points: limit.points,
      duration: limit.durationSeconds,
      // The expired rows are deleted when their key is next used; no background timer.
      clearExpiredByTimeout: false,
    });
  const byAccountAndAddress = { limit: limits.accountAndAddress, limiter: limiter(limits.accountAndAddress) };
  const byAccount = { limit: limits.account, limiter: limiter(limits.account) };
  const byAddress = { limit: limits.address, limiter: limiter(limits.address) };
  const keyed = ({ email, address }: TSignInAttempt) =>
    [
      { ...byAccountAndAddress, key: `${email}|${address}` },
      { ...byAccount, key: email },
      { ...byAddress, key: address },
    ] as const;

  return {
    async blockedFor(attempt) {
      const states = await Promise.all(keyed(attempt).map(async (counter) => ({ counter, state: await counter.limiter.get(counter.key) })));
      const spent = states.filter(({ counter, state }) => state !== null && state.consumedPoints >= counter.limit.points);
      if (spent.length === 0) return null;
      const waitMs = Math.max(...spent.map(({ state }) => (state as RateLimiterRes).msBeforeNext));
      return { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    },
    async recordFailure(attempt) {
      // penalty() counts without refusing: refusing is blockedFor's job, before the password is checked.
      await Promise.all(keyed(attempt).map((counter) => counter.limiter.penalty(counter.key)));
    },
    async recordSuccess(attempt) {
      await byAccountAndAddress.limiter.delete(`${attempt.email}|${attempt.address}`);
    },
  };
}

/**
 * The caller's address: the last x-forwarded-for entry, which is what the nearest proxy saw
 * (nginx and most load balancers append it; `next start` fills the header with the socket's
 * address when no proxy set it). A client talking to Next directly can still claim any
 * address: the per-account counter does not depend on it.
 */
export function clientAddress(headers: Record<string, string | string[] | undefined> | Headers | undefined): string {
  const read = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const value = headers[name];
    return Array.isArray(value) ? value.join(",") : value;
  };
  const forwarded = read("x-forwarded-for")?.split(",").map((entry) => entry.trim()).filter(Boolean).pop();
  return (forwarded || read("x-real-ip")?.trim() || "unknown").slice(0, 100);
}
