import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import type { WarningSink } from '../errors/warn.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import { EPS } from './constants.js';

/**
 * The policies of a Bayes update that every updater shares (the float64 `SMCUpdater`, the
 * GPU-resident `GpuUpdater`): option defaults and their validation, the check of a datum, the
 * zero-weight policies, the resampling decision and the warnings with their texts (QInfer's,
 * word for word). One module, so that the hosts cannot drift apart.
 *
 * @example
 * ```ts
 * import { resolveUpdatePolicy, needsResample } from 'qinfer-rx';
 * const p = resolveUpdatePolicy({ zeroWeightPolicy: 'skip' }); // { resampleThresh: 0.5, zeroWeightPolicy: 'skip', zeroWeightThresh: 2.22e-15 }
 * needsResample(400, 1000, p.resampleThresh); // true: 400 < 0.5 · 1000
 * ```
 */

/** What an updater does when every weight becomes (numerically) zero. */
export type ZeroWeightPolicy = 'ignore' | 'skip' | 'warn' | 'error' | 'reset';

/** The zero-weight policies, in QInfer's order. */
export const ZERO_WEIGHT_POLICIES: readonly ZeroWeightPolicy[] = ['ignore', 'skip', 'warn', 'error', 'reset'];

/** Default resampling threshold: resample when `n_ess < 0.5 · n`. */
export const DEFAULT_RESAMPLE_THRESH = 0.5;

/** Default zero-weight threshold `10 · eps = 2.22e-15`. */
export const DEFAULT_ZERO_WEIGHT_THRESH = 10 * EPS;

/** `n_ess` at or below this gives the "extremely small n_ess" warning. */
export const SMALL_NESS = 10;

/** The policy options an updater accepts (camel-cased QInfer arguments). */
export interface UpdatePolicyOptions {
  /** Resample when `nEss < nParticles · resampleThresh` (strict); 0 disables. Default 0.5. */
  readonly resampleThresh?: number;
  /** Default `'error'`. */
  readonly zeroWeightPolicy?: ZeroWeightPolicy;
  /** All weights count as zero when their sum is ≤ this. Default `10 · eps`. */
  readonly zeroWeightThresh?: number;
}

/** The resolved, validated policy of an updater. */
export interface UpdatePolicy {
  readonly resampleThresh: number;
  readonly zeroWeightPolicy: ZeroWeightPolicy;
  readonly zeroWeightThresh: number;
}

/**
 * Throws `ERR_ARGUMENT` unless `thresh ∈ [0, 1]`.
 *
 * @example
 * ```ts
 * checkResampleThresh(2, 'resampleThresh'); // throws: resampleThresh must be in [0, 1], got 2
 * ```
 */
export function checkResampleThresh(thresh: number, what = 'resampleThresh'): number {
  if (!(thresh >= 0 && thresh <= 1)) throw new QinferArgumentError('ERR_ARGUMENT', `${what} must be in [0, 1], got ${thresh}`);
  return thresh;
}

/**
 * The policy with its defaults, validated: `resampleThresh ∈ [0, 1]` (default 0.5), a known
 * `zeroWeightPolicy` (default `'error'`), `zeroWeightThresh` ≥ 0 (default `10 · eps`);
 * anything else is `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * resolveUpdatePolicy({}).zeroWeightPolicy; // 'error'
 * ```
 */
export function resolveUpdatePolicy(options: UpdatePolicyOptions): UpdatePolicy {
  const resampleThresh = checkResampleThresh(options.resampleThresh ?? DEFAULT_RESAMPLE_THRESH);
  const zeroWeightPolicy = options.zeroWeightPolicy ?? 'error';
  if (!ZERO_WEIGHT_POLICIES.includes(zeroWeightPolicy)) {
    throw new QinferArgumentError('ERR_ARGUMENT', `unknown zeroWeightPolicy '${String(zeroWeightPolicy)}' (one of ${ZERO_WEIGHT_POLICIES.join(', ')})`);
  }
  const zeroWeightThresh = options.zeroWeightThresh ?? DEFAULT_ZERO_WEIGHT_THRESH;
  if (!(zeroWeightThresh >= 0)) throw new QinferArgumentError('ERR_ARGUMENT', `zeroWeightThresh must be ≥ 0, got ${zeroWeightThresh}`);
  return { resampleThresh, zeroWeightPolicy, zeroWeightThresh };
}

