import { defer, map, type Observable } from 'rxjs';
import { bayesStages, type BayesStageOptions } from './bayesStages.js';
import type { Datum, EstimationStep } from './EstimationStep.js';
import type { PosteriorSnapshot } from './posterior.js';

/** Options of {@link fromInstrument}: the updater (an `SMCUpdater` or a `GpuUpdater`, then without `backend`) and its stages. */
export type FromInstrumentOptions = BayesStageOptions;

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
  const { updater } = options;
  const stages = bayesStages(options, 'fromInstrument');
  return defer(() => {
    let index = 0;
    return data$.pipe(
      map((d): EstimationStep => ({ updater, index: index++, outcome: d.outcome, expparams: d.expparams })),
      stages,
    );
  });
}
