import type { DistributionSpec } from '../distributions/Distribution.js';
import type { ExpParamsData } from '../expparams/ExpParams.js';
import type { HeuristicSpec } from '../heuristics/Heuristic.js';
import type { ModelSpec } from '../models/Model.js';
import type { ZeroWeightPolicy } from '../smc/SMCUpdater.js';

/** Updater options that can travel as data. */
export interface UpdaterOptionsSpec {
  readonly resampleThresh?: number;
  readonly zeroWeightPolicy?: ZeroWeightPolicy;
  readonly zeroWeightThresh?: number;
  /** Liu–West parameters. */
  readonly resampler?: { readonly a?: number; readonly h?: number; readonly maxiter?: number; readonly postselect?: boolean };
}

/**
 * One performance-test trial described by data only (no closures), so that it can run in this
 * thread, a worker or an engine on another machine and give the same records: trial `index`
 * uses `seed = deriveSeed(rootSeed, index)`.
 */
export interface TrialSpec {
  readonly index: number;
  readonly seed: number;
  readonly model: ModelSpec;
  readonly prior: DistributionSpec;
  readonly nParticles: number;
  readonly nExp: number;
  readonly heuristic: HeuristicSpec;
  /** Default: `model`. */
  readonly trueModel?: ModelSpec;
  /** Default: `prior`. */
  readonly truePrior?: DistributionSpec;
  /** Fixed true parameters (default: drawn from the true prior). */
  readonly trueModelparams?: readonly number[];
  readonly updater?: UpdaterOptionsSpec;
}

/**
 * The records of one trial, columnar (one entry per experiment, QInfer's field order): loss,
 * resample count, elapsed time of the update alone (seconds), outcome, true parameters
 * (`nExp × nTrue`), estimated parameters (`nExp × nEst`) and the experiments.
 */
export interface TrialResult {
  readonly index: number;
  readonly seed: number;
  readonly nExp: number;
  readonly nTrue: number;
  readonly nEst: number;
  readonly loss: Float64Array;
  readonly resampleCount: Int32Array;
  readonly elapsedTime: Float64Array;
  readonly outcome: Int32Array;
  readonly trueParams: Float64Array;
  readonly estParams: Float64Array;
  readonly experiments: ExpParamsData;
}

/**
 * The seam for backends (QInfer's `apply=lbview.apply`): runs one trial somewhere and resolves
 * with its result; aborting `signal` cancels it (rejecting with `ERR_ABORTED`).
 */
export type TrialApply = (spec: TrialSpec, signal: AbortSignal) => Promise<TrialResult>;
