import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Heuristic } from '../heuristics/Heuristic.js';
import { thenMaybe, type MaybePromise } from '../util/maybePromise.js';
import { isHostUpdater, type PosteriorEstimates, type ResampleRequest, type Updater, type UpdateResult } from './Updater.js';

/**
 * The estimation step as plain functions over the updater contract — no RxJS, no Node — that
 * every host of the step composes: the pipeline operators (`experiment`, `likelihood`,
 * `update`, `resample`, `posterior`), `estimate()`, the performance trial (`TrialRun`, hence
 * `runTrial`, `runTrialOn` and every backend's trials) and the CLI. One datum is
 *
 *   e = chooseExperiment(heuristic)            (one experiment, else ERR_HEURISTIC)
 *   d = system.simulate(e)                     (SimulatedSystem; or an instrument)
 *   L = likelihood of the particles            (localLikelihood, or a backend; device updaters: inside update)
 *   updateStep(updater, d, e, L, resample)     (Bayes' rule, zero-weight policy, resampling decision)
 *   stepEstimates(updater, covariance)         (the moments, computed once)
 *
 * Each function returns a value for a synchronous updater and a Promise for an asynchronous
 * one (`MaybePromise`); the synchronous path stays synchronous.
 *
 * @example
 * ```ts
 * import { chooseExperiment, experimentChooser, updateStep, stepEstimates, SimulatedSystem } from 'qinfer-rx';
 * const choose = experimentChooser(new ExpSparseHeuristic(updater));
 * const eps = chooseExperiment(choose, updater);
 * const d = system.simulate(eps);
 * updateStep(updater, d, eps, undefined, {}); // SMCUpdater: a value; GpuUpdater: a Promise
 * const { mean } = stepEstimates(updater, false) as PosteriorEstimates;
 * ```
 */

/** Where a step's experiment comes from: a heuristic bound to the updater, or a function of it. */
export type ExperimentSource<U extends Updater = Updater> = Heuristic | ((updater: U) => ExpParams);

/**
 * The heuristic as a function of the updater; anything but a `Heuristic` (an object with
 * `next()`) or a function is `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * const choose = experimentChooser(new ExpSparseHeuristic(updater)); // (updater) => ExpParams
 * ```
 */
export function experimentChooser<U extends Updater>(heuristic: ExperimentSource<U>): (updater: U) => ExpParams {
  if (typeof heuristic === 'function') return heuristic;
  if (heuristic !== null && typeof heuristic === 'object' && typeof heuristic.next === 'function') return () => heuristic.next();
  throw new QinferArgumentError('ERR_ARGUMENT', 'an estimation step needs a heuristic (an object with next() or a function)');
}

/**
 * The next experiment from the current posterior; it must hold exactly one experiment
 * (`ERR_HEURISTIC` otherwise, before any work is done with it).
 *
 * @example
 * ```ts
 * chooseExperiment(() => ExpParams.scalar([1, 2]), updater); // throws ERR_HEURISTIC
 * ```
 */
export function chooseExperiment<U extends Updater>(choose: (updater: U) => ExpParams, updater: U): ExpParams {
  const eps = choose(updater);
  if (eps.length !== 1) throw new QinferError('ERR_HEURISTIC', `the heuristic returned ${eps.length} experiments, expected 1`);
  return eps;
}

/**
 * The likelihood stage on this thread: `L_i = Pr(outcome | x_i; eps)` into the updater's reused
 * buffer for a host updater; `undefined` for a device updater, which computes it inside its
 * update where the particles live.
 *
 * @example
 * ```ts
 * const L = localLikelihood(updater, 0, ExpParams.scalar([2])); // Float64Array(n) for SMCUpdater
 * ```
 */
export function localLikelihood(updater: Updater, outcome: number, eps: ExpParams): Float64Array | undefined {
  if (isHostUpdater(updater)) return updater.likelihoodOf(outcome, eps);
  updater.checkDatum(outcome, eps);
  return undefined;
}

/**
 * Bayes' rule for one datum, then (unless `resample` is false, or the datum was skipped) the
 * resampling decision with `resample`'s overrides. With a `likelihood` computed elsewhere (a
 * backend) the updater must be a host updater (`ERR_ARGUMENT` otherwise) and applies it
 * (`applyLikelihood`); without one the updater computes it itself (`update`), in QInfer's order.
 *
 * @example
 * ```ts
 * const r = updateStep(updater, outcome, eps, L, {}); // { accepted, resampled }
 * ```
 */
export function updateStep(
  updater: Updater,
  outcome: number,
  eps: ExpParams,
  likelihood: Float64Array | undefined,
  resample: ResampleRequest | false,
): MaybePromise<UpdateResult> {
  if (likelihood !== undefined) {
    if (!isHostUpdater(updater)) {
      throw new QinferArgumentError('ERR_ARGUMENT', 'this updater computes its likelihood where its particles live; it takes no likelihood from a backend');
    }
    const accepted = updater.applyLikelihood(outcome, eps, likelihood);
    return { accepted, resampled: accepted && resample !== false && updater.maybeResample(resample) };
  }
  if (resample === false) return updater.update(outcome, eps, false);
  if (resample.resampler === undefined && resample.threshold === undefined) return updater.update(outcome, eps, true);
  return thenMaybe(updater.update(outcome, eps, false), (r) =>
    r.accepted ? thenMaybe(updater.maybeResample(resample), (resampled) => ({ accepted: true, resampled })) : r,
  );
}

/**
 * The resampling stage after an update: nothing after a skipped datum (QInfer), else the
 * updater's check — warns at `nEss ≤ 10`, resamples when `nEss < threshold · n` — with
 * `request`'s overrides. Resolves to whether it resampled.
 *
 * @example
 * ```ts
 * resampleStep(updater, true, { threshold: 0.3 }); // false unless nEss < 0.3 n
 * ```
 */
export function resampleStep(updater: Updater, accepted: boolean, request: ResampleRequest = {}): MaybePromise<boolean> {
  return accepted ? updater.maybeResample(request) : false;
}

/**
 * The step's posterior moments, computed once: the mean, and the covariance when `covariance`
 * (one pass on the host, one round trip on a device).
 *
 * @example
 * ```ts
 * const { mean, covariance } = stepEstimates(updater, true) as PosteriorEstimates;
 * ```
 */
export function stepEstimates(updater: Updater, covariance: boolean): MaybePromise<PosteriorEstimates> {
  return updater.estimates({ covariance });
}
