import type { OperatorFunction } from 'rxjs';
import { updateStep } from '../src/smc/estimationStep.js';
import { isHostUpdater } from '../src/smc/Updater.js';
import { thenMaybe } from '../src/util/maybePromise.js';
import type { EstimationStep } from './EstimationStep.js';
import { mapStep } from './mapStep.js';
import { requireField } from './requireField.js';

/**
 * Applies Bayes' rule to the updater with each step's likelihood:
 *
 *   w_i ← w_i L_i / Σ_j w_j L_j
 *
 * (QInfer's update without the resampling check: see {@link resample}) — the step function
 * `updateStep`, with the likelihood of the step (a host updater) or computed by the updater
 * itself (a device updater: asynchronous, awaited in order). An invalid likelihood
 * (NaN, < 0, > 1) or all-zero weights under the `'error'` policy error the stream with
 * `ERR_INVALID_LIKELIHOOD` / `ERR_ZERO_WEIGHTS`; the posterior is left as it was.
 *
 * ## Example
 * ```ts
 * data$.pipe(likelihood(), update()) // updater.dataRecord grows by one per datum
 * ```
 */
export function update(): OperatorFunction<EstimationStep, EstimationStep> {
  return mapStep((step) => {
    const eps = requireField(step, 'expparams', 'update');
    const outcome = requireField(step, 'outcome', 'update');
    const L = isHostUpdater(step.updater) ? requireField(step, 'likelihood', 'update') : undefined;
    return thenMaybe(updateStep(step.updater, outcome, eps, L, false), (r): EstimationStep => ({ ...step, skipped: !r.accepted }));
  });
}
