import { symmetricEigen } from './symmetricEigen.js';

/** How {@link robustSqrtmPsd} obtained its square root. */
export type SqrtmFallback = 'none' | 'diagonal' | 'identity';

/** Result of {@link robustSqrtmPsd}. */
export interface RobustSqrtm {
  /** The symmetric positive semidefinite square root, row-major `d × d`, always finite. */
  readonly S: Float64Array;
  /** `‖S S − B‖_F` against the symmetrised input `B` (0 for the fallbacks' own matrices). */
  readonly error: number;
  /** `'none'`: the eigendecomposition; `'diagonal'`: `diag(√max(B_pp, 0))`; `'identity'`: `√fallback · I`. */
  readonly fallback: SqrtmFallback;
  /** Number of negative eigenvalues set to 0. */
  readonly clipped: number;
  /** The smallest eigenvalue of `B` (NaN when the input was not finite). */
  readonly minEigenvalue: number;
  /** The largest eigenvalue of `B`. */
  readonly maxEigenvalue: number;
}

/**
 * A matrix square root for covariances that are near-singular, not positive semidefinite, not
 * quite symmetric or not finite — the Liu–West failures of QInfer issues #108 (`sqrtm` reporting
 * an infinite error for covariances dominated by a low-dimensional subspace) and #151 (negative
 * eigenvalues from the one-pass covariance of narrow, correlated posteriors):
 *
 * 1. symmetrise, `B = (A + Aᵀ)/2`;
 * 2. scale by `s = max |B_pq|` (so that tiny or huge covariances neither underflow nor
 *    overflow in the Jacobi rotations) and diagonalise `B/s = V diag(λ) Vᵀ`;
 * 3. clip the eigenvalues at 0 and return `S = √s · V diag(√max(λ, 0)) Vᵀ` (symmetrised);
 *
 * with stated fallbacks: a zero matrix or non-finite entries give `√fallback · I` (`'identity'`,
 * the Liu–West `zeroCovComp · I`); an eigendecomposition that is not finite, or one whose
 * eigenvalues are all ≤ 0, gives `diag(√max(B_pp, 0))` (`'diagonal'`, and `'identity'` if that is
 * zero too). The result is always finite; callers warn on `fallback !== 'none'` and on
 * significantly negative `minEigenvalue`.
 *
 * @param A - row-major `d × d`
 * @param d - dimension
 * @param fallback - the variance of the identity fallback (e.g. 1e-10)
 *
 * @example
 * ```ts
 * import { robustSqrtmPsd } from 'qinfer-rx';
 * robustSqrtmPsd(Float64Array.of(1, 2, 2, 1), 2, 1e-10).clipped; // 1 (the eigenvalue −1)
 * robustSqrtmPsd(Float64Array.of(NaN, 0, 0, 1), 2, 1e-10).fallback; // 'identity'
 * ```
 */
export function robustSqrtmPsd(A: ArrayLike<number>, d: number, fallback: number): RobustSqrtm {
  const identity = (minEigenvalue: number, maxEigenvalue: number): RobustSqrtm => {
    const S = new Float64Array(d * d), r = Math.sqrt(Math.max(0, fallback));
    for (let p = 0; p < d; p++) S[p * d + p] = r;
    return { S, error: 0, fallback: 'identity', clipped: 0, minEigenvalue, maxEigenvalue };
  };
  const B = new Float64Array(d * d);
  let s = 0;
  for (let p = 0; p < d; p++) {
    for (let q = 0; q < d; q++) {
      const v = 0.5 * (A[p * d + q]! + A[q * d + p]!);
      if (!Number.isFinite(v)) return identity(NaN, NaN);
      B[p * d + q] = v;
      s = Math.max(s, Math.abs(v));
    }
  }
  if (s === 0) return identity(0, 0);
  const { values, vectors } = symmetricEigen(B.map((v) => v / s), d);
  const minE = values[0]! * s, maxE = values[d - 1]! * s;
  const finite = values.every(Number.isFinite) && vectors.every(Number.isFinite);
  if (!finite || !(values[d - 1]! > 0)) {
    const S = new Float64Array(d * d);
    let any = false;
    for (let p = 0; p < d; p++) {
      const v = Math.sqrt(Math.max(0, B[p * d + p]!));
      S[p * d + p] = v;
      if (v > 0) any = true;
    }
    if (!any) return identity(minE, maxE);
    return { S, error: frobeniusError(S, B, d), fallback: 'diagonal', clipped: finite ? values.filter((v) => v < 0).length : 0, minEigenvalue: minE, maxEigenvalue: maxE };
  }
  const root = Math.sqrt(s), S = new Float64Array(d * d);
  let clipped = 0;
  const sq = Float64Array.from(values, (v) => {
    if (v < 0) clipped++;
    return Math.sqrt(Math.max(v, 0));
  });
  for (let p = 0; p < d; p++) {
    for (let q = p; q < d; q++) {
      let t = 0;
      for (let k = 0; k < d; k++) t += vectors[p * d + k]! * sq[k]! * vectors[q * d + k]!;
      S[p * d + q] = S[q * d + p] = root * t;
    }
  }
  return { S, error: frobeniusError(S, B, d), fallback: 'none', clipped, minEigenvalue: minE, maxEigenvalue: maxE };
}

/** `‖S S − B‖_F`. */
function frobeniusError(S: Float64Array, B: Float64Array, d: number): number {
  let e = 0;
  for (let p = 0; p < d; p++) {
    for (let q = 0; q < d; q++) {
      let t = 0;
      for (let k = 0; k < d; k++) t += S[p * d + k]! * S[k * d + q]!;
      e += (t - B[p * d + q]!) ** 2;
    }
  }
  return Math.sqrt(e);
}
