import { modelError } from '../models/modelError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import { QinferError, isQinferError } from '../errors/QinferError.js';
import type { LikelihoodRequest } from '../backends/LikelihoodBackend.js';
import type { Chunk } from '../backends/EngineView.js';
import type { Model } from '../models/Model.js';
import type { Registry } from '../registry/Registry.js';
import { float64FromBase64, int32FromBase64, toBase64 } from './binaryCodec.js';
import { decodeExpParams, encodeExpParams, type WireExpParams } from './expParamsWire.js';
import { isPlainObject, payloadError, requireInt, requireNamedSpec, requireObject, type WireNamedSpec } from './payloadGuards.js';
import type { ModelCache } from './ModelCache.js';
import { WIRE_VERSION } from './trialWire.js';

/** The data of a likelihood-chunk job: particle rows `start..end` of one likelihood call. */
export interface ChunkJobData {
  readonly v: number;
  readonly model: WireNamedSpec;
  /** Rows in this chunk. */
  readonly nM: number;
  /** Int32 outcomes, base64. */
  readonly outcomes: string;
  /** The chunk's particles, row-major float64 `[nM, nP]`, base64. */
  readonly x: string;
  readonly eps: WireExpParams;
}

/** A validated chunk job, ready for `model.likelihoodInto`. */
export interface ParsedChunkJob {
  readonly model: Model;
  readonly outcomes: Int32Array;
  readonly x: Float64Array;
  readonly nM: number;
  readonly eps: ExpParams;
}

/** The parts of a likelihood call shared by all its chunks (encoded once per call). */
export interface SharedChunkParts {
  readonly model: WireNamedSpec;
  readonly outcomes: string;
  readonly eps: WireExpParams;
  readonly nP: number;
}

/** Encodes the parts of `request` that every chunk job carries. */
export function encodeSharedChunkParts(request: LikelihoodRequest): SharedChunkParts {
  const eps = request.expparams;
  const columns: Record<string, Float64Array> = {};
  for (const n of eps.fieldNames) columns[n] = eps.field(n);
  return {
    model: request.model.spec(),
    outcomes: toBase64(request.outcomes),
    eps: encodeExpParams({ schema: eps.schema, length: eps.length, columns }),
    nP: request.model.nModelparams,
  };
}

/**
 * The job data for particle rows `chunk = [start, end)` of `x` (only those rows travel).
 *
 * @example
 * ```ts
 * import { encodeSharedChunkParts, encodeChunkJob } from 'qinfer-rx/cluster';
 * const shared = encodeSharedChunkParts(request);
 * const job = encodeChunkJob(shared, request.x, [0, 500]);
 * ```
 */
export function encodeChunkJob(shared: SharedChunkParts, x: Float64Array, chunk: Chunk): ChunkJobData {
  const [start, end] = chunk;
  return {
    v: WIRE_VERSION,
    model: shared.model,
    nM: end - start,
    outcomes: shared.outcomes,
    x: toBase64(x.subarray(start * shared.nP, end * shared.nP)),
    eps: shared.eps,
  };
}

/** Number of float64 values of a chunk's result `[nO, nM, nE]`. */
export function chunkResultLength(nO: number, nM: number, nE: number): number {
  return nO * nM * nE;
}

/**
 * Validates a chunk job and rebuilds its model through `registry` (by name only; nothing from
 * the payload is imported or evaluated): `ERR_PAYLOAD` for malformed data (bad base64, lengths
 * that do not match `nM × nModelparams`, outcomes outside the model's outcomes, missing
 * experiment fields, a result larger than `maxResultBytes`), `ERR_UNKNOWN_MODEL` for a name the
 * registry does not hold. `models` (a worker's cache over the same registry) reuses built models.
 */
export function parseChunkJob(data: unknown, registry: Registry, maxResultBytes: number, models?: ModelCache): ParsedChunkJob {
  const o = requireObject(data, 'chunk job');
  if (o['v'] !== WIRE_VERSION) throw payloadError(`unsupported chunk job version ${JSON.stringify(o['v'])} (expected ${WIRE_VERSION})`);
  const spec = requireNamedSpec(o['model'], 'model');
  const nM = requireInt(o['nM'], 'nM', 0, 1 << 28);
  if (!registry.hasModel(spec.name)) {
    throw new QinferError('ERR_UNKNOWN_MODEL', `this engine does not know model '${spec.name}' (known: ${registry.names().models.join(', ')})`, {
      details: { name: spec.name },
    });
  }
  let model: Model;
  try {
    model = models === undefined ? registry.createModel(spec) : models.get(spec);
  } catch (e) {
    if (isQinferError(e, 'ERR_UNKNOWN_MODEL')) throw new QinferError('ERR_UNKNOWN_MODEL', (e as Error).message, { details: e.details });
    throw payloadError(`model '${spec.name}' rejected its parameters: ${(e as Error).message}`, { name: spec.name });
  }
  const x = float64FromBase64(o['x'], 'x');
  if (x.length !== nM * model.nModelparams) {
    throw payloadError(`x holds ${x.length} values, expected nM × nModelparams = ${nM} × ${model.nModelparams}`);
  }
  const outcomes = int32FromBase64(o['outcomes'], 'outcomes');
  const eps = decodeExpParams(o['eps']);
  const wanted = model.expparamsSchema;
  if (wanted.kind === 'record') {
    for (const f of wanted.fields) if (!eps.hasField(f.name)) throw payloadError(`experiments lack field '${f.name}' of model '${spec.name}'`);
  }
  let maxO = 0;
  for (let k = 0; k < eps.length; k++) {
    maxO = Math.max(maxO, model.nOutcomes(eps, k));
    if (model.isNOutcomesConstant) break;
  }
  for (let i = 0; i < outcomes.length; i++) {
    const oc = outcomes[i]!;
    if (oc < 0 || (eps.length > 0 && oc >= maxO)) throw payloadError(`outcome ${oc} is outside the model's ${maxO} outcomes`, { outcome: oc });
  }
  const bytes = chunkResultLength(outcomes.length, nM, eps.length) * 8;
  if (bytes > maxResultBytes) throw payloadError(`the chunk's result would take ${bytes} bytes (limit ${maxResultBytes})`, { limit: maxResultBytes });
  return { model, outcomes, x, nM, eps };
}

/** Runs a parsed chunk: `L[i, j, k]` for the chunk's rows, as base64 (the job's return value). */
export function runChunkJob(job: ParsedChunkJob): { v: number; L: string } {
  // NaN first: values the kernel leaves unwritten reach the client as NaN, which its update refuses.
  const out = new Float64Array(chunkResultLength(job.outcomes.length, job.nM, job.eps.length)).fill(NaN);
  try {
    job.model.likelihoodInto(job.outcomes, job.x, job.nM, job.eps, out, 0, job.nM);
  } catch (e) {
    throw modelError(job.model.name, 'likelihood', e);
  }
  return { v: WIRE_VERSION, L: toBase64(out) };
}

/** Decodes a chunk result, checking its length (`ERR_PAYLOAD` otherwise). */
export function decodeChunkResult(v: unknown, expectedLength: number): Float64Array {
  if (!isPlainObject(v) || v['v'] !== WIRE_VERSION) throw payloadError('an engine returned a chunk result in an unknown format');
  const L = float64FromBase64(v['L'], 'result.L');
  if (L.length !== expectedLength) throw payloadError(`a chunk result has ${L.length} values, expected ${expectedLength}`);
  return L;
}
