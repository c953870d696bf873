import type { EngineView } from '../backends/EngineView.js';
import type { LikelihoodRequest } from '../backends/LikelihoodBackend.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { abortError } from '../errors/abortError.js';
import { matrix } from '../util/particles.js';
import { arraySplit } from './arraySplit.js';
import { sharedFloat64 } from './SharedBufferPool.js';

/** Options of {@link likelihoodOnView}. */
export interface LikelihoodOnViewOptions {
  /** At or below this many particles the model runs on this thread. */
  readonly serialThreshold: number;
  readonly out?: Float64Array;
  readonly signal?: AbortSignal;
}

/**
 * Checks a serial threshold option: an integer ≥ 0; undefined gives QInfer's default
 * `10 × nEngines`. Throws `QinferArgumentError` (`ERR_ARGUMENT`) otherwise.
 *
 * @example
 * ```ts
 * checkSerialThreshold(undefined, 4); // 40
 * ```
 */
export function checkSerialThreshold(value: number | undefined, nEngines: number): number {
  const t = value ?? 10 * nEngines;
  if (!Number.isSafeInteger(t) || t < 0) throw new QinferArgumentError('ERR_ARGUMENT', `serialThreshold must be an integer >= 0, got ${String(value)}`);
  return t;
}

/**
 * The likelihood of `request` computed on the engines of `view` (QInfer's
 * `DirectViewParallelizedModel.likelihood`): when `nM ≤ serialThreshold` the model runs on this
 * thread; otherwise the particles are split into `view.nEngines` numpy-`array_split` chunks, each
 * engine fills its rows of `L[i, j, k]` in place, and the result is the serial one bit for bit
 * (same kernel, same arithmetic per element, joined by index). Outcomes and experiments are
 * validated on this thread first (by the model itself, on zero particles), so bad input throws
 * its own typed error rather than an engine failure. Without `out` the result is a fresh
 * shared array (no copy back from the engines).
 *
 * @example
 * ```ts
 * const L = await likelihoodOnView(pool, { model, outcomes: Int32Array.of(0, 1), x, nModels, expparams }, { serialThreshold: 20 });
 * ```
 */
export async function likelihoodOnView(view: EngineView, request: LikelihoodRequest, options: LikelihoodOnViewOptions): Promise<Float64Array> {
  const { model, nModels: nM, expparams, outcomes } = request;
  const { signal, out } = options;
  if (signal?.aborted) throw abortError(signal, 'the likelihood call was cancelled');
  const nP = model.nModelparams;
  if (!Number.isSafeInteger(nM) || nM < 0 || request.x.length < nM * nP) {
    throw new QinferArgumentError('ERR_SHAPE', `nModels = ${nM} does not fit particles of length ${request.x.length} (nModelparams = ${nP})`);
  }
  const x = request.x.length === nM * nP ? request.x : request.x.subarray(0, nM * nP);
  if (nM <= options.serialThreshold) return model.likelihood(outcomes, matrix(x, nM, nP), expparams, out).data;
  model.likelihood(outcomes, new Float64Array(0), expparams); // validation only: zero particles
  const size = outcomes.length * nM * expparams.length;
  if (out !== undefined && out.length < size) throw new QinferArgumentError('ERR_SHAPE', `output buffer holds ${out.length} values, ${size} needed`);
  const L = out === undefined ? sharedFloat64(size) : out.length === size ? out : out.subarray(0, size);
  await view.likelihoodChunks({ ...request, x }, arraySplit(nM, view.nEngines), L, signal === undefined ? {} : { signal });
  return L;
}
