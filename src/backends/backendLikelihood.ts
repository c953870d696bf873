import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import { isHostUpdater, type Updater } from '../smc/Updater.js';
import type { LikelihoodBackend, LikelihoodCallOptions, LikelihoodRequest } from './LikelihoodBackend.js';

/**
 * The likelihood call of one estimation step on a backend: `Pr(outcome | x_i; eps)` for the
 * updater's current particles, `x = updater.locations` (handed over as they are: a worker pool
 * reads a `SharedArrayBuffer`-backed cloud in place). The datum is checked first, so that no
 * work is sent away for a bad one; a device updater (`GpuUpdater`) has no host particles and is
 * `ERR_ARGUMENT`. Shared by the `parallel` operator and the performance trials.
 *
 * @example
 * ```ts
 * const L = await backend.likelihood(likelihoodRequest(updater, 0, eps), { out });
 * ```
 */
export function likelihoodRequest(updater: Updater, outcome: number, eps: ExpParams): LikelihoodRequest {
  if (!isHostUpdater(updater)) {
    throw new QinferArgumentError('ERR_ARGUMENT', 'a likelihood backend needs an updater whose particles are on the host (SMCUpdater); a GPU-resident updater computes its own likelihood');
  }
  updater.checkDatum(outcome, eps);
  return { model: updater.model, outcomes: Int32Array.of(outcome), x: updater.locations, nModels: updater.nParticles, expparams: eps };
}

/**
 * Checks that a backend returned one likelihood per particle (a `Float64Array` of length `n`),
 * else `ERR_SHAPE` naming what came back.
 *
 * @example
 * ```ts
 * checkBackendLikelihood(new Float64Array(3), 4); // throws ERR_SHAPE: backend returned 3 values for 4 particles
 * ```
 */
export function checkBackendLikelihood(L: unknown, n: number): Float64Array {
  if (!(L instanceof Float64Array) || L.length !== n) {
    throw new QinferError('ERR_SHAPE', `backend returned ${L instanceof Float64Array ? L.length : typeof L} values for ${n} particles`);
  }
  return L;
}

/**
 * One step's likelihood on `backend`: {@link likelihoodRequest}, the call (into `options.out`
 * when given — filled with NaN first, so that values the backend leaves unwritten are caught
 * as `ERR_INVALID_LIKELIHOOD` — cancellable by `options.signal`) and {@link checkBackendLikelihood}.
 *
 * @example
 * ```ts
 * const L = await backendLikelihood(poolBackend(pool), updater, outcome, eps, { out: buffer });
 * ```
 */
export async function backendLikelihood(
  backend: LikelihoodBackend,
  updater: Updater,
  outcome: number,
  eps: ExpParams,
  options: LikelihoodCallOptions = {},
): Promise<Float64Array> {
  const request = likelihoodRequest(updater, outcome, eps);
  // A reused buffer starts as NaN, so values a backend leaves unwritten fail the update's check.
  options.out?.fill(NaN, 0, request.nModels);
  return checkBackendLikelihood(await backend.likelihood(request, options), request.nModels);
}
