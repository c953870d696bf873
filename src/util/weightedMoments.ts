/**
 * `μ = Σ_i w_i x_i` of `n` row-major particles (`d` columns), written into `out` (length d), the
 * estimate QInfer's `est_mean` makes (no renormalisation of `w`); `d = 1` has its own loop.
 *
 * @example
 * ```ts
 * weightedMean(Float64Array.of(1, 3), Float64Array.of(0.25, 0.75), 2, 1); // Float64Array [2.5]
 * ```
 */
export function weightedMean(x: Float64Array, w: Float64Array, n: number, d: number, out: Float64Array = new Float64Array(d)): Float64Array {
  if (d === 1) {
    let m = 0;
    for (let i = 0; i < n; i++) m += w[i]! * x[i]!;
    out[0] = m;
    return out;
  }
  out.fill(0, 0, d);
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    for (let p = 0; p < d; p++) out[p] += wi * x[i * d + p]!;
  }
  return out;
}

/**
 * The weighted covariance `C = Σ_i w_i (x_i − μ)(x_i − μ)ᵀ` of `n` row-major particles (`d`
 * columns) in two passes about a shift `r` (the first particle of positive weight):
 *
 *   δ_i = x_i − r,   μ' = Σ_i w_i δ_i,   C = Σ_i w_i (δ_i − μ')(δ_i − μ')ᵀ.
 *
 * Unlike the one-pass `Σ w x xᵀ − μ μᵀ` it does not cancel catastrophically: identical particles
 * give exactly 0 and the result is positive semidefinite up to rounding. Zero weights are skipped.
 * Writes the full symmetric `d × d` matrix into `out` (row-major) and returns it; `work` (length
 * ≥ 2d) is scratch, so a caller that keeps both allocates nothing. `d = 1` has its own loop.
 *
 * @example
 * ```ts
 * centeredCovariance(Float64Array.of(1, 3), Float64Array.of(0.5, 0.5), 2, 1); // Float64Array [1]
 * ```
 */
export function centeredCovariance(
  x: Float64Array,
  w: Float64Array,
  n: number,
  d: number,
  out: Float64Array = new Float64Array(d * d),
  work: Float64Array = new Float64Array(2 * d),
): Float64Array {
  let r = 0;
  while (r < n - 1 && !(w[r]! > 0)) r++;
  if (d === 1) {
    const s = x[r]!;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      if (wi !== 0) m += wi * (x[i]! - s);
    }
    let c = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      if (wi === 0) continue;
      const e = x[i]! - s - m;
      c += wi * e * e;
    }
    out[0] = c;
    return out;
  }
  // One pass per mean component and per upper-triangle entry, each summing over the particles in
  // a register (the same terms in the same order as accumulating a whole row per particle, so the
  // same bits), instead of read-modify-writes of d + d(d+1)/2 array cells per particle.
  const mu = work;
  const o = r * d;
  for (let p = 0; p < d; p++) {
    const sp = x[o + p]!;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      if (wi !== 0) m += wi * (x[i * d + p]! - sp);
    }
    mu[p] = m;
  }
  for (let p = 0; p < d; p++) {
    const sp = x[o + p]!, mp = mu[p]!;
    for (let q = p; q < d; q++) {
      const sq = x[o + q]!, mq = mu[q]!;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const wi = w[i]!;
        if (wi === 0) continue;
        c += wi * (x[i * d + p]! - sp - mp) * (x[i * d + q]! - sq - mq);
      }
      out[p * d + q] = c;
    }
  }
  for (let p = 0; p < d; p++) for (let q = 0; q < p; q++) out[p * d + q] = out[q * d + p]!;
  return out;
}
