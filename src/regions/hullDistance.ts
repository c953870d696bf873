/**
 * The scaled L1 distance from a point to the convex hull of a point set, by a phase-one simplex:
 *
 *   dist(x, conv P) = min { Σ_k |x_k − Σ_i λ_i p_ik| / s_k  :  λ ≥ 0, Σ_i λ_i = 1 },
 *
 * a linear programme in the weights `λ` with one row per coordinate (slacks `s⁺ − s⁻` carry the
 * residual) and one for `Σ λ = 1`, started from `λ = e_0` and solved by the dense tableau simplex
 * with Bland's rule (no cycling on the degenerate programmes hulls give). The distance is 0
 * exactly when `x ∈ conv P`; flat or lower-dimensional point sets need no special case. Cost per
 * pivot `O((d + 1)(n + 2d))`; a few dozen pivots for d ≤ 6.
 *
 * `P` is row-major `[n, d]`, `columns` (optional) restricts it to some rows, `scale[k] > 0`
 * divides coordinate k (so the distance is dimensionless).
 *
 * @example
 * ```ts
 * import { hullDistance } from 'qinfer-rx';
 * const square = Float64Array.of(0, 0, 1, 0, 0, 1, 1, 1);
 * hullDistance(square, 4, 2, Float64Array.of(0.5, 0.5)); // 0
 * hullDistance(square, 4, 2, Float64Array.of(2, 0.5));   // 1
 * ```
 */
export function hullDistance(P: Float64Array, n: number, d: number, x: ArrayLike<number>, scale?: ArrayLike<number>, columns?: ArrayLike<number>): number {
  const cols = columns === undefined ? n : columns.length;
  if (cols === 0) return Infinity;
  const row = (c: number): number => (columns === undefined ? c : columns[c]!);
  const m = d + 1, N = cols + 2 * d, W = N + 1; // variables: λ (cols), s⁺ (d), s⁻ (d); last column rhs
  const T = new Float64Array(m * W), basis = new Int32Array(m), cost = new Float64Array(N);
  for (let k = 0; k < 2 * d; k++) cost[cols + k] = 1;
  const sc = (k: number): number => (scale === undefined ? 1 : scale[k]!);
  const p0 = row(0);
  // row 0: Σ λ = 1, basic λ_0
  for (let c = 0; c < cols; c++) T[c] = 1;
  T[N] = 1;
  basis[0] = 0;
  // rows 1..d: Σ_c λ_c (p_ck − p_0k)/s_k + s⁺_k − s⁻_k = (x_k − p_0k)/s_k, basic s⁺ or s⁻
  for (let k = 0; k < d; k++) {
    const r = (k + 1) * W, s = sc(k), p0k = P[p0 * d + k]!;
    let rhs = (x[k]! - p0k) / s;
    const sign = rhs < 0 ? -1 : 1;
    rhs *= sign;
    for (let c = 0; c < cols; c++) T[r + c] = (sign * (P[row(c) * d + k]! - p0k)) / s;
    T[r + cols + k] = sign;
    T[r + cols + d + k] = -sign;
    T[r + N] = rhs;
    basis[k + 1] = sign > 0 ? cols + k : cols + d + k;
  }
  // reduced costs r_j = c_j − Σ_i c_{B_i} T_ij, and the objective Σ c_B rhs
  const red = new Float64Array(W);
  for (let j = 0; j < W; j++) {
    let s = j < N ? cost[j]! : 0;
    for (let i = 0; i < m; i++) s -= cost[basis[i]!]! * T[i * W + j]!;
    red[j] = s;
  }
  const EPS = 1e-12;
  for (let iter = 0; iter < 50 * (N + m); iter++) {
    let enter = -1;
    for (let j = 0; j < N; j++) {
      if (red[j]! < -EPS) {
        enter = j; // Bland: the lowest index
        break;
      }
    }
    if (enter < 0) break;
    let leave = -1, best = Infinity;
    for (let i = 0; i < m; i++) {
      const a = T[i * W + enter]!;
      if (a > EPS) {
        const ratio = T[i * W + N]! / a;
        if (ratio < best - 1e-15 || (Math.abs(ratio - best) <= 1e-15 && leave >= 0 && basis[i]! < basis[leave]!)) {
          best = ratio;
          leave = i;
        }
      }
    }
    if (leave < 0) break; // unbounded cannot happen (the objective is ≥ 0); guard against round-off
    const pr = leave * W, piv = T[pr + enter]!;
    for (let j = 0; j < W; j++) T[pr + j]! /= piv;
    for (let i = 0; i < m; i++) {
      if (i === leave) continue;
      const f = T[i * W + enter]!;
      if (f !== 0) for (let j = 0; j < W; j++) T[i * W + j]! -= f * T[pr + j]!;
    }
    const f = red[enter]!;
    for (let j = 0; j < W; j++) red[j]! -= f * T[pr + j]!;
    basis[leave] = enter;
  }
  let obj = 0;
  for (let i = 0; i < m; i++) obj += cost[basis[i]!]! * T[i * W + N]!;
  return Math.max(0, obj);
}
