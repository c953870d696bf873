import { Observable, type SchedulerLike } from 'rxjs';
import type { WarningSink } from '../errors/warn.js';
import type { Registry } from '../registry/Registry.js';
import { builtInRegistry } from '../registry/builtInRegistry.js';
import type { PerfRecord } from './PerfRecord.js';
import { checkPerfTestOptions, trialSpec, type PerfTestOptions } from './PerfTestOptions.js';
import { TrialRun } from './TrialRun.js';

/** Options of {@link perfTest} besides what is estimated. */
export interface PerfTestRunOptions {
  /** The trial's seed (default 0): it fixes every random stream of the trial. */
  seed?: number;
  /** The trial index written in the records (default 0). */
  index?: number;
  /** Where names are resolved (default `builtInRegistry()`). */
  registry?: Registry;
  /** Receives updater and resampler warnings. */
  onWarning?: WarningSink;
  /**
   * Schedules each experiment as its own task (e.g. `asyncScheduler`), so that a long trial
   * lets other work run between experiments. Default: all experiments run synchronously on
   * subscribe, stopping as soon as the subscriber unsubscribes.
   */
  scheduler?: SchedulerLike;
}

/**
 * One performance-test trial as an Observable (QInfer's `perf_test`, `qinfer/perf_testing.py`): it emits one
 * {@link PerfRecord} per experiment as it happens, then completes. Each subscription runs a
 * fresh trial from the same seed (so the same records). Bad options throw a
 * `QinferArgumentError` here; failures while running arrive through the error channel.
 *
 *   loss_k = Σ_p Q_p (est_p − true_p)²  after experiment k.
 *
 * @example
 * ```ts
 * import { perfTest } from 'qinfer-rx';
 * perfTest({
 *   model: { name: 'SimplePrecessionModel' },
 *   prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
 *   heuristic: { name: 'ExpSparseHeuristic' }, nParticles: 1000, nExp: 100,
 * }, { seed: 7 }).subscribe((r) => console.log(r.step, r.loss));
 * ```
 */
export function perfTest(options: PerfTestOptions, runOptions: PerfTestRunOptions = {}): Observable<PerfRecord> {
  const { seed = 0, index = 0, registry = builtInRegistry(), onWarning, scheduler } = runOptions;
  checkPerfTestOptions(options, registry);
  const spec = trialSpec(options, index, seed);
  return new Observable<PerfRecord>((subscriber) => {
    let run: TrialRun;
    try {
      run = new TrialRun(spec, registry, { onWarning });
    } catch (e) {
      subscriber.error(e);
      return undefined;
    }
    const step = (): boolean => {
      let rec: PerfRecord;
      try {
        rec = run.next();
      } catch (e) {
        subscriber.error(e);
        return false;
      }
      subscriber.next(rec);
      if (run.done) subscriber.complete();
      return !run.done;
    };
    if (scheduler === undefined) {
      while (!subscriber.closed && step());
      return undefined;
    }
    return scheduler.schedule(function () {
      if (!subscriber.closed && step()) this.schedule();
    });
  });
}
