import { QinferArgumentError } from '../errors/QinferError.js';

/**
 * The loss of one estimate (QInfer's `perf_test`, `qinfer/perf_testing.py`): the Q-weighted squared error over
 * the last `n = min(nEst, nTrue)` parameters, the two vectors aligned at the RIGHT
 * (QInfer's `shorten_right`) when the estimation and true models differ in size,
 *
 *   loss = Σ_{k<n} Q[nEst − n + k] · (est[nEst − n + k] − true[nTrue − n + k])²,
 *
 * with `Q` the estimation model's loss scale (its tail is used).
 *
 * @param est - the estimate (e.g. `updater.estMean()`), length `nEst`
 * @param trueParams - the true parameters after the time step, length `nTrue`
 * @param Q - the estimation model's `Q`, length `nEst`
 * @example
 * ```ts
 * import { perfLoss } from 'qinfer-rx';
 * perfLoss([0.4], [0.7, 0.1], [1]); // (0.4 − 0.1)² = 0.09…
 * ```
 */
export function perfLoss(est: ArrayLike<number>, trueParams: ArrayLike<number>, Q: ArrayLike<number>): number {
  const nEst = est.length, nTrue = trueParams.length;
  if (Q.length !== nEst) throw new QinferArgumentError('ERR_SHAPE', `Q has ${Q.length} entries for ${nEst} estimated parameters`);
  const n = Math.min(nEst, nTrue), oe = nEst - n, ot = nTrue - n;
  let loss = 0;
  for (let k = 0; k < n; k++) {
    const d = est[oe + k]! - trueParams[ot + k]!;
    loss += Q[oe + k]! * d * d;
  }
  return loss;
}

/**
 * `est − true` over the last `min(nEst, nTrue)` parameters, aligned at the right (QInfer's
 * `np.subtract(*shorten_right(est, true))`).
 *
 * @example
 * ```ts
 * import { rightAlignedDelta } from 'qinfer-rx';
 * rightAlignedDelta([0.4], [0.7, 0.1]); // Float64Array [0.30000000000000004]
 * ```
 */
export function rightAlignedDelta(est: ArrayLike<number>, trueParams: ArrayLike<number>): Float64Array {
  const n = Math.min(est.length, trueParams.length), oe = est.length - n, ot = trueParams.length - n;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = est[oe + k]! - trueParams[ot + k]!;
  return out;
}
