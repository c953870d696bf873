import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { inverseSymmetric } from '../util/inverseSymmetric.js';

/** `X⁻¹` of the iteration's matrix; `ERR_ARGUMENT` when the points are affinely dependent. */
function inverseSym(X: Float64Array, m: number): Float64Array {
  return inverseSymmetric(X, m, 1e-14, 'singular matrix in the MVEE iteration: the points are affinely dependent');
}

/** `c = Σ u_i p_i`, `A = (1/d) (Σ u_i p_i p_iᵀ − c cᵀ)⁻¹` and `max_i (p_i − c)ᵀ A (p_i − c)`. */
function ellipsoidOfWeights(P: Float64Array, N: number, d: number, u: Float64Array): { A: Float64Array; c: Float64Array; maxForm: number } {
  const c = new Float64Array(d), S = new Float64Array(d * d);
  for (let i = 0; i < N; i++) for (let a = 0; a < d; a++) c[a] += P[i * d + a]! * u[i]!;
  for (let i = 0; i < N; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) S[a * d + b] += P[i * d + a]! * u[i]! * P[i * d + b]!;
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) S[a * d + b] -= c[a]! * c[b]!;
  const A = inverseSym(S, d).map((v) => v / d);
  let maxForm = 0;
  for (let i = 0; i < N; i++) maxForm = Math.max(maxForm, quadForm(A, P.subarray(i * d, (i + 1) * d), c, d));
  return { A, c, maxForm };
}

/** Result of {@link mvee}: `{x : (x − c)ᵀ A (x − c) ≤ 1}`, the Khachiyan weights and iteration count. */
export interface MveeResult {
  /** Shape matrix `A` (row-major `d × d`) of the ellipsoid `(x − c)ᵀ A (x − c) ≤ 1`. */
  readonly A: Float64Array;
  /** Centre `c`. */
  readonly c: Float64Array;
  /** Khachiyan's weights `u` on the points (Σ u = 1). */
  readonly u: Float64Array;
  readonly iterations: number;
  /** `max_i (x_i − c)ᵀ A (x_i − c)` of the returned ellipsoid (> 1: some points are outside it). */
  readonly maxForm: number;
}

/**
 * The minimum-volume enclosing ellipsoid by Khachiyan's algorithm, exactly as QInfer's
 * `utils.mvee` (a port of N. Moshtagh's MATLAB code): with `Q = [Pᵀ; 1]` (`(d+1) × N`) and
 * `u = 1/N`, repeat
 *
 *   X = Q diag(u) Qᵀ,  M = diag(Qᵀ X⁻¹ Q),  j = argmax M,
 *   β = (M_j − d − 1) / ((d + 1)(M_j − 1)),  u ← (1 − β) u + β e_j
 *
 * until `‖Δu‖₂ ≤ tol`; then `c = P u`, `A = (1/d) (P diag(u) Pᵀ − c cᵀ)⁻¹`. The result is an
 * approximation: it need NOT contain every point (`maxForm` > 1 reports by how much — the
 * failure QInfer's own tests hit), and it needs the points to span `d` dimensions (else
 * `ERR_ARGUMENT`). {@link minimumVolumeEllipsoid} builds on it with both fixed.
 *
 * @example
 * ```ts
 * import { mvee } from 'qinfer-rx';
 * const { A, c } = mvee([[1, 0], [-1, 0], [0, 2], [0, -2]], { tol: 1e-9 });
 * // c ≈ [0, 0], A ≈ diag(1, 1/4)
 * ```
 */
