import type { Rng } from '../rng/Rng.js';

/** The largest double below 1, `1 − 2⁻⁵³`. */
const ONE_BELOW = 1 - 2 ** -53;

/**
 * `n` sorted uniforms on [0, 1) in O(n) without sorting: with `E_i ~ Exp(1)` and
 * `S_k = Σ_{i≤k} E_i`, the ratios `S_k / S_{n+1}` are distributed as the order statistics of `n`
 * uniforms (Devroye, *Non-Uniform Random Variate Generation*, §V.3). Used to draw multinomial
 * parents by one merge pass over the weights' running sum.
 *
 * @example
 * ```ts
 * const u = sortedUniforms(4, new Rng(1)); // ascending, each in [0, 1)
 * ```
 */
export function sortedUniforms(n: number, rng: Rng, out: Float64Array = new Float64Array(n)): Float64Array {
  rng.fillUniform(out, 0, n); // one block: several times faster than n calls of uniform()
  let s = 0;
  for (let i = 0; i < n; i++) {
    s -= Math.log1p(-out[i]!);
    out[i] = s;
  }
  // The last gap must be positive, or the largest "uniform" would be exactly 1.
  let last = 0;
  while (last === 0) last = -Math.log1p(-rng.uniform());
  const inv = 1 / (s + last);
  for (let i = 0; i < n; i++) {
    const v = out[i]! * inv;
    out[i] = v < 1 ? v : ONE_BELOW; // S_n / S_{n+1} rounds to 1 when the last gap is below an ulp
  }
  return out;
}

/**
 * Multinomial parent indices for weights `w` in O(n + m): `parents[i]` is the index `j` with
 * `cdf[j-1] ≤ u_i < cdf[j]` for sorted uniforms `u` (numpy's `searchsorted(cumsum(w), u,
 * 'right')`), so parent `j` is drawn with probability `w_j / Σw` and the parents come out in
 * ascending order. A `u` beyond the rounded total `cdf[n-1] < 1` goes to the last particle of
 * positive weight (not blindly to the last index), so a zero-weight particle is never a parent;
 * with no positive weight at all every parent is index 0.
 *
 * @example
 * ```ts
 * multinomialParents(Float64Array.of(0.5, 0, 0.5), 4, new Rng(1)); // e.g. Int32Array [0, 0, 2, 2]
 * ```
 */
export function multinomialParents(w: Float64Array, m: number, rng: Rng, parents: Int32Array = new Int32Array(m), scratch?: Float64Array): Int32Array {
  const u = sortedUniforms(m, rng, scratch !== undefined && scratch.length >= m ? scratch : new Float64Array(m));
  let j = 0, cdf = w[0] ?? 0;
  let last = w.length - 1;
  while (last > 0 && !(w[last]! > 0)) last--;
  for (let i = 0; i < m; i++) {
    while (j < last && cdf <= u[i]!) cdf += w[++j]!;
    parents[i] = j;
  }
  return parents;
}
