import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import type { Resampler } from '../resamplers/Resampler.js';
import type { MaybePromise } from '../util/maybePromise.js';

/** What one datum did to an updater. */
export interface UpdateResult {
  /** False when the `'skip'` zero-weight policy skipped the datum. */
  readonly accepted: boolean;
  /** True when the update's own resampling check resampled. */
  readonly resampled: boolean;
}

/** The posterior moments of one step, computed once (`covariance` only when asked for). */
export interface PosteriorEstimates {
  /** `Σ w_i x_i` (length d). */
  readonly mean: Float64Array;
  /** `Σ w_i x_i x_iᵀ − μ μᵀ` (`[d·d]`, row-major), when requested. */
  readonly covariance?: Float64Array;
}

/** A resampling check with an override of the updater's resampler or threshold. */
export interface ResampleRequest {
  /** Resample with this resampler instead of the updater's (host updaters only). */
  readonly resampler?: Resampler;
  /** Resample when `nEss < threshold · n` (strict) instead of the updater's `resampleThresh`. */
  readonly threshold?: number;
}

/**
 * The updater contract: a particle approximation of the posterior that one estimation step
 * updates, whatever host it lives on. `SMCUpdater` (float64, this thread, synchronous) and
 * `GpuUpdater` (float32, resident on a GPU, asynchronous) implement it, and the operators,
 * `estimate()`, the performance trials (`TrialRun`) and the CLI take either.
 *
 * Per datum `(d, e)` an updater applies Bayes' rule
 *
 *   w_i ← w_i L_i / N,   L_i = Pr(d | x_i; e),   N = Σ_j w_j L_j,
 *
 * with the zero-weight policy when `N ≤ zeroWeightThresh`, and resamples when
 * `n_ess = 1 / Σ w_i² < resampleThresh · n` (strict), warning at `n_ess ≤ 10` (policies in
 * `updatePolicy.ts`, shared by all hosts).
 *
 * Results are values for a synchronous host and Promises for an asynchronous one
 * ({@link MaybePromise}): code written against the contract resolves them with `thenMaybe`
 * (which stays synchronous on values), so the synchronous path never leaves the call stack.
 * Scalar state (`nEss`, records, counts) is always readable synchronously: it is the state as of
 * the last completed call.
 *
 * `residence` tells where the particles are: `'host'` updaters ({@link HostUpdater}) expose
 * their locations, so the likelihood can be computed anywhere (this thread, a worker pool, a
 * cluster) and applied with `applyLikelihood`; `'device'` updaters compute the likelihood inside
 * `update`, where the particles live.
 *
 * @example
 * ```ts
 * import { thenMaybe, type Updater } from 'qinfer-rx';
 * function learn(up: Updater, outcome: number, eps: ExpParams) {
 *   return thenMaybe(up.update(outcome, eps), () => up.estimates()); // value for SMCUpdater, Promise for GpuUpdater
 * }
 * ```
 */
export interface Updater {
  /** The estimation model. */
  readonly model: Model;
  /** `'host'`: particles in this thread's memory; `'device'`: resident on an accelerator. */
  readonly residence: 'host' | 'device';
  readonly nParticles: number;
  /** `1 / Σ w_i²` as of the last completed call. */
  readonly nEss: number;
  /** The smallest `nEss` after any accepted datum. */
  readonly minNEss: number;
  readonly resampleThresh: number;
  readonly resampleCount: number;
  /** The outcomes seen so far. */
  readonly dataRecord: readonly number[];
  /** `N` of every accepted datum. */
  readonly normalizationRecord: readonly number[];
  /** `Σ ln N_k`: the log evidence of the data so far. */
  readonly logTotalLikelihood: number;
  /** Throws `ERR_SHAPE`/`ERR_OUTCOME` unless `eps` is one experiment and `outcome` one of its outcomes. */
  checkDatum(outcome: number, eps: ExpParams): void;
  /** The Bayes update for one datum; with `checkForResample` (default true) the resampling check follows. */
  update(outcome: number, eps: ExpParams, checkForResample?: boolean): MaybePromise<UpdateResult>;
  /** Warns when `nEss ≤ 10`, resamples when `nEss < threshold · n`; resolves to whether it resampled. */
  maybeResample(request?: ResampleRequest): MaybePromise<boolean>;
  /** The posterior mean (and covariance when `covariance`), from one pass / one device round trip. */
  estimates(options?: { readonly covariance?: boolean }): MaybePromise<PosteriorEstimates>;
  /** Copies of the particle locations (`[n·d]`, row-major) and normalised weights. */
  particles(): MaybePromise<{ locations: Float64Array; weights: Float64Array }>;
}

/**
 * An updater whose particles live in this thread's memory (`SMCUpdater`): synchronous, its
 * locations readable (and shareable with a worker pool), the likelihood computable by any
 * backend and applied with {@link applyLikelihood}.
 */
export interface HostUpdater extends Updater {
  readonly residence: 'host';
  /** The row-major locations `[n, d]` (a view; replaced by resampling). */
  readonly locations: Float64Array;
  /** The weights (a view). */
  readonly particleWeights: Float64Array;
  /** `L_i = Pr(outcome | x_i; eps)` of the current particles, into a buffer the updater reuses. */
  likelihoodOf(outcome: number, eps: ExpParams): Float64Array;
  /**
   * The reused buffer of `n` values that `likelihoodOf` writes into, from the updater's storage
   * (shared memory when the updater allocates there): hand it to a backend as `out`.
   */
  likelihoodBuffer(): Float64Array;
  /** Bayes' rule with a likelihood computed elsewhere; false when the datum was skipped. */
  applyLikelihood(outcome: number, eps: ExpParams, likelihood: Float64Array): boolean;
  update(outcome: number, eps: ExpParams, checkForResample?: boolean): UpdateResult;
  maybeResample(request?: ResampleRequest): boolean;
  estimates(options?: { readonly covariance?: boolean }): PosteriorEstimates;
  particles(): { locations: Float64Array; weights: Float64Array };
}

/**
 * True for an updater whose particles are in this thread's memory.
 *
 * @example
 * ```ts
 * if (isHostUpdater(up)) backend.likelihood({ model: up.model, x: up.locations, … });
 * ```
 */
export function isHostUpdater(updater: Updater): updater is HostUpdater {
  return updater.residence === 'host';
}
