import { QinferArgumentError } from '../errors/QinferError.js';

const TWO32 = 4294967296;

/** murmur3's 32-bit finaliser: a bijective avalanche mix. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Throws unless `seed` is an integer in [0, 2^53). */
export function checkSeed(seed: number, what = 'seed'): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new QinferArgumentError('ERR_ARGUMENT', `${what} must be an integer in [0, 2^53), got ${seed}`);
  }
}

/**
 * Derives a child seed from a root seed and a path of non-negative integers, deterministically
 * and independently of any generator's state: trial `k` of a performance test uses
 * `deriveSeed(rootSeed, k)`, so its randomness does not depend on which thread, engine or
 * completion order ran it.
 *
 * The mix hashes the two 32-bit halves of the seed with each path element through murmur3's
 * finaliser; the result is an integer in [0, 2^53).
 *
 * @example
 * ```ts
 * import { deriveSeed } from 'qinfer-rx';
 * deriveSeed(2024, 0) !== deriveSeed(2024, 1); // true
 * deriveSeed(2024, 3, 1) === deriveSeed(2024, 3, 1); // true: a pure function
 * ```
 */
export function deriveSeed(seed: number, ...path: number[]): number {
  checkSeed(seed);
  let lo = seed >>> 0;
  let hi = Math.floor(seed / TWO32) >>> 0;
  for (const p of path) {
    checkSeed(p, 'seed path element');
    const plo = p >>> 0;
    const phi = Math.floor(p / TWO32) >>> 0;
    lo = fmix32((lo ^ fmix32((plo + 0x9e3779b9) >>> 0)) >>> 0);
    hi = fmix32((hi ^ fmix32((phi ^ 0x7f4a7c15 ^ lo) >>> 0)) >>> 0);
    lo = fmix32((lo ^ hi ^ 0x3c6ef372) >>> 0);
  }
  return (hi & 0x1fffff) * TWO32 + lo;
}
