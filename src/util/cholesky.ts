import { QinferArgumentError } from '../errors/QinferError.js';

/**
 * The lower-triangular Cholesky factor `L` of a symmetric positive definite `d × d` matrix
 * (row-major): `A = L Lᵀ`, by the Cholesky–Banachiewicz recurrence. A matrix that is not
 * positive definite (a pivot ≤ 0 or not finite) → `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { cholesky } from 'qinfer-rx';
 * cholesky(Float64Array.of(4, 2, 2, 5), 2); // [2, 0, 1, 2]
 * ```
 */
export function cholesky(A: Float64Array | readonly number[], d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * d + j]!;
      for (let k = 0; k < j; k++) s -= L[i * d + k]! * L[j * d + k]!;
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) throw new QinferArgumentError('ERR_ARGUMENT', `matrix is not positive definite (pivot ${i} is ${s})`, { details: { pivot: i, value: s } });
        L[i * d + i] = Math.sqrt(s);
      } else L[i * d + j] = s / L[j * d + j]!;
    }
  }
  return L;
}
