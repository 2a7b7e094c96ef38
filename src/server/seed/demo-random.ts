// Deterministic randomness and ids for the demo data: every random choice comes from a
// PRNG seeded by a name (client, day, ...), and every row's id is derived from a name, so
// a re-run draws the same values and hits the same primary keys. Pure.
import { createHash } from "node:crypto";

/** FNV-1a: a 32-bit seed from a name. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a tiny, fast PRNG; good enough for demo data, useless for secrets. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type TRandom = ReturnType<typeof mulberry32>;

/** The seed's PRNG for a name. */
export function randomFor(name: string): TRandom {
  return mulberry32(hashSeed(name));
}

export function gaussian(rng: TRandom): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A positive value whose median is `median`, spread by `sigma` on the log scale. */
export function logNormal(rng: TRandom, median: number, sigma: number): number {
  return median * Math.exp(sigma * gaussian(rng));
}

export function weightedIndex(rng: TRandom, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let pick = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    pick -= weights[i]!;
    if (pick < 0) return i;
  }
  return weights.length - 1;
}

export function pick<T>(rng: TRandom, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** A stable UUID (version-5 layout) for a seeded row, so re-runs hit the same primary key. */
export function seedUuid(name: string): string {
  const hex = createHash("sha1").update(`meterline-seed/${name}`).digest("hex");
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
