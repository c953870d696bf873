import ndarray from 'ndarray';
import type { OutcomesLike } from './Model.js';

/**
 * Builds a two-outcome likelihood from `Pr(0)` (QInfer's `pr0_to_likelihood_array`):
 * `L[i, j, k] = pr0[j, k]` when `outcomes[i] == 0`, else `1 − pr0[j, k]` (ANY non-zero outcome
 * counts as "1", as in QInfer). A scalar outcome gives a leading axis of length 1.
 *
 * @param outcomes - one outcome or several
 * @param pr0 - `Pr(0)`, row-major `[nM, nE]`
 * @param out - optional output of length `nO·nM·nE`
 * @returns `L` of shape `[nO, nM, nE]`
 *
 * @example
 * ```ts
 * import { pr0ToLikelihoodArray } from 'qinfer-rx';
 * const L = pr0ToLikelihoodArray([0, 1], Float64Array.of(0.25, 1), 1, 2);
 * L.get(1, 0, 0); // 0.75
 * ```
 */
export function pr0ToLikelihoodArray(
  outcomes: OutcomesLike,
  pr0: Float64Array,
  nM: number,
  nE: number,
  out?: Float64Array,
): ndarray.NdArray<Float64Array> {
  const os = typeof outcomes === 'number' ? [outcomes] : Array.from(outcomes);
  const n = nM * nE;
  const L = out ?? new Float64Array(os.length * n);
  os.forEach((o, i) => {
    const base = i * n;
    if (o === 0) L.set(pr0.subarray(0, n), base);
    else for (let m = 0; m < n; m++) L[base + m] = 1 - pr0[m]!;
  });
  return ndarray(L, [os.length, nM, nE]);
}
