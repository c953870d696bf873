import { startChunkedCall } from '../backends/chunkedCall.js';
import type { EngineView } from '../backends/EngineView.js';
import type { LikelihoodRequest } from '../backends/LikelihoodBackend.js';
import { QinferArgumentError } from '../errors/QinferError.js';
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
  const { signal } = options;
  const call = startChunkedCall(request, options);
  if (call.done !== undefined) return call.done;
  const L = call.out ?? sharedFloat64(call.size);
  await view.likelihoodChunks({ ...request, x: call.x }, arraySplit(request.nModels, view.nEngines), L, signal === undefined ? {} : { signal });
  return L;
}
