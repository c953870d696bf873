import { defer, map, type Observable } from 'rxjs';
import type { LikelihoodBackend } from '../src/backends/LikelihoodBackend.js';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import type { Resampler } from '../src/resamplers/Resampler.js';
import type { Updater } from '../src/smc/Updater.js';
import type { Datum, EstimationStep } from './EstimationStep.js';
import { likelihood } from './likelihood.js';
import { parallel } from './parallel.js';
import { posterior, type PosteriorSnapshot, type SnapshotMode } from './posterior.js';
import { resample } from './resample.js';
import { update } from './update.js';

/** Options of {@link fromInstrument}. */
export interface FromInstrumentOptions {
  /** An `SMCUpdater` or a `GpuUpdater` (then without `backend`). */
  readonly updater: Updater;
  readonly backend?: LikelihoodBackend;
  readonly resampler?: Resampler;
  readonly resampleThreshold?: number;
  readonly snapshot?: SnapshotMode;
}

/**
 * The open loop: consumes a stream of `{ outcome, expparams }` from a real instrument and emits
 * the posterior after each datum:
 *
 *   data$ → likelihood | parallel(backend) → update → resample → posterior
 *
 * Data are processed in arrival order, one at a time; an error from the instrument or a bad
 * datum (typed error) ends the stream; completion of `data$` completes it.
 *
 * ## Example
 * ```ts
 * import { fromInstrument } from 'qinfer-rx';
 * fromInstrument(data$, { updater }).subscribe((s) => console.log(s.mean[0], s.nEss));
 * ```
 */
export function fromInstrument(data$: Observable<Datum>, options: FromInstrumentOptions): Observable<PosteriorSnapshot> {
  const { updater, backend, resampler, resampleThreshold, snapshot } = options;
  if (backend !== undefined && updater.residence !== 'host') {
    throw new QinferArgumentError('ERR_ARGUMENT', 'fromInstrument(): a device updater computes its own likelihood; give no backend');
  }
  return defer(() => {
    let index = 0;
    return data$.pipe(
      map((d): EstimationStep => ({ updater, index: index++, outcome: d.outcome, expparams: d.expparams })),
      backend === undefined ? likelihood() : parallel(backend),
      update(),
      resample(resampler, { threshold: resampleThreshold }),
      posterior(snapshot),
    );
  });
}