export function mvee(points: ParticlesLike, options: { readonly tol?: number; readonly d?: number; readonly maxIterations?: number } = {}): MveeResult {
  const d = options.d ?? (Array.isArray(points) ? ((points[0] as readonly number[] | undefined)?.length ?? 1) : (points as { shape: number[] }).shape?.[1] ?? 1);
  const tol = options.tol ?? 0.001, maxIt = options.maxIterations ?? 1000000;
  const { x: P, nM: N } = toRowMajor(points, d);
  if (N < d + 1) throw new QinferArgumentError('ERR_ARGUMENT', `an ellipsoid in ${d} dimensions needs at least ${d + 1} points, got ${N}`);
  const m = d + 1;
  let u = new Float64Array(N).fill(1 / N);
  const X = new Float64Array(m * m), M = new Float64Array(N), qi = new Float64Array(m);
  let err = 1, iterations = 1;
  while (err > tol) {
    if (iterations > maxIt) throw new QinferError('ERR_ARGUMENT', `the MVEE did not converge in ${maxIt} iterations`);
    X.fill(0);
    for (let i = 0; i < N; i++) {
      for (let a = 0; a < d; a++) qi[a] = P[i * d + a]!;
      qi[d] = 1;
      const ui = u[i]!;
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) X[a * m + b] += qi[a]! * ui * qi[b]!;
    }
    const Xi = inverseSym(X, m);
    let j = 0;
    for (let i = 0; i < N; i++) {
      for (let a = 0; a < d; a++) qi[a] = P[i * d + a]!;
      qi[d] = 1;
      let s = 0;
      for (let a = 0; a < m; a++) {
        let t = 0;
        for (let b = 0; b < m; b++) t += Xi[a * m + b]! * qi[b]!;
        s += qi[a]! * t;
      }
      M[i] = s;
      if (s > M[j]!) j = i;
    }
    const step = (M[j]! - d - 1) / ((d + 1) * (M[j]! - 1));
    const nu = u.map((v) => (1 - step) * v);
    nu[j] += step;
    iterations++;
    let e2 = 0;
    for (let i = 0; i < N; i++) e2 += (nu[i]! - u[i]!) ** 2;
    err = Math.sqrt(e2);
    u = nu;
  }
  return { ...ellipsoidOfWeights(P, N, d, u), u, iterations };
}

/**
 * Kumar & Yıldırım's start ("Minimum-volume enclosing ellipsoids and core sets", J. Optim. Theory
 * Appl. 126, 2005), on the coordinate axes: weight spread evenly over the points extreme along
 * each axis, so that the away-step iteration starts from at most 2d support points instead of
 * dropping all N one by one.
 */
function kumarYildirimStart(P: Float64Array, N: number, d: number): Float64Array {
  const pick = new Set<number>();
  for (let a = 0; a < d; a++) {
    let lo = 0, hi = 0;
    for (let i = 1; i < N; i++) {
      if (P[i * d + a]! < P[lo * d + a]!) lo = i;
      if (P[i * d + a]! > P[hi * d + a]!) hi = i;
    }
    pick.add(lo);
    pick.add(hi);
  }
  const u = new Float64Array(N);
  for (const i of pick) u[i] = 1 / pick.size;
  return u;
}

/** `(x − c)ᵀ A (x − c)`. */
export function quadForm(A: Float64Array, x: ArrayLike<number>, c: ArrayLike<number>, d: number): number {
  let s = 0;
  for (let a = 0; a < d; a++) {
    let t = 0;
    for (let b = 0; b < d; b++) t += A[a * d + b]! * (x[b]! - c[b]!);
    s += (x[a]! - c[a]!) * t;
  }
  return s;
}

/**
 * Khachiyan's weights by the Todd–Yıldırım algorithm with Wolfe away steps ("On Khachiyan's
 * algorithm for the computation of minimum-volume enclosing ellipsoids", Discrete Appl. Math.
 * 155, 2007): the same multiplicative problem as {@link mvee}, but each step either moves weight
 * towards the point of largest `M_j` or away from the support point of smallest `M_j`, stopping
 * when `max_j M_j ≤ (1 + ε)(d + 1)` and `min_{u_j > 0} M_j ≥ (1 − ε)(d + 1)`. That stopping rule
 * certifies the ellipsoid: scaled by `max_j M_j / (d + 1) ≤ 1 + ε` it contains every point, with
 * a volume within `(1 + ε)^{d/2}` of the minimum. It starts from the points extreme along the
 * axes (Kumar–Yıldırım) and updates `X⁻¹` and every `M_i` by Sherman–Morrison (O(N d) per step,
 * refreshed from scratch every 64 steps): far fewer and cheaper iterations than QInfer's rule
 * for tight tolerances. Returns `(A, c)` unscaled and `maxForm` as `mvee`.
 *
 * @example
 * ```ts
 * import { mveeAwaySteps } from 'qinfer-rx';
 * mveeAwaySteps(Float64Array.of(1, 0, -1, 0, 0, 2, 0, -2), 4, 2, 1e-9).c; // ≈ [0, 0]
 * ```
 */
