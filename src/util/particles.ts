import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';

/** A 2-D float64 ndarray of shape `[nModels, nModelparams]` (one particle per row). */
export type Matrix = ndarray.NdArray<Float64Array>;

/**
 * Particle locations as the library accepts them: a 2-D ndarray `[nM, nP]`, a flat row-major
 * `Float64Array` (its length a multiple of `nP`), or nested rows. A 1-D ndarray is one column
 * (QInfer accepts 1-D modelparams for one-parameter models).
 */
export type ParticlesLike = Matrix | Float64Array | readonly (readonly number[])[];

/** Contiguous row-major particles: `x[j * nP + p]` is parameter `p` of particle `j`. */
export interface RowMajor {
  readonly x: Float64Array;
  readonly nM: number;
  readonly nP: number;
}

/**
 * Normalises particles to a contiguous row-major `Float64Array` without copying when possible
 * (a contiguous ndarray or a flat array is used as is; a strided view is copied).
 * Throws `ERR_SHAPE` when the number of columns is not `nP`.
 */
export function toRowMajor(mps: ParticlesLike, nP: number): RowMajor {
  if (mps instanceof Float64Array) {
    if (mps.length % nP !== 0) {
      throw new QinferArgumentError('ERR_SHAPE', `flat particles of length ${mps.length} are not a multiple of nModelparams = ${nP}`);
    }
    return { x: mps, nM: mps.length / nP, nP };
  }
  if (Array.isArray(mps)) {
    const rows = mps as readonly (readonly number[])[];
    const x = new Float64Array(rows.length * nP);
    rows.forEach((r, j) => {
      if (!Array.isArray(r) || r.length !== nP) {
        throw new QinferArgumentError('ERR_SHAPE', `particle ${j} has ${Array.isArray(r) ? r.length : 'no'} parameters, expected ${nP}`);
      }
      for (let p = 0; p < nP; p++) x[j * nP + p] = r[p]!;
    });
    return { x, nM: rows.length, nP };
  }
  const m = mps as Matrix;
  if (m.dimension === 1) {
    if (nP !== 1) throw new QinferArgumentError('ERR_SHAPE', `a 1-D particle array needs a one-parameter model, not nModelparams = ${nP}`);
    return { x: contiguous(m, m.shape[0]!), nM: m.shape[0]!, nP };
  }
  if (m.dimension !== 2 || m.shape[1] !== nP) {
    throw new QinferArgumentError('ERR_SHAPE', `particles must have shape [nModels, ${nP}], got [${m.shape.join(', ')}]`);
  }
  const nM = m.shape[0]!;
  if (m.stride[1] === 1 && (m.stride[0] === nP || nM <= 1)) {
    return { x: m.data.subarray(m.offset, m.offset + nM * nP), nM, nP };
  }
  const x = new Float64Array(nM * nP);
  for (let j = 0; j < nM; j++) for (let p = 0; p < nP; p++) x[j * nP + p] = m.get(j, p);
  return { x, nM, nP };
}

function contiguous(m: Matrix, n: number): Float64Array {
  if (m.stride[0] === 1) return m.data.subarray(m.offset, m.offset + n);
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) x[j] = m.get(j);
  return x;
}

/** Wraps a row-major buffer as a `[nM, nP]` ndarray (no copy). */
export function matrix(x: Float64Array, nM: number, nP: number): Matrix {
  return ndarray(x, [nM, nP]);
}
