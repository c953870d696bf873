import type { ExpParams } from '../src/expparams/ExpParams.js';
import type { SMCUpdater } from '../src/smc/SMCUpdater.js';

/**
 * The value that flows through an estimation pipeline, one per datum:
 * `experiment → likelihood → update → resample → posterior`. Each stage adds its part:
 * `experiment` the experiment, `simulate` (or the instrument) the outcome, `likelihood` /
 * `parallel` the likelihood of the current particles, `update` applies Bayes' rule to the
 * (mutable) `updater`, `resample` records whether it resampled.
 *
 * Steps of one run must be processed in order, one at a time: every stage is synchronous or
 * (`parallel`) a `concatMap`, so the updater is never touched by two steps at once.
 */
export interface EstimationStep {
  /** The SMC updater holding the posterior; mutated by `update` and `resample`. */
  readonly updater: SMCUpdater;
  /** 0-based index of the datum. */
  readonly index: number;
  /** The experiment (length 1). */
  readonly expparams?: ExpParams;
  /** The observed or simulated outcome. */
  readonly outcome?: number;
  /**
   * `L[i] = Pr(outcome | x_i; expparams)` of the current particles. `likelihood()` writes it into
   * a buffer the updater reuses, so it is valid until the next step's likelihood stage: copy it
   * (`.slice()`) to keep it.
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
