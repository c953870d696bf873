import type { OperatorFunction } from 'rxjs';
import type { Resampler } from '../src/resamplers/Resampler.js';
import { resampleStep } from '../src/smc/estimationStep.js';
import { checkResampleThresh } from '../src/smc/updatePolicy.js';
import { thenMaybe } from '../src/util/maybePromise.js';
import type { EstimationStep } from './EstimationStep.js';
import { mapStep } from './mapStep.js';

/** Options of {@link resample}. */
export interface ResampleOperatorOptions {
  /** Resample when `nEss < threshold · n` (strict); default: the updater's `resampleThresh`. */
  threshold?: number;
}

/**
 * Resamples the posterior when its effective sample size has dropped:
 *
 *   resample iff 1 / Σ w_i² < threshold · n   (strict; threshold 0 never resamples)
 *
 * with the given resampler (default: the updater's, Liu–West a = 0.98) — the step function
 * `resampleStep`, the updater's own check: it warns (category `approximation`) when
 * `n_ess ≤ 10`, as `SMCUpdater.update` does, and does nothing after a skipped datum.
 *
 * ## Example
 * ```ts
 * data$.pipe(likelihood(), update(), resample(new LiuWestResampler({ a: 0.9 }), { threshold: 0.5 }))
 * ```
 *
 * @param resampler - the resampler (default: the updater's own)
 * @param options - `{ threshold }`
 */
export function resample(resampler?: Resampler, options: ResampleOperatorOptions = {}): OperatorFunction<EstimationStep, EstimationStep> {
  const { threshold } = options;
  if (threshold !== undefined) checkResampleThresh(threshold, 'resample threshold');
  const request = { resampler, threshold };
  return mapStep((step) => thenMaybe(resampleStep(step.updater, !step.skipped, request), (resampled): EstimationStep => ({ ...step, resampled })));
}
