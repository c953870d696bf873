import { neumaierError } from '../util/compensatedSum.js';
import { LIKELIHOOD_TOLERANCE } from './constants.js';

/**
 * Number of values of the lane sums {@link weighLikelihood} writes (and the WebAssembly update
 * kernel stores, in the same layout): `N₀ N₁ cN₀ cN₁ S₀ S₁ cS₀ cS₁ M₀ M₁`.
 */
export const UPDATE_SUMS = 10;

/** {@link weighLikelihood}'s result when every likelihood was in range. */
export const WEIGH_OK = -1;
/** {@link weighLikelihood}'s result when a likelihood in [−1e-12, 0) was clipped to 0. */
export const WEIGH_CLIPPED = -2;

/**
 * The first pass of the Bayes update over the likelihood `L` of `n` particles with weights `w`:
 * each `L_i` checked (in `[0, 1 + 1e-12]`; in `[−1e-12, 0)` clipped to 0), `v_i = w_i L_i`, and
 * the sums
 *
 *   N = Σ v_i,   S = Σ v_i²,   M = Σ v_i x_i   (x: one parameter per particle; M = 0 without x)
 *
 * in two lanes — lane 0 the even indices, lane 1 the odd ones, each in index order — N and S by
 * Neumaier's compensated sum (sum and correction per lane), written into `sums` as
 * `N₀ N₁ cN₀ cN₁ S₀ S₁ cS₀ cS₁ M₀ M₁` (combined by {@link laneSum}). The lanes are the
 * WebAssembly update kernel's f64x2 lanes (scripts/wasm/build-kernels.mjs): the two compute the
 * same values bit for bit, and two lanes halve the sums' dependency chains.
 *
 * Returns {@link WEIGH_OK}, {@link WEIGH_CLIPPED}, or the index (≥ 0) of the first likelihood out
 * of range or NaN (the sums are then partial).
 *
 * @example
 * ```ts
 * const sums = new Float64Array(UPDATE_SUMS);
 * weighLikelihood(Float64Array.of(1, 0.5, 0.25), Float64Array.of(0.5, 0.25, 0.25), undefined, 3, sums); // -1
 * laneSum(sums[0], sums[1], sums[2], sums[3]); // N = 0.5 + 0.125 + 0.0625
 * ```
 */
export function weighLikelihood(L: Float64Array, w: Float64Array, x: Float64Array | undefined, n: number, sums: Float64Array): number {
  // Lane 0 in (N0, c0, S0, d0, M0), lane 1 in (N1, …): a particle pair per round.
  let N0 = 0, N1 = 0, c0 = 0, c1 = 0, S0 = 0, S1 = 0, d0 = 0, d1 = 0, M0 = 0, M1 = 0, clipped = false;
  for (let i = 0; i < n; i += 2) {
    let l = L[i]!, k = i + 1 < n ? L[i + 1]! : 0;
    if (!(l >= 0 && l <= 1 + LIKELIHOOD_TOLERANCE && k >= 0 && k <= 1 + LIKELIHOOD_TOLERANCE)) {
      const bad = clip(l);
      if (bad !== bad) return i;
      const bk = clip(k);
      if (bk !== bk) return i + 1;
      clipped ||= bad !== l || bk !== k;
      l = bad;
      k = bk;
    }
    const u = w[i]! * l, v = i + 1 < n ? w[i + 1]! * k : 0, p = u * u, q = v * v;
    const t0 = N0 + u, t1 = N1 + v, s0 = S0 + p, s1 = S1 + q;
    c0 += neumaierError(N0, u, t0);
    c1 += neumaierError(N1, v, t1);
    d0 += neumaierError(S0, p, s0);
    d1 += neumaierError(S1, q, s1);
    N0 = t0; N1 = t1; S0 = s0; S1 = s1;
    if (x !== undefined) {
      M0 += u * x[i]!;
      if (i + 1 < n) M1 += v * x[i + 1]!;
    }
  }
  sums[0] = N0; sums[1] = N1; sums[2] = c0; sums[3] = c1;
  sums[4] = S0; sums[5] = S1; sums[6] = d0; sums[7] = d1;
  sums[8] = M0; sums[9] = M1;
  return clipped ? WEIGH_CLIPPED : WEIGH_OK;
}

/** A likelihood checked: itself in [0, 1 + 1e-12], 0 in [−1e-12, 0), else NaN. */
function clip(l: number): number {
  if (l >= 0 && l <= 1 + LIKELIHOOD_TOLERANCE) return l;
  return l < 0 && l >= -LIKELIHOOD_TOLERANCE ? 0 : NaN;
}

/**
 * Two Neumaier lanes (sums `s0`, `s1`, corrections `c0`, `c1`) combined into one sum:
 * `t = s0 + s1`, then `t + ((c0 + c1) + e)` with `e` the rounding error of `s0 + s1`.
 *
 * @example
 * ```ts
 * laneSum(1, 1e-16, 0, 0); // 1.0000000000000002 (to the nearest double of 1 + 1e-16)
 * ```
 */
export function laneSum(s0: number, s1: number, c0: number, c1: number): number {
  const t = s0 + s1;
  return t + (c0 + c1 + neumaierError(s0, s1, t));
}

/**
 * The second pass: `w_i ← (w_i L_i⁺) · r` for `i < n` (`L⁺ = max(L, 0)`, the clipping of
 * {@link weighLikelihood}; `r = 1/N`), the same products as the WebAssembly `scale` kernel on
 * the stored `v_i`.
 *
 * @example
 * ```ts
 * const w = Float64Array.of(0.5, 0.5);
 * scaleWeights(Float64Array.of(1, -1e-13), w, 2, 2); // w = [1, 0]
 * ```
 */
export function scaleWeights(L: Float64Array, w: Float64Array, n: number, r: number): void {
  for (let i = 0; i < n; i++) {
    const l = L[i]!;
    w[i] = w[i]! * (l < 0 ? 0 : l) * r;
  }
}
