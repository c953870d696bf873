/**
 * Multinomial draws by inverse-CDF sampling with a guide table (Chen & Asau 1974): O(1) expected
 * work per draw after O(n) set-up, no sorting, no logarithms. For normalised weights `w` and a
 * uniform `u ∈ [0, 1)`, a draw is
 *
 *   j(u) = min(searchsorted(cdf, u, 'right'), last),   cdf[j] = Σ_{i≤j} w_i,
 *
 * numpy's `searchsorted(cumsum(w), u, 'right')` as QInfer draws its parents, with `last` the last
 * index of positive weight, so that a `u` beyond the rounded total never picks a zero-weight
 * particle; with no positive weight every draw is 0. The guide
 * table holds, for each of `G` equal buckets of [0, 1) (G the largest power of two ≤ 2n, so that
 * `u·G` and `k/G` are exact), the first index a `u` of that bucket can map to; the draw walks
 * forward from it over n/G ≤ 1 entries on average. The first two steps of the walk are
 * branch-free (`j += cdf[j] ≤ u`, twice): a data-dependent loop would mispredict at most draws,
 * and in the seed's resamplings 92 % of the draws need at most two steps. A sentinel
 * `cdf[n] = +∞` ends every walk without a bound check.
 *
 * The buffers are owned by the caller and reused (no allocation per call once they are large
 * enough).
 *
 * @example
 * ```ts
 * import { MultinomialGuide } from 'qinfer-rx';
 * const g = new MultinomialGuide();
 * g.prepare(Float64Array.of(0.5, 0, 0.5), 3);
 * g.draw(0.25); // 0
 * g.draw(0.75); // 2
 * ```
 */
export class MultinomialGuide {
  private cdf = new Float64Array(0);
  private guide = new Int32Array(0);
  private g = 1;
  private last = 0;

  /** Builds the running sum and the guide table of `w[0..n)`; returns `last` (the last positive weight). */
  prepare(w: Float64Array, n: number): number {
    if (this.cdf.length < n + 1) this.cdf = new Float64Array(n + 1);
    let g = 1;
    while (g <= n) g *= 2;
    if (this.guide.length < g + 1) this.guide = new Int32Array(g + 1);
    const cdf = this.cdf, guide = this.guide;
    // guide[k] = #{j : cdf[j] ≤ k/g} = #{j : ⌈cdf[j]·g⌉ ≤ k} (cdf[j]·g is exact: g is a power of
    // two). ⌈cdf[j]·g⌉ does not decrease with j, so that count is 1 + the largest j whose bucket
    // ⌈cdf[j]·g⌉ is ≤ k: mark each bucket with j + 1 (the last, largest j wins), then carry the
    // marks forward. Plain stores, no data-dependent branch (a walk over the buckets would
    // mispredict at almost every particle, a count per bucket would chain its increments).
    guide.fill(0, 0, g + 1);
    let s = 0;
    for (let j = 0; j < n; j++) {
      s += w[j]!;
      cdf[j] = s;
      const b = Math.ceil(s * g);
      guide[b < g ? b : g] = j + 1;
    }
    let c = 0;
    for (let k = 0; k < g; k++) {
      const m = guide[k]!;
      c = m > c ? m : c;
      guide[k] = c;
    }
    cdf[n] = Infinity;
    let last = n - 1;
    while (last > 0 && !(w[last]! > 0)) last--;
    this.g = g;
    this.last = last;
    return last;
  }

  /** The parent index for one uniform `u ∈ [0, 1)` (after {@link prepare}). */
  draw(u: number): number {
    const cdf = this.cdf, last = this.last;
    let j = this.guide[Math.floor(u * this.g)]!;
    j += cdf[j]! <= u ? 1 : 0;
    j += cdf[j]! <= u ? 1 : 0;
    while (cdf[j]! <= u) j++;
    return j < last ? j : last;
  }

  /** `parents[i] = draw(u[i])` for `i < m`. */
  drawInto(u: Float64Array, parents: Int32Array, m: number): void {
    const cdf = this.cdf, guide = this.guide, g = this.g, last = this.last;
    for (let i = 0; i < m; i++) {
      const ui = u[i]!;
      let j = guide[Math.floor(ui * g)]!;
      j += cdf[j]! <= ui ? 1 : 0;
      j += cdf[j]! <= ui ? 1 : 0;
      while (cdf[j]! <= ui) j++;
      parents[i] = j < last ? j : last;
    }
  }

  /** The running sum (length ≥ n + 1, `cdf[n] = +∞`), the guide table, its size and `last`, for fused loops. */
  tables(): { readonly cdf: Float64Array; readonly guide: Int32Array; readonly g: number; readonly last: number } {
    return { cdf: this.cdf, guide: this.guide, g: this.g, last: this.last };
  }
}
