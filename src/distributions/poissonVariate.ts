import { poissonPmf } from '../models/poissonPmf.js';
import type { Rng } from '../rng/Rng.js';

/**
 * A Poisson(λ) variate, exactly: one uniform `u` and inversion of the distribution with its
 * outcomes ordered outward from the mode `m = ⌊λ⌋` (m, m+1, m−1, m+2, …), probabilities from
 * {@link poissonPmf} at the mode and the ratios `P(k+1) = P(k) λ/(k+1)`, `P(k−1) = P(k) k/λ`
 * (any fixed order of the outcomes gives an exact inverse-CDF sampler; starting at the mode costs
 * O(√λ) and never underflows, unlike `e^{−λ}` for λ > 745).
 *
 * @param lambda - the mean, ≥ 0 and finite (the caller checks)
 * @param rng - the generator
 *
 * @example
 * ```ts
 * import { poissonVariate, Rng } from 'qinfer-rx';
 * poissonVariate(12.5, new Rng(3)); // ≈ 12.5 ± 3.5
 * ```
 */
export function poissonVariate(lambda: number, rng: Rng): number {
  if (lambda <= 0) return 0;
  const m = Math.floor(lambda);
  const u = rng.uniform();
  const pm = poissonPmf(m, lambda);
  let sum = pm;
  if (u < sum) return m;
  let hi = m, lo = m, phi = pm, plo = pm;
  for (;;) {
    phi *= lambda / (hi + 1);
    hi++;
    sum += phi;
    if (u < sum) return hi;
    if (lo > 0) {
      plo *= lo / lambda;
      lo--;
      sum += plo;
      if (u < sum) return lo;
    }
    if (phi === 0 && (lo === 0 || plo === 0)) return m; // u above the rounded total (a few ulps)
  }
}
