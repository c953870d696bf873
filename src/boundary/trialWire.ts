import type { Registry } from '../registry/Registry.js';
import { QinferError } from '../errors/QinferError.js';
import type { TrialResult, TrialSpec, UpdaterOptionsSpec } from '../perf/TrialSpec.js';
import type { ZeroWeightPolicy } from '../smc/SMCUpdater.js';
import { float64FromBase64, int32FromBase64, toBase64 } from './binaryCodec.js';
import { decodeExpParams, encodeExpParams, type WireExpParams } from './expParamsWire.js';
import { isPlainObject, payloadError, requireInt, requireNamedSpec, requireNumber, requireObject, type WireNamedSpec } from './payloadGuards.js';

/** Version tag of the job and result formats; an engine rejects any other. */
export const WIRE_VERSION = 1;

/** Largest trial job accepted (a trial spec is a few hundred bytes of JSON). */
export const MAX_TRIAL_PAYLOAD_BYTES = 1 << 20;

/** The data of a trial job. */
export interface TrialJobData {
  readonly v: number;
  readonly spec: TrialSpec;
}

/** A trial result on the wire: the columns as base64. */
export interface WireTrialResult {
  readonly v: number;
  readonly index: number;
  readonly seed: number;
  readonly nExp: number;
  readonly nTrue: number;
  readonly nEst: number;
  readonly loss: string;
  readonly resampleCount: string;
  readonly elapsedTime: string;
  readonly outcome: string;
  readonly trueParams: string;
  readonly estParams: string;
  readonly experiments: WireExpParams;
}

const POLICIES = new Set<ZeroWeightPolicy>(['ignore', 'skip', 'warn', 'error', 'reset']);

/** The job data of a trial (the spec travels as plain JSON). */
export function encodeTrialJob(spec: TrialSpec): TrialJobData {
  return { v: WIRE_VERSION, spec };
}

function checkNames(reg: Registry, spec: TrialSpec): void {
  const known = reg.names();
  for (const m of [spec.model, spec.trueModel]) {
    if (m !== undefined && !reg.hasModel(m.name)) {
      throw new QinferError('ERR_UNKNOWN_MODEL', `this engine does not know model '${m.name}' (known: ${known.models.join(', ')})`, {
        details: { name: m.name },
      });
    }
  }
  for (const d of [spec.prior, spec.truePrior]) {
    if (d !== undefined && !known.distributions.includes(d.name)) {
      throw new QinferError('ERR_UNKNOWN_NAME', `this engine does not know distribution '${d.name}'`, { details: { name: d.name } });
    }
  }
  if (!known.heuristics.includes(spec.heuristic.name)) {
    throw new QinferError('ERR_UNKNOWN_NAME', `this engine does not know heuristic '${spec.heuristic.name}'`, { details: { name: spec.heuristic.name } });
  }
}

function parseUpdater(v: unknown): UpdaterOptionsSpec {
  const o = requireObject(v, 'spec.updater');
  const out: { -readonly [K in keyof UpdaterOptionsSpec]: UpdaterOptionsSpec[K] } = {};
  if (o['resampleThresh'] !== undefined) out.resampleThresh = requireNumber(o['resampleThresh'], 'spec.updater.resampleThresh');
  if (o['zeroWeightThresh'] !== undefined) out.zeroWeightThresh = requireNumber(o['zeroWeightThresh'], 'spec.updater.zeroWeightThresh');
  if (o['zeroWeightPolicy'] !== undefined) {
    const p = o['zeroWeightPolicy'];
    if (typeof p !== 'string' || !POLICIES.has(p as ZeroWeightPolicy)) throw payloadError('spec.updater.zeroWeightPolicy is not a policy');
    out.zeroWeightPolicy = p as ZeroWeightPolicy;
  }
  if (o['resampler'] !== undefined) {
    const r = requireObject(o['resampler'], 'spec.updater.resampler');
    const res: { a?: number; h?: number; maxiter?: number; postselect?: boolean } = {};
    if (r['a'] !== undefined) res.a = requireNumber(r['a'], 'spec.updater.resampler.a');
    if (r['h'] !== undefined) res.h = requireNumber(r['h'], 'spec.updater.resampler.h');
    if (r['maxiter'] !== undefined) res.maxiter = requireInt(r['maxiter'], 'spec.updater.resampler.maxiter', 1, 1 << 20);
    if (r['postselect'] !== undefined) {
      if (typeof r['postselect'] !== 'boolean') throw payloadError('spec.updater.resampler.postselect must be a boolean');
      res.postselect = r['postselect'];
    }
    out.resampler = res;
  }
  return out;
}