export function mveeAwaySteps(P: Float64Array, N: number, d: number, eps: number, maxIterations = 1000000): MveeResult {
  if (N < d + 1) throw new QinferArgumentError('ERR_ARGUMENT', `an ellipsoid in ${d} dimensions needs at least ${d + 1} points, got ${N}`);
  const m = d + 1, u = kumarYildirimStart(P, N, d), X = new Float64Array(m * m), M = new Float64Array(N);
  const Q = new Float64Array(N * m); // q_i = [p_i, 1]
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < d; a++) Q[i * m + a] = P[i * d + a]!;
    Q[i * m + d] = 1;
  }
  let Xi: Float64Array = new Float64Array(m * m);
  const v = new Float64Array(m), g = new Float64Array(N);
  try {
    X.fill(0);
    for (let i = 0; i < N; i++) if (u[i]! > 0) for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) X[a * m + b] += Q[i * m + a]! * u[i]! * Q[i * m + b]!;
    inverseSym(X, m);
  } catch {
    u.fill(1 / N); // the extremes do not span: start from all points
  }
  // X⁻¹ and M from scratch (at the start and every 64 steps, against the drift of the updates)
  const refresh = (): void => {
    X.fill(0);
    for (let i = 0; i < N; i++) for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) X[a * m + b] += Q[i * m + a]! * u[i]! * Q[i * m + b]!;
    Xi = inverseSym(X, m);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let a = 0; a < m; a++) {
        let t = 0;
        for (let b = 0; b < m; b++) t += Xi[a * m + b]! * Q[i * m + b]!;
        s += Q[i * m + a]! * t;
      }
      M[i] = s;
    }
  };
  refresh();
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    if (iterations % 64 === 63) refresh();
    let jp = 0, jm = -1;
    for (let i = 0; i < N; i++) {
      if (M[i]! > M[jp]!) jp = i;
      if (u[i]! > 0 && (jm < 0 || M[i]! < M[jm]!)) jm = i;
    }
    const ePlus = M[jp]! / m - 1, eMinus = 1 - M[jm]! / m;
    if (ePlus <= eps && eMinus <= eps) break;
    let j: number, tau: number;
    if (ePlus > eMinus) {
      j = jp;
      tau = (M[j]! - m) / (m * (M[j]! - 1));
    } else {
      j = jm;
      const drop = -u[j]! / (1 - u[j]!);
      tau = M[j]! > 1 ? Math.max((M[j]! - m) / (m * (M[j]! - 1)), drop) : drop;
    }
    // rank-one update: X' = (1 − τ) X + τ q_j q_jᵀ (Sherman–Morrison for X'⁻¹ and every M_i)
    for (let a = 0; a < m; a++) {
      let t = 0;
      for (let b = 0; b < m; b++) t += Xi[a * m + b]! * Q[j * m + b]!;
      v[a] = t;
    }
    for (let i = 0; i < N; i++) {
      let t = 0;
      for (let a = 0; a < m; a++) t += Q[i * m + a]! * v[a]!;
      g[i] = t;
    }
    const alpha = tau / (1 - tau), den = 1 + alpha * M[j]!;
    for (let i = 0; i < N; i++) u[i]! *= 1 - tau;
    u[j] += tau;
    if (u[j]! < 1e-300) u[j] = 0;
    if (!(den > 1e-12)) {
      refresh();
      continue;
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) Xi[a * m + b] = (Xi[a * m + b]! - (alpha * v[a]! * v[b]!) / den) / (1 - tau);
    for (let i = 0; i < N; i++) M[i] = (M[i]! - (alpha * g[i]! * g[i]!) / den) / (1 - tau);
  }
  if (iterations >= maxIterations) throw new QinferError('ERR_ARGUMENT', `the MVEE did not converge in ${maxIterations} iterations`);
  refresh();
  return { ...ellipsoidOfWeights(P, N, d, u), u, iterations };
}