/**
 * Throws unless `eps` holds exactly one experiment (`ERR_SHAPE`) and `outcome` is one of the
 * model's outcomes for it, `0 … nOutcomes − 1` (`ERR_OUTCOME`).
 *
 * @example
 * ```ts
 * checkDatum(new SimplePrecessionModel(), 2, ExpParams.scalar([1])); // throws ERR_OUTCOME: outcome 2 outside the model's outcomes 0..1
 * ```
 */
export function checkDatum(model: Model, outcome: number, eps: ExpParams): void {
  if (eps.length !== 1) throw new QinferArgumentError('ERR_SHAPE', `update takes exactly one experiment, got ${eps.length}`);
  const nO = model.nOutcomes(eps, 0);
  if (!Number.isInteger(outcome) || outcome < 0 || outcome >= nO) {
    throw new QinferArgumentError('ERR_OUTCOME', `outcome ${outcome} outside the model's outcomes 0..${nO - 1}`, { details: { outcome, nOutcomes: nO } });
  }
}

/** What the update goes on to do after the zero-weight check. */
export type ZeroWeightAction = 'accept' | 'skip' | 'reset';

/**
 * The zero-weight policies (QInfer's `SMCUpdater.update`, after the weights are multiplied): when `N = Σ w_i L_i` is not above `thresh`
 * (NaN included), `'error'` throws `ERR_ZERO_WEIGHTS` (details: the outcome and the 0-based
 * index `step` of the datum), `'skip'` skips the datum, `'warn'` warns and accepts, `'reset'`
 * warns and redraws from the prior, `'ignore'` accepts silently. Above the threshold: `'accept'`.
 *
 * @example
 * ```ts
 * zeroWeightAction(0, { zeroWeightPolicy: 'skip', zeroWeightThresh: 1e-15 }, sink, { outcome: 1, step: 3 }); // 'skip'
 * ```
 */
export function zeroWeightAction(
  N: number,
  policy: Pick<UpdatePolicy, 'zeroWeightPolicy' | 'zeroWeightThresh'>,
  onWarning: WarningSink,
  details: { readonly outcome: number; readonly step: number },
): ZeroWeightAction {
  if (N > policy.zeroWeightThresh) return 'accept';
  switch (policy.zeroWeightPolicy) {
    case 'ignore':
      return 'accept';
    case 'skip':
      return 'skip';
    case 'warn':
      onWarning({ category: 'zero-weights', message: 'All particle weights are zero. This will very likely fail quite badly.' });
      return 'accept';
    case 'error':
      throw new QinferError('ERR_ZERO_WEIGHTS', 'All particle weights are zero.', { details: { ...details } });
    case 'reset':
      onWarning({ category: 'zero-weights', message: 'All particle weights are zero. Resetting from initial prior.' });
      return 'reset';
  }
}

/**
 * The resampling decision (QInfer's `_maybe_resample`): `n_ess < threshold · n`, strict, so a
 * threshold of 0 never resamples.
 *
 * @example
 * ```ts
 * needsResample(500, 1000, 0.5); // false
 * ```
 */
export function needsResample(nEss: number, nParticles: number, threshold: number): boolean {
  return nEss < nParticles * threshold;
}

/**
 * QInfer's warning before the resampling decision: `n_ess ≤ 10` (category `approximation`).
 *
 * @example
 * ```ts
 * warnIfSmallNEss(3.2, (w) => console.warn(w.message)); // "Extremely small n_ess encountered (3.2). …"
 * ```
 */
export function warnIfSmallNEss(nEss: number, onWarning: WarningSink): void {
  if (nEss <= SMALL_NESS) {
    onWarning({ category: 'approximation', message: `Extremely small n_ess encountered (${nEss}). Resampling is likely to fail. Consider adding particles, or resampling more often.` });
  }
}

/** The warning when an updater resamples twice without a datum in between (category `resampler`). */
export function warnResampleWithoutData(onWarning: WarningSink): void {
  onWarning({ category: 'resampler', message: 'Resampling without additional data; this may not perform as desired.' });
}

/** The warning when tiny negative likelihoods (rounding) were clipped to 0 (category `approximation`). */
export function warnClippedLikelihood(onWarning: WarningSink): void {
  onWarning({ category: 'approximation', message: 'Negative weights occured in particle approximation. Smallest weight observed == 0. Clipping weights.' });
}

/**
 * `Σ_k ln N_k` over a normalisation record: the log evidence of the data so far.
 *
 * @example
 * ```ts
 * logTotalLikelihood([0.5, 0.25]); // ln 0.125
 * ```
 */
export function logTotalLikelihood(normalizationRecord: readonly number[]): number {
  let s = 0;
  for (const N of normalizationRecord) s += Math.log(N);
  return s;
}
