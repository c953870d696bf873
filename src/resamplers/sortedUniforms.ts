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
export function sortedUniforms(n: number, rng: { uniform(): number }, out: Float64Array = new Float64Array(n)): Float64Array {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s -= Math.log1p(-rng.uniform());
    out[i] = s;
  }
  const total = s - Math.log1p(-rng.uniform());
  for (let i = 0; i < n; i++) out[i]! /= total;
  return out;
}

/**
 * Multinomial parent indices for weights `w` in O(n + m): `parents[i]` is the index `j` with
 * `cdf[j-1] ≤ u_i < cdf[j]` for sorted uniforms `u` (numpy's `searchsorted(cumsum(w), u,
 * 'right')`), clamped to the last index.
 */
export function multinomialParents(w: Float64Array, m: number, rng: { uniform(): number }): Int32Array {
  const u = sortedUniforms(m, rng);
  const parents = new Int32Array(m);
  let j = 0, cdf = w[0] ?? 0;
  const last = w.length - 1;
  for (let i = 0; i < m; i++) {
    while (j < last && cdf <= u[i]!) cdf += w[++j]!;
    parents[i] = j;
  }
  return parents;
}
