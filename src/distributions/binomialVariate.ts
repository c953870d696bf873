import { binomialPmf } from '../models/binomialPmf.js';
import type { Rng } from '../rng/Rng.js';

/**
 * A Binomial(n, p) variate, exactly (no normal approximation):
 *
 * - `n < 32`: the number of `u_i < p` among `n` uniforms;
 * - otherwise inversion of the distribution with its outcomes ordered outward from the mode
 *   `m = ⌊(n + 1) p⌋` (m, m+1, m−1, m+2, …): one uniform `u`, probabilities from
 *   {@link binomialPmf} at the mode and the ratio recurrences
 *   `P(k+1) = P(k) (n−k) p / ((k+1) q)`, `P(k−1) = P(k) k q / ((n−k+1) p)`, stopping where the
 *   running sum exceeds `u` (any fixed ordering of the outcomes gives an exact inverse-CDF
 *   sampler). Expected cost O(√(n p q)); no underflow since it starts at the mode.
 *
 * @param n - number of trials, a non-negative integer
 * @param p - success probability in [0, 1]
 * @param rng - the generator
 *
 * @example
 * ```ts
 * import { binomialVariate, Rng } from 'qinfer-rx';
 * binomialVariate(1000, 0.3, new Rng(2)); // ≈ 300 ± 15
 * ```
 */
export function binomialVariate(n: number, p: number, rng: Rng): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n < 32) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rng.uniform() < p) k++;
    return k;
  }
  const q = 1 - p, m = Math.min(n, Math.floor((n + 1) * p));
  const u = rng.uniform();
  const pm = binomialPmf(m, n, p, q);
  let sum = pm;
  if (u < sum) return m;
  let hi = m, lo = m, phi = pm, plo = pm;
  const up = p / q, down = q / p;
  while (hi < n || lo > 0) {
    if (hi < n) {
      phi *= ((n - hi) / (hi + 1)) * up;
      hi++;
      sum += phi;
      if (u < sum) return hi;
    }
    if (lo > 0) {
      plo *= (lo / (n - lo + 1)) * down;
      lo--;
      sum += plo;
      if (u < sum) return lo;
    }
  }
  return m; // u above the rounded total (≤ a few ulps): the mode
}
