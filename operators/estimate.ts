import { concatMap, defer, of, range, subscribeOn, type Observable, type SchedulerLike } from 'rxjs';
import { checkCount } from '../src/util/checkCount.js';
import type { Model } from '../src/models/Model.js';
import { toRng, type RngLike } from '../src/rng/Rng.js';
import type { ExperimentSource } from '../src/smc/estimationStep.js';
import { checkTrueParams, SimulatedSystem } from '../src/smc/SimulatedSystem.js';
import type { Updater } from '../src/smc/Updater.js';
import { bayesStages, type BayesStageOptions } from './bayesStages.js';
import type { EstimationStep } from './EstimationStep.js';
import { experiment } from './experiment.js';
import type { PosteriorSnapshot } from './posterior.js';
import { simulate } from './simulate.js';

/** Options of {@link estimate}. */
export interface EstimateOptions<U extends Updater = Updater> extends BayesStageOptions<U> {
  /** Chooses each experiment from the current posterior. */
  readonly heuristic: ExperimentSource<U>;
  /** Number of experiments. */
  readonly nExperiments: number;
  /** The true parameters that generate the simulated data. */
  readonly trueParams: readonly number[] | Float64Array;
  /** The model that generates data (default: the updater's model). */
  readonly trueModel?: Model;
  /**
   * The root generator of the simulated data (default: seed 1): outcomes from
   * `rng.split(TRIAL_STREAMS.simulation)`, the true dynamics from
   * `rng.split(TRIAL_STREAMS.trueDynamics)` — the streams of a performance trial of that seed.
   */
  readonly rng?: RngLike;
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
 * The stages are the functions of one estimation step (`src/smc/estimationStep.ts`) that the
 * performance trials compose too, and the data come from a `SimulatedSystem` with a trial's
 * stream convention. With a `GpuUpdater` the loop runs on the device, asynchronously.
 *
 * ```ts
 * const gpu = await GpuUpdater.create(new SimplePrecessionModel(), 100_000, new UniformDistribution([0, 1]), { rng: 1 });
 * const last = await lastValueFrom(estimate({ updater: gpu, heuristic: new ExpSparseHeuristic(gpu), nExperiments: 100, trueParams: [0.42] }));
 * await gpu.close();
 * ```
 *
 * ## Example
 * ```ts
 * import { estimate, SMCUpdater, SimplePrecessionModel, UniformDistribution, ExpSparseHeuristic } from 'qinfer-rx';
 * const updater = new SMCUpdater(new SimplePrecessionModel(), 10_000, new UniformDistribution([0, 1]), { rng: 1 });
 * estimate({ updater, heuristic: new ExpSparseHeuristic(updater), nExperiments: 100, trueParams: [0.42] })
 *   .subscribe((s) => console.log(s.index, s.mean[0]));
 * ```
 */
export function estimate<U extends Updater>(options: EstimateOptions<U>): Observable<PosteriorSnapshot> {
  const { updater, heuristic, nExperiments, trueParams, scheduler } = options;
  checkCount(nExperiments, 'nExperiments', true);
  const stages = bayesStages(options, 'estimate');
  const trueModel = options.trueModel ?? updater.model;
  checkTrueParams(trueParams, trueModel.name);
  return defer(() => {
    const system = SimulatedSystem.fromRoot(trueModel, trueParams, toRng(options.rng ?? 1));
    const steps = [experiment(heuristic), simulate(system), stages] as const;
    return range(0, nExperiments).pipe(
      concatMap((index) => {
        const step$ = of<EstimationStep<U>>({ updater, index }).pipe(steps[0], steps[1], steps[2]);
        return scheduler === undefined ? step$ : step$.pipe(subscribeOn(scheduler));
      }),
    );
  });
}
