import { concatMap, defer, of, range, subscribeOn, type Observable, type SchedulerLike } from 'rxjs';
import type { LikelihoodBackend } from '../src/backends/LikelihoodBackend.js';
import { checkCount } from '../src/util/checkCount.js';
import type { ExpParams } from '../src/expparams/ExpParams.js';
import type { Heuristic } from '../src/heuristics/Heuristic.js';
import type { Model } from '../src/models/Model.js';
import type { Resampler } from '../src/resamplers/Resampler.js';
import { toRng, type RngLike } from '../src/rng/Rng.js';
import type { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { experiment } from './experiment.js';
import { likelihood } from './likelihood.js';
import { parallel } from './parallel.js';
import { posterior, type PosteriorSnapshot, type SnapshotMode } from './posterior.js';
import { resample } from './resample.js';
import { simulate } from './simulate.js';
import { update } from './update.js';

/** Options of {@link estimate}. */
export interface EstimateOptions {
  readonly updater: SMCUpdater;
  /** Chooses each experiment from the current posterior. */
  readonly heuristic: Heuristic | ((updater: SMCUpdater) => ExpParams);
  /** Number of experiments. */
  readonly nExperiments: number;
  /** The true parameters that generate the simulated data. */
  readonly trueParams: readonly number[];
  /** The model that generates data (default: the updater's model). */
  readonly trueModel?: Model;
  /** The generator of simulated outcomes (default: seed 1). */
  readonly rng?: RngLike;
  /** Run the likelihood stage here (default: this thread). */
  readonly backend?: LikelihoodBackend;
  readonly resampler?: Resampler;
  readonly resampleThreshold?: number;
  readonly snapshot?: SnapshotMode;
  /**
   * Start each step on this scheduler (e.g. `asyncScheduler`) so that a long run yields to the
   * event loop between data — for progress output, timers and Ctrl-C. Default: none, the loop
   * runs synchronously when the likelihood stage is synchronous.
   */
  readonly scheduler?: SchedulerLike;
}

/**
 * The closed loop: for each of `nExperiments` steps, choose an experiment from the current
 * posterior, simulate a datum from the true model, and update — emitting a posterior snapshot
 * after every step:
 *
 *   experiment(h) → simulate(trueModel, trueParams) → likelihood | parallel(backend) → update → resample → posterior
 *
 * Each step starts only after the previous posterior was emitted (`concatMap`), so the heuristic
 * always sees the latest posterior. Unsubscribing stops the loop (and aborts a backend call).
 *
 * ## Example
 * ```ts
 * import { estimate, SMCUpdater, SimplePrecessionModel, UniformDistribution, ExpSparseHeuristic } from 'qinfer-rx';
 * const updater = new SMCUpdater(new SimplePrecessionModel(), 10_000, new UniformDistribution([0, 1]), { rng: 1 });
 * estimate({ updater, heuristic: new ExpSparseHeuristic(updater), nExperiments: 100, trueParams: [0.42] })
 *   .subscribe((s) => console.log(s.index, s.mean[0]));
 * ```
 */
export function estimate(options: EstimateOptions): Observable<PosteriorSnapshot> {
  const { updater, heuristic, nExperiments, trueParams, backend, resampler, resampleThreshold, snapshot, scheduler } = options;
  checkCount(nExperiments, 'nExperiments', true);
  const trueModel = options.trueModel ?? updater.model;
  return defer(() => {
    const rng = toRng(options.rng ?? 1);
    const steps = [
      experiment(heuristic),
      simulate(trueModel, trueParams, rng),
      backend === undefined ? likelihood() : parallel(backend),
      update(),
      resample(resampler, { threshold: resampleThreshold }),
      posterior(snapshot),
    ] as const;
    return range(0, nExperiments).pipe(
      concatMap((index) => {
        const step$ = of({ updater, index }).pipe(steps[0], steps[1], steps[2], steps[3], steps[4], steps[5]);
        return scheduler === undefined ? step$ : step$.pipe(subscribeOn(scheduler));
      }),
    );
  });
}