/**
 * Validates the data of a trial job and returns a clean {@link TrialSpec} (only known fields,
 * checked types and ranges), or throws before anything runs: `ERR_PAYLOAD` for a malformed
 * payload, `ERR_UNKNOWN_MODEL` / `ERR_UNKNOWN_NAME` for a name `registry` does not hold.
 * Names are only looked up in the registry: nothing named in a payload is imported or evaluated.
 *
 * @example
 * ```ts
 * import { builtInRegistry } from 'qinfer-rx';
 * import { parseTrialJob } from 'qinfer-rx/cluster';
 * parseTrialJob({ v: 1, spec: { model: { name: 'Nope' } } }, builtInRegistry()); // throws ERR_PAYLOAD
 * ```
 */
export function parseTrialJob(data: unknown, registry: Registry): TrialSpec {
  const o = requireObject(data, 'trial job');
  if (o['v'] !== WIRE_VERSION) throw payloadError(`unsupported trial job version ${JSON.stringify(o['v'])} (expected ${WIRE_VERSION})`);
  const s = requireObject(o['spec'], 'spec');
  const spec: { -readonly [K in keyof TrialSpec]: TrialSpec[K] } = {
    index: requireInt(s['index'], 'spec.index', 0),
    seed: requireInt(s['seed'], 'spec.seed', 0),
    model: requireNamedSpec(s['model'], 'spec.model'),
    prior: requireNamedSpec(s['prior'], 'spec.prior'),
    nParticles: requireInt(s['nParticles'], 'spec.nParticles', 1, 1 << 26),
    nExp: requireInt(s['nExp'], 'spec.nExp', 1, 1 << 24),
    heuristic: requireNamedSpec(s['heuristic'], 'spec.heuristic'),
  };
  if (s['trueModel'] !== undefined) spec.trueModel = requireNamedSpec(s['trueModel'], 'spec.trueModel') as WireNamedSpec;
  if (s['truePrior'] !== undefined) spec.truePrior = requireNamedSpec(s['truePrior'], 'spec.truePrior');
  if (s['trueModelparams'] !== undefined) {
    const t = s['trueModelparams'];
    if (!Array.isArray(t) || t.length > 1 << 16) throw payloadError('spec.trueModelparams must be an array of numbers');
    spec.trueModelparams = t.map((x, i) => requireNumber(x, `spec.trueModelparams[${i}]`));
  }
  if (s['updater'] !== undefined) spec.updater = parseUpdater(s['updater']);
  checkNames(registry, spec);
  return spec;
}

/** Encodes a trial result for the job's return value (bit-exact base64 columns). */
export function encodeTrialResult(r: TrialResult): WireTrialResult {
  return {
    v: WIRE_VERSION,
    index: r.index,
    seed: r.seed,
    nExp: r.nExp,
    nTrue: r.nTrue,
    nEst: r.nEst,
    loss: toBase64(r.loss),
    resampleCount: toBase64(r.resampleCount),
    elapsedTime: toBase64(r.elapsedTime),
    outcome: toBase64(r.outcome),
    trueParams: toBase64(r.trueParams),
    estParams: toBase64(r.estParams),
    experiments: encodeExpParams(r.experiments),
  };
}

function checkLength(a: { length: number }, n: number, what: string): void {
  if (a.length !== n) throw payloadError(`result.${what} has ${a.length} values, expected ${n}`);
}

/**
 * Decodes a trial result returned by an engine, checking every column's length
 * (`ERR_PAYLOAD` when the engine sent something else).
 */
export function decodeTrialResult(v: unknown): TrialResult {
  if (!isPlainObject(v) || v['v'] !== WIRE_VERSION) throw payloadError('an engine returned a trial result in an unknown format');
  const nExp = requireInt(v['nExp'], 'result.nExp', 0);
  const nTrue = requireInt(v['nTrue'], 'result.nTrue', 0);
  const nEst = requireInt(v['nEst'], 'result.nEst', 0);
  const r: TrialResult = {
    index: requireInt(v['index'], 'result.index', 0),
    seed: requireInt(v['seed'], 'result.seed', 0),
    nExp,
    nTrue,
    nEst,
    loss: float64FromBase64(v['loss'], 'result.loss'),
    resampleCount: int32FromBase64(v['resampleCount'], 'result.resampleCount'),
    elapsedTime: float64FromBase64(v['elapsedTime'], 'result.elapsedTime'),
    outcome: int32FromBase64(v['outcome'], 'result.outcome'),
    trueParams: float64FromBase64(v['trueParams'], 'result.trueParams'),
    estParams: float64FromBase64(v['estParams'], 'result.estParams'),
    experiments: decodeExpParams(v['experiments']).toData(),
  };
  for (const k of ['loss', 'resampleCount', 'elapsedTime', 'outcome'] as const) checkLength(r[k], nExp, k);
  checkLength(r.trueParams, nExp * nTrue, 'trueParams');
  checkLength(r.estParams, nExp * nEst, 'estParams');
  return r;
}
