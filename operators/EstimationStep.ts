import type { ExpParams } from '../src/expparams/ExpParams.js';
import type { Updater } from '../src/smc/Updater.js';

/**
 * The value that flows through an estimation pipeline, one per datum:
 * `experiment → likelihood → update → resample → posterior`. Each stage adds its part:
 * `experiment` the experiment, `simulate` (or the instrument) the outcome, `likelihood` /
 * `parallel` the likelihood of the current particles, `update` applies Bayes' rule to the
 * (mutable) `updater`, `resample` records whether it resampled.
 *
 * Each stage is one function of the estimation step (`src/smc/estimationStep.ts`), the same
 * functions the performance trials compose. Steps of one run are processed in order, one at a
 * time: a stage is synchronous for a synchronous updater (`SMCUpdater`) and a `concatMap` over
 * the updater's Promise for an asynchronous one (`GpuUpdater`), so the updater is never
 * touched by two steps at once.
 */
export interface EstimationStep<U extends Updater = Updater> {
  /** The updater holding the posterior (`SMCUpdater`, `GpuUpdater`, …); mutated by `update` and `resample`. */
  readonly updater: U;
  /** 0-based index of the datum. */
  readonly index: number;
  /** The experiment (length 1). */
  readonly expparams?: ExpParams;
  /** The observed or simulated outcome. */
  readonly outcome?: number;
  /**
   * `L[i] = Pr(outcome | x_i; expparams)` of the current particles. `likelihood()` writes it into
   * a buffer the updater reuses, so it is valid until the next step's likelihood stage: copy it
   * (`.slice()`) to keep it. Absent for a device updater, which computes it inside `update`.
   */
  readonly likelihood?: Float64Array;
  /** True when the updater skipped the datum (zero-weight policy `'skip'`). */
  readonly skipped?: boolean;
  /** True when `resample` resampled after this datum. */
  readonly resampled?: boolean;
}

/** One datum from an instrument: an outcome and the experiment that produced it. */
export interface Datum {
  readonly outcome: number;
  readonly expparams: ExpParams;
}
