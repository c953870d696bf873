/**
 * Neumaier's compensated summation, the one summation kernel of the updater: the normalisation
 * `N = Σ w_i L_i`, the effective sample size `1 / Σ w_i²` and the update's `Σ v_i²` all go
 * through it (the update's sums in two interleaved lanes, `weighLikelihood`), so that they round
 * the same way everywhere (500 weights of
 * 1/500 give `Σ w² = 1/500` to an ulp, not the 499.999999999995 of a naive loop that would flip
 * a strict `n_ess < n/2` test).
 *
 * A running sum `s` with a correction `c`: for each term `v`,
 *
 *   t = s + v,   c += (s ≥ v) ? (s − t) + v : (v − t) + s,   s = t,   and the sum is s + c.
 *
 * {@link neumaierError} is the correction of one addition, for loops that fuse the sum with
 * other work (validation, writing the new weights); {@link compensatedDot} is the whole loop
 * over arrays. The compare is on signed values: exact for the non-negative terms summed here
 * (weights times likelihoods, squared weights).
 *
 * @example
 * ```ts
 * import { compensatedDot, neumaierError } from 'qinfer-rx';
 * const w = new Float64Array(500).fill(1 / 500);
 * 1 / compensatedDot(w, w); // 500 (± an ulp)
 * let s = 0, c = 0;
 * for (const v of [0.1, 0.2, 0.3]) { const t = s + v; c += neumaierError(s, v, t); s = t; }
 * s + c; // 0.6 (the naive s is 0.6000000000000001)
 * ```
 */
export function neumaierError(s: number, v: number, t: number): number {
  return s >= v ? s - t + v : v - t + s;
}

/**
 * The compensated weighted sum `Σ_{i ∈ [start, end)} a_i · b_i⁺` with `b⁺ = max(b, 0)`
 * (see {@link neumaierError}): negative entries of `b` count as 0, the clipping rule of the Bayes
 * update for tiny negative likelihoods; for non-negative `b` it is the plain dot product
 * (`compensatedDot(w, w)` is `Σ w_i²`).
 *
 * @example
 * ```ts
 * compensatedDot(Float64Array.of(0.5, 0.5), Float64Array.of(0.2, -1e-13)); // 0.1
 * ```
 */
export function compensatedDot(a: Float64Array, b: Float64Array, start = 0, end = a.length): number {
  let s = 0, c = 0;
  for (let i = start; i < end; i++) {
    const bi = b[i]!;
    const v = a[i]! * (bi < 0 ? 0 : bi), t = s + v;
    c += neumaierError(s, v, t);
    s = t;
  }
  return s + c;
}
