import type { OperatorFunction } from 'rxjs';
import type { ExpRecord } from '../src/expparams/ExpParams.js';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { stepEstimates } from '../src/smc/estimationStep.js';
import type { Updater } from '../src/smc/Updater.js';
import { thenMaybe } from '../src/util/maybePromise.js';
import type { EstimationStep } from './EstimationStep.js';
import { mapStep } from './mapStep.js';

/** How much of the posterior a snapshot copies. */
export type SnapshotMode = 'summary' | 'full' | 'live';

/**
 * The posterior after one datum. Safe to keep: every array is a copy owned by the snapshot
 * (except `updater` in `'live'` mode).
 */
export interface PosteriorSnapshot {
  readonly index: number;
  readonly outcome: number | undefined;
  readonly experiment: ExpRecord | undefined;
  /** Posterior mean `Σ w_i x_i`. */
  readonly mean: Float64Array;
  /** Posterior covariance `[d·d]`, row-major. */
  readonly covariance: Float64Array;
  /** `1 / Σ w_i²`. */
  readonly nEss: number;
  readonly nParticles: number;
  readonly resampleCount: number;
  readonly resampled: boolean;
  /** Evidence `N` of this datum (undefined when skipped). */
  readonly normalization: number | undefined;
  readonly logTotalLikelihood: number;
  /** Copies of the particles (`'full'` mode only). */
  readonly particles?: { readonly locations: Float64Array; readonly weights: Float64Array };
  /** The live updater (`'live'` mode only): read it before the next datum arrives. */
  readonly updater?: Updater;
}

/**
 * Emits a snapshot of the posterior after each step.
 *
 * Cost per datum: `'summary'` (default) computes the mean and covariance, O(n·d²) time and
 * O(d²) memory; `'full'` also copies the weights and locations, O(n·d) memory per snapshot —
 * keep only the ones you need; `'live'` copies nothing but the summary and hands over the
 * updater itself, whose arrays change with the next datum: read them synchronously in the
 * subscriber (or use `'full'`). The moments are computed once per step (`stepEstimates`: one
 * pass on the host, one round trip for a device updater, whose snapshots arrive asynchronously).
 *
 * ## Example
 * ```ts
 * data$.pipe(likelihood(), update(), resample(), posterior())
 *   .subscribe((s) => console.log(s.index, s.mean[0], Math.sqrt(s.covariance[0])));
 * ```
 *
 * @param mode - `'summary'`, `'full'` or `'live'`
 */
export function posterior(mode: SnapshotMode = 'summary'): OperatorFunction<EstimationStep, PosteriorSnapshot> {
  if (mode !== 'summary' && mode !== 'full' && mode !== 'live') {
    throw new QinferArgumentError('ERR_ARGUMENT', `snapshot mode must be 'summary', 'full' or 'live', got '${String(mode)}'`);
  }
  return mapStep((step) => {
    const up = step.updater;
    return thenMaybe(stepEstimates(up, true), (est) =>
      thenMaybe(mode === 'full' ? up.particles() : undefined, (particles): PosteriorSnapshot => {
        const rec = up.normalizationRecord;
        return {
          index: step.index,
          outcome: step.outcome,
          experiment: step.expparams?.record(0),
          mean: est.mean,
          covariance: est.covariance!,
          nEss: up.nEss,
          nParticles: up.nParticles,
          resampleCount: up.resampleCount,
          resampled: step.resampled ?? false,
          normalization: step.skipped ? undefined : rec[rec.length - 1],
          logTotalLikelihood: up.logTotalLikelihood,
          ...(particles !== undefined ? { particles } : {}),
          ...(mode === 'live' ? { updater: up } : {}),
        };
      }),
    );
  });
}
