import type { ExpRecord } from '../expparams/ExpParams.js';

/**
 * One performance record: what a trial learned from experiment `step` (QInfer's `perf_test` records). Field names
 * follow QInfer's record dtype in camelCase; `experiment` is keyed by the dtype's names
 * (`{ experiment: t }` for scalar experiments, else every experiment field).
 *
 * `trueParams` and `est` may be views into the trial's result buffers: copy them to keep them.
 */
export interface PerfRecord {
  /** The trial index. */
  readonly trial: number;
  /** The experiment index `k` (0-based). */
  readonly step: number;
  /** `Σ Q_k (est_k − true_k)²`, right-aligned, against the true parameters after the time step. */
  readonly loss: number;
  /** Resamplings so far. */
  readonly resampleCount: number;
  /** Seconds spent in `updater.update` for this datum alone. */
  readonly elapsedTime: number;
  /** The simulated outcome. */
  readonly outcome: number;
  /** The true parameters BEFORE this step (QInfer's `true` field). */
  readonly trueParams: Float64Array;
  /** The posterior mean after the update. */
  readonly est: Float64Array;
  /** The experiment performed. */
  readonly experiment: Readonly<ExpRecord>;
}
