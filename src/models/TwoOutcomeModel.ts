import type { ExpParams } from '../expparams/ExpParams.js';
import { FiniteOutcomeModel } from './FiniteOutcomeModel.js';

/**
 * Base class of two-outcome models defined by `Pr(0 | x; e)`. Subclasses implement
 * {@link pr0Into}; the likelihood is `L[i] = pr0` for outcome 0 and `1 − pr0` for outcome 1
 * (as {@link pr0ToLikelihoodArray}).
 *
 * @example
 * ```ts
 * class Coin extends TwoOutcomeModel {
 *   readonly name = 'MyCoin'; readonly nModelparams = 1; readonly expparamsSchema = SCALAR_SCHEMA;
 *   pr0Into(x, nM, eps, out, start = 0, end = nM) {
 *     for (let j = start; j < end; j++) for (let k = 0; k < eps.length; k++) out[j * eps.length + k] = x[j];
 *   }
 *   areModelsValid(mps) { … }
 * }
 * ```
 */
export abstract class TwoOutcomeModel extends FiniteOutcomeModel {
  nOutcomes(_eps?: ExpParams, _i?: number): number {
    return 2;
  }

  /**
   * Writes `out[j * nE + k] = Pr(0 | x_j; e_k)` for particles `start..end` (`x` row-major).
   * The raw kernel: no validation, no allocation.
   */
  abstract pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start?: number, end?: number): void;

  likelihoodInto(outcomes: Int32Array, x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const nO = outcomes.length;
    if (nO === 0) return;
    const nE = eps.length, n = nM * nE, lo = start * nE, hi = end * nE;
    this.pr0Into(x, nM, eps, out, start, end); // Pr(0) into the slab of outcome index 0
    for (let i = 1; i < nO; i++) {
      const base = i * n;
      if (outcomes[i] === 0) for (let m = lo; m < hi; m++) out[base + m] = out[m]!;
      else for (let m = lo; m < hi; m++) out[base + m] = 1 - out[m]!;
    }
    if (outcomes[0] !== 0) for (let m = lo; m < hi; m++) out[m] = 1 - out[m]!;
  }
}
