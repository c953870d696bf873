import { map, type OperatorFunction } from 'rxjs';
import { localLikelihood } from '../src/smc/estimationStep.js';
import type { EstimationStep } from './EstimationStep.js';
import { requireField } from './requireField.js';

/**
 * Computes each step's likelihood on this thread with the updater's model.
 *
 * Rule: `L[i] = Pr(outcome | x_i; expparams)` for the updater's current particles, written into
 * a buffer the updater reuses (no allocation per step) — the step function `localLikelihood`.
 * A device updater (`GpuUpdater`) computes the likelihood inside its update: the step passes
 * through, its datum checked. Bad outcomes or experiment fields error the stream with a typed
 * error. Use {@link parallel} to run this stage on a backend instead.
 *
 * ## Example
 * ```ts
 * data$.pipe(likelihood(), update(), resample(), posterior())
 * ```
 *
 * @return an operator adding `likelihood` to each step
 */
export function likelihood(): OperatorFunction<EstimationStep, EstimationStep> {
  return map((step) => {
    const eps = requireField(step, 'expparams', 'likelihood');
    const outcome = requireField(step, 'outcome', 'likelihood');
    const L = localLikelihood(step.updater, outcome, eps);
    return L === undefined ? step : { ...step, likelihood: L };
  });
}
