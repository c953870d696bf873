import { map, type OperatorFunction } from 'rxjs';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import type { Resampler } from '../src/resamplers/Resampler.js';
import type { EstimationStep } from './EstimationStep.js';

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
 * with the given resampler (default: the updater's, Liu–West a = 0.98).
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
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1)) {
    throw new QinferArgumentError('ERR_ARGUMENT', `resample threshold must be in [0, 1], got ${threshold}`);
  }
  return map((step) => {
    const up = step.updater;
    if (step.skipped) return { ...step, resampled: false };
    const thr = threshold ?? up.resampleThresh;
    const resampled = up.nEss < up.nParticles * thr;
    if (resampled) up.resample(resampler);
    return { ...step, resampled };
  });
}
