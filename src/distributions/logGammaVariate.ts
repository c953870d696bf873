import type { Rng } from '../rng/Rng.js';

/**
 * The natural logarithm of a Gamma(α, 1) variate, by Marsaglia & Tsang's squeeze method
 * ("A simple method for generating gamma variables", ACM TOMS 26, 2000):
 *
 * - `α ≥ 1`: `d = α − 1/3`, `c = 1/√(9d)`; draw `z ~ N(0, 1)`, `v = (1 + c z)³`, accept when
 *   `ln u < z²/2 + d − d v + d ln v` (`u ~ U[0, 1)`), and return `ln(d v)`;
 * - `α < 1`: `ln G(α + 1) + ln(u) / α` (the boost `G(α) = G(α + 1) · u^{1/α}`), kept in log space
 *   so that small shapes (`α = 1e-3`, whose variates underflow to 0 as numbers) stay usable, e.g.
 *   for Beta variates as a ratio of gammas.
 *
 * Every random number comes from `rng` (normals and uniforms). The caller checks `α > 0`.
 *
 * @param alpha - shape `α > 0`
 * @param rng - the generator
 * @returns `ln X`, `X ~ Gamma(α, 1)` (density `x^{α−1} e^{−x} / Γ(α)`)
 *
 * @example
 * ```ts
 * import { logGammaVariate, Rng } from 'qinfer-rx';
 * Math.exp(logGammaVariate(2.5, new Rng(1))); // a Gamma(2.5, 1) draw
 * ```
 */
export function logGammaVariate(alpha: number, rng: Rng): number {
  if (alpha < 1) {
    let u = rng.uniform();
    while (u === 0) u = rng.uniform();
    return logGammaVariate(alpha + 1, rng) + Math.log(u) / alpha;
  }
  const d = alpha - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = rng.normal();
    const t = 1 + c * z;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = rng.uniform();
    const z2 = z * z;
    if (u < 1 - 0.0331 * z2 * z2) return Math.log(d * v); // the squeeze (accepts ~98%)
    if (u > 0 && Math.log(u) < 0.5 * z2 + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}
