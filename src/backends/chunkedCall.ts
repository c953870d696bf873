import { abortError } from '../errors/abortError.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { modelError } from '../models/modelError.js';
import { matrix } from '../util/particles.js';
import type { LikelihoodRequest } from './LikelihoodBackend.js';

/** What {@link startChunkedCall} leaves to the backend: the call computed, or its validated parts. */
export type ChunkedCall =
  | { readonly done: Float64Array }
  | {
      readonly done?: undefined;
      /** The call's particles, exactly `nModels · nModelparams` values. */
      readonly x: Float64Array;
      /** `nO · nM · nE`, the length of the result. */
      readonly size: number;
      /** The caller's output buffer cut to `size`, or undefined: the backend allocates. */
      readonly out: Float64Array | undefined;
    };

/**
 * The first steps of a likelihood call that a backend splits over engines (a worker pool, Web
 * Workers): an aborted signal rejects with `ERR_ABORTED`; `nModels` must fit the particles
 * (`ERR_SHAPE`); at or below `serialThreshold` particles the model runs on this thread and the
 * call is `done`; otherwise outcomes and experiments are validated by the model itself on zero
 * particles — so bad input throws its own typed error before any work is sent away — and an
 * output buffer shorter than the result is `ERR_SHAPE`.
 *
 * @example
 * ```ts
 * const c = startChunkedCall(request, { serialThreshold: 40, out });
 * if (c.done !== undefined) return c.done;
 * const L = c.out ?? new Float64Array(c.size); // then fill L chunk by chunk on the engines
 * ```
 */
export function startChunkedCall(request: LikelihoodRequest, options: { readonly serialThreshold: number; readonly out?: Float64Array | undefined; readonly signal?: AbortSignal | undefined }): ChunkedCall {
  const { model, nModels: nM, expparams, outcomes } = request;
  const { signal, out } = options;
  if (signal?.aborted) throw abortError(signal, 'the likelihood call was cancelled');
  const nP = model.nModelparams;
  if (!Number.isSafeInteger(nM) || nM < 0 || request.x.length < nM * nP) {
    throw new QinferArgumentError('ERR_SHAPE', `nModels = ${nM} does not fit particles of length ${request.x.length} (nModelparams = ${nP})`);
  }
  const x = request.x.length === nM * nP ? request.x : request.x.subarray(0, nM * nP);
  if (nM <= options.serialThreshold) {
    try {
      out?.fill(NaN, 0, outcomes.length * nM * expparams.length); // unwritten values fail the update's check
      return { done: model.likelihood(outcomes, matrix(x, nM, nP), expparams, out).data };
    } catch (e) {
      throw modelError(model.name, 'likelihood', e);
    }
  }
  model.likelihood(outcomes, new Float64Array(0), expparams); // validation only: zero particles
  const size = outcomes.length * nM * expparams.length;
  if (out !== undefined && out.length < size) throw new QinferArgumentError('ERR_SHAPE', `output buffer holds ${out.length} values, ${size} needed`);
  return { x, size, out: out === undefined ? undefined : out.length === size ? out : out.subarray(0, size) };
}
