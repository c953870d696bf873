import { QinferArgumentError } from '../errors/QinferError.js';
import { symmetricEigen } from './symmetricEigen.js';

/**
 * The inverse of a symmetric positive definite `d × d` matrix (row-major) from its
 * eigendecomposition, `A⁻¹ = V diag(1/λ) Vᵀ`. Throws `ERR_ARGUMENT` when the smallest eigenvalue
 * is not above `relTol` times the largest (singular or indefinite), with `what` in the message.
 *
 * @example
 * ```ts
 * import { inverseSymmetric } from 'qinfer-rx';
 * inverseSymmetric(Float64Array.of(2, 0, 0, 4), 2); // [0.5, 0, 0, 0.25]
 * ```
 */
export function inverseSymmetric(A: Float64Array, d: number, relTol = 1e-14, what = 'the matrix is singular'): Float64Array {
  const { values, vectors } = symmetricEigen(A, d);
  if (!(values[0]! > relTol * Math.abs(values[d - 1]!))) {
    throw new QinferArgumentError('ERR_ARGUMENT', `${what} (eigenvalue ${values[0]})`, { details: { eigenvalue: values[0] } });
  }
  const inv = new Float64Array(d * d);
  for (let p = 0; p < d; p++) {
    for (let q = 0; q < d; q++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += (vectors[p * d + k]! * vectors[q * d + k]!) / values[k]!;
      inv[p * d + q] = s;
    }
  }
  return inv;
}
