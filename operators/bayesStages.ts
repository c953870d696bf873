import type { OperatorFunction } from 'rxjs';
import type { LikelihoodBackend } from '../src/backends/LikelihoodBackend.js';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import type { Resampler } from '../src/resamplers/Resampler.js';
import type { Updater } from '../src/smc/Updater.js';
import type { EstimationStep } from './EstimationStep.js';
import { likelihood } from './likelihood.js';
import { parallel } from './parallel.js';
import { posterior, type PosteriorSnapshot, type SnapshotMode } from './posterior.js';
import { resample } from './resample.js';
import { update } from './update.js';

/** The options the open and the closed loop share: the updater and how a datum is weighed. */
export interface BayesStageOptions<U extends Updater = Updater> {
  /** The posterior: an `SMCUpdater` (this thread) or a `GpuUpdater` (resident on a GPU). */
  readonly updater: U;
  /** Run the likelihood stage here (default: this thread; not with a device updater, which computes its own). */
  readonly backend?: LikelihoodBackend;
  readonly resampler?: Resampler;
  readonly resampleThreshold?: number;
  readonly snapshot?: SnapshotMode;
}

/**
 * The stages of a step once its datum is known, as `estimate()` and `fromInstrument()` chain
 * them:
 *
 *   likelihood | parallel(backend) → update → resample(resampler, threshold) → posterior(snapshot)
 *
 * A device updater with a `backend` is `ERR_ARGUMENT` (at creation, naming `caller`).
 *
 * @example
 * ```ts
 * data$.pipe(map(toStep), bayesStages({ updater, backend: poolBackend(pool) }, 'myLoop'))
 * ```
 */
export function bayesStages(options: BayesStageOptions, caller: string): OperatorFunction<EstimationStep, PosteriorSnapshot> {
  const { updater, backend, resampler, resampleThreshold, snapshot } = options;
  if (backend !== undefined && updater.residence !== 'host') {
    throw new QinferArgumentError('ERR_ARGUMENT', `${caller}(): a device updater computes its own likelihood; give no backend`);
  }
  const stages = [backend === undefined ? likelihood() : parallel(backend), update(), resample(resampler, { threshold: resampleThreshold }), posterior(snapshot)] as const;
  return (steps) => steps.pipe(stages[0], stages[1], stages[2], stages[3]);
}
