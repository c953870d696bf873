import { map, type OperatorFunction } from 'rxjs';
import type { EstimationStep } from './EstimationStep.js';
import { requireField } from './requireField.js';

/**
 * Applies Bayes' rule to the updater with each step's likelihood:
 *
 *   w_i ← w_i L_i / Σ_j w_j L_j
 *
 * (QInfer's update without the resampling check: see {@link resample}). An invalid likelihood
 * (NaN, < 0, > 1) or all-zero weights under the `'error'` policy error the stream with
 * `ERR_INVALID_LIKELIHOOD` / `ERR_ZERO_WEIGHTS`; the posterior is left as it was.
 *
 * ## Example
 * ```ts
 * data$.pipe(likelihood(), update()) // updater.dataRecord grows by one per datum
 * ```
 */
export function update(): OperatorFunction<EstimationStep, EstimationStep> {
  return map((step) => {
    const eps = requireField(step, 'expparams', 'update');
    const outcome = requireField(step, 'outcome', 'update');
    const L = requireField(step, 'likelihood', 'update');
    const applied = step.updater.applyLikelihood(outcome, eps, L);
    return { ...step, skipped: !applied };
  });
}
