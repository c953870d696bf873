import { QinferError } from '../errors/QinferError.js';
import { normalCdf, normalQuantile } from './normalCdf.js';

/** Below this lower bound (in the reflected lower tail) the inverse CDF gives way to rejection. */
const TAIL_START = 8;
/** Rejection rounds before giving up; acceptance is above 1 − 1/64 per round in the tail. */
const MAX_TRIES = 1000;

/**
 * A precomputed sampler of the standard normal truncated to `[a, b]` (either bound may be
 * infinite). Used by {@link NormalDistribution}; `draw(uniform)` returns one variate.
 *
 * - The interval is mirrored, if needed, into the lower half (`a < 0` after mirroring) so that
 *   `Φ(a)`, `Φ(b)` keep their relative precision; then inverse CDF:
 *   `x = Φ⁻¹(Φ(a) + u (Φ(b) − Φ(a)))`, clamped to `[a, b]`.
 * - Deep in a tail (the whole interval beyond 8 sd, where `Φ` underflows near 38 sd), rejection
 *   from a truncated exponential proposal (Robert 1995, rate `λ = a`): `y = −ln(1 − u(1 −
 *   e^{−a(b−a)}))/a`, accepted with probability `e^{−y²/2}`; at most 1000 rounds (acceptance
 *   exceeds 98% per round), then `ERR_RANGE`.
 *
 * @example
 * ```ts
 * const s = truncatedStandardNormal(0, Infinity); // the half-normal
 * s.draw(() => rng.uniform()); // ≥ 0
 * ```
 */
export function truncatedStandardNormal(a: number, b: number): {
  /** One variate on `[a, b]`, from uniforms on [0, 1) drawn by `uniform`. */
  draw(uniform: () => number): number;
} {
  // Mirror an interval lying in the upper half: sample −X on [−b, −a].
  const sign = a >= 0 ? -1 : 1;
  const lo = sign > 0 ? a : -b, hi = sign > 0 ? b : -a;
  if (hi < -TAIL_START) {
    // Tail sampler on the positive interval [−hi, −lo], then negate.
    const ta = -hi, tb = -lo;
    const span = Math.expm1(-ta * (tb - ta)); // in (−1, 0]
    return {
      draw(uniform) {
        for (let k = 0; k < MAX_TRIES; k++) {
          const y = -Math.log1p(uniform() * span) / ta;
          if (uniform() < Math.exp(-0.5 * y * y)) return -sign * Math.min(ta + y, tb);
        }
        throw new QinferError('ERR_RANGE', `truncated normal: no draw accepted on [${a}, ${b}] in ${MAX_TRIES} rounds`);
      },
    };
  }
  const pa = normalCdf(lo), pb = normalCdf(hi), width = pb - pa;
  return {
    draw(uniform) {
      const x = normalQuantile(pa + uniform() * width);
      return sign * (x < lo ? lo : x > hi ? hi : x);
    },
  };
}
