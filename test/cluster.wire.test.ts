import { describe, expect, it } from 'vitest';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { QinferArgumentError, QinferError } from '../src/errors/QinferError.js';
import { MultiCosModel } from '../src/models/MultiCosModel.js';
import { CostlyModel } from '../src/models/CostlyModel.js';
import { runTrial } from '../src/perf/runTrial.js';
import type { TrialSpec } from '../src/perf/TrialSpec.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { deriveSeed } from '../src/rng/deriveSeed.js';
import {
  decodeChunkResult,
  decodeExpParams,
  decodeTrialResult,
  encodeChunkJob,
  encodeExpParams,
  encodeSharedChunkParts,
  encodeTrialJob,
  encodeTrialResult,
  float64FromBase64,
  formatEngineError,
  int32FromBase64,
  jsonSize,
  parseChunkJob,
  parseEngineError,
  parseTrialJob,
  redisOptions,
  resolveModelModules,
  runChunkJob,
  toBase64,
} from '../src/cluster/index.js';
import { engineCliCommand, parseEngineArgs } from '../src/cli/engineCommand.js';

const reg = builtInRegistry();
const MB = 1 << 20;

function spec(index: number, over: Partial<TrialSpec> = {}): TrialSpec {
  return {
    index,
    seed: deriveSeed(7, index),
    nParticles: 200,
    nExp: 10,
    model: { name: 'SimplePrecessionModel' },
    prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
    heuristic: { name: 'ExpSparseHeuristic' },
    ...over,
  };
}

function expectCode(f: () => unknown, cls: typeof QinferError | typeof QinferArgumentError, code: string): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(cls);
  expect((err as QinferError).code).toBe(code);
}

describe('binary codec', () => {
  it('round-trips float64 bit patterns exactly, including -0, NaN payloads and subnormals', () => {
    const a = Float64Array.of(0.1, -0, NaN, Infinity, -Infinity, 5e-324, 1.7976931348623157e308, Math.PI);
    const bits = new BigUint64Array(a.buffer.slice(0));
    new DataView(a.buffer).setBigUint64(16, 0x7ff8dead_beef0001n, true); // a NaN with a payload
    bits[2] = 0x7ff8dead_beef0001n;
    const b = float64FromBase64(toBase64(a));
    expect(Array.from(new BigUint64Array(b.buffer))).toEqual(Array.from(bits));
  });

  it('encodes only the view of a subarray, and int32 values exactly', () => {
    const big = Float64Array.from({ length: 10 }, (_, i) => i + 0.5);
    expect(Array.from(float64FromBase64(toBase64(big.subarray(3, 6))))).toEqual([3.5, 4.5, 5.5]);
    const ints = Int32Array.of(-2147483648, -1, 0, 1, 2147483647);
    expect(Array.from(int32FromBase64(toBase64(ints)))).toEqual(Array.from(ints));
  });

  it('rejects non-base64 text and lengths that are not whole elements with ERR_PAYLOAD', () => {
    expectCode(() => float64FromBase64('not base64!'), QinferError, 'ERR_PAYLOAD');
    const ok = toBase64(Float64Array.of(1, 2));
    expectCode(() => float64FromBase64(`${ok.slice(0, 4)}!${ok.slice(5)}`), QinferError, 'ERR_PAYLOAD');
    expectCode(() => float64FromBase64(`${ok.slice(0, 4)}=${ok.slice(5)}`), QinferError, 'ERR_PAYLOAD');
    expectCode(() => float64FromBase64(`${ok.slice(0, 8)} ${ok.slice(9)}`), QinferError, 'ERR_PAYLOAD');
    expectCode(() => float64FromBase64(42), QinferError, 'ERR_PAYLOAD');
    expectCode(() => float64FromBase64(Buffer.alloc(12).toString('base64')), QinferError, 'ERR_PAYLOAD');
    expectCode(() => int32FromBase64(Buffer.alloc(6).toString('base64')), QinferError, 'ERR_PAYLOAD');
  });
});

describe('payload size', () => {
  it('measures roughly the JSON length and stops at the limit or at deep nesting', () => {
    const v = { a: 'x'.repeat(1000), b: [1, 2, 3] };
    const n = jsonSize(v, MB);
    expect(n).toBeGreaterThanOrEqual(JSON.stringify(v).length);
    expect(n).toBeLessThan(2 * JSON.stringify(v).length);
    expect(jsonSize({ a: 'x'.repeat(2000) }, 1000)).toBe(Infinity);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(jsonSize(deep, MB)).toBe(Infinity);
  });
});

describe('experiments on the wire', () => {
  it('round-trips scalar and record experiments (vector fields included) exactly', () => {
    const s = ExpParams.scalar([0.1, 2, 1e-300]);
    expect(Array.from(decodeExpParams(encodeExpParams(s.toData())).values())).toEqual([0.1, 2, 1e-300]);
    const m = new MultiCosModel();
    const r = ExpParams.records(m.expparamsSchema, [{ ts: [1, 2] }, { ts: [3.25, 4] }]);
    const back = decodeExpParams(JSON.parse(JSON.stringify(encodeExpParams(r.toData()))));
    expect(back.schema).toEqual(r.schema);
    expect(Array.from(back.field('ts'))).toEqual([1, 2, 3.25, 4]);
  });

  it('rejects a bad schema, a missing column or a wrong length with ERR_PAYLOAD', () => {
    const w = encodeExpParams(ExpParams.scalar([1, 2]).toData());
    expectCode(() => decodeExpParams({ ...w, schema: { kind: 'weird' } }), QinferError, 'ERR_PAYLOAD');
    expectCode(() => decodeExpParams({ ...w, columns: {} }), QinferError, 'ERR_PAYLOAD');
    expectCode(() => decodeExpParams({ ...w, length: 3 }), QinferError, 'ERR_PAYLOAD');
  });
});

describe('trial jobs', () => {
  it('a trial result survives JSON transport bit for bit', () => {
    const r = runTrial(spec(3), reg);
    const back = decodeTrialResult(JSON.parse(JSON.stringify(encodeTrialResult(r))));
    expect(back.index).toBe(3);
    for (const k of ['loss', 'resampleCount', 'elapsedTime', 'outcome', 'trueParams', 'estParams'] as const) {
      expect(Array.from(back[k]), k).toEqual(Array.from(r[k]));
    }
    expect(Array.from(back.experiments.columns['value']!)).toEqual(Array.from(r.experiments.columns['value']!));
  });

  it('a valid spec passes through unchanged; unknown extra fields are dropped', () => {
    const s = spec(1, { updater: { resampleThresh: 0.4, resampler: { a: 0.9 } }, trueModelparams: [0.3] });
    const parsed = parseTrialJob(JSON.parse(JSON.stringify({ ...encodeTrialJob(s), spec: { ...s, evil: 'x' } })), reg);
    expect(parsed).toEqual(s);
  });

  it.each([
    ['not an object', 'nope'],
    ['a wrong version', { v: 2, spec: spec(0) }],
    ['a negative index', { v: 1, spec: { ...spec(0), index: -1 } }],
    ['a fractional particle count', { v: 1, spec: { ...spec(0), nParticles: 10.5 } }],
    ['a model without a name', { v: 1, spec: { ...spec(0), model: { params: {} } } }],
    ['params that are not an object', { v: 1, spec: { ...spec(0), prior: { name: 'UniformDistribution', params: [1] } } }],
    ['a bad zero-weight policy', { v: 1, spec: { ...spec(0), updater: { zeroWeightPolicy: 'panic' } } }],
    ['non-numeric true parameters', { v: 1, spec: { ...spec(0), trueModelparams: ['1'] } }],
  ])('rejects %s with ERR_PAYLOAD', (_what, data) => {
    expectCode(() => parseTrialJob(data, reg), QinferError, 'ERR_PAYLOAD');
  });

  it('rejects an unknown model with ERR_UNKNOWN_MODEL and an unknown heuristic with ERR_UNKNOWN_NAME', () => {
    expectCode(() => parseTrialJob(encodeTrialJob(spec(0, { model: { name: '../../evil.js' } })), reg), QinferError, 'ERR_UNKNOWN_MODEL');
    expectCode(() => parseTrialJob(encodeTrialJob(spec(0, { trueModel: { name: 'Nope' } })), reg), QinferError, 'ERR_UNKNOWN_MODEL');
    expectCode(() => parseTrialJob(encodeTrialJob(spec(0, { heuristic: { name: 'Nope' } })), reg), QinferError, 'ERR_UNKNOWN_NAME');
  });
});

describe('likelihood chunk jobs', () => {
  const model = new CostlyModel({ k: 3 });
  const nM = 37;
  const rng = new Rng(5);
  const x = Float64Array.from({ length: nM }, () => rng.uniform() * 2);
  const eps = ExpParams.scalar([0.5, 1, 2, 4]);
  const outcomes = Int32Array.of(0, 1);
  const request = { model, outcomes, x, nModels: nM, expparams: eps };

  it('chunks computed from their wire form and joined by index equal the serial likelihood bit for bit', () => {
    const serial = model.likelihood(outcomes, [...x].map((v) => [v]), eps).data;
    const shared = encodeSharedChunkParts(request);
    const out = new Float64Array(serial.length).fill(-1);
    const nE = eps.length;
    for (const [s, e] of [[0, 13], [13, 13], [13, 25], [25, 37]] as const) {
      const data = JSON.parse(JSON.stringify(encodeChunkJob(shared, x, [s, e])));
      const L = decodeChunkResult(JSON.parse(JSON.stringify(runChunkJob(parseChunkJob(data, reg, MB)))), 2 * (e - s) * nE);
      for (let i = 0; i < 2; i++) out.set(L.subarray(i * (e - s) * nE, (i + 1) * (e - s) * nE), i * nM * nE + s * nE);
    }
    expect(Array.from(out)).toEqual(Array.from(serial));
  });

  it('rejects malformed chunks with ERR_PAYLOAD and unknown models with ERR_UNKNOWN_MODEL', () => {
    const good = encodeChunkJob(encodeSharedChunkParts(request), x, [0, 10]);
    expect(() => parseChunkJob(good, reg, MB)).not.toThrow();
    expectCode(() => parseChunkJob({ ...good, nM: 11 }, reg, MB), QinferError, 'ERR_PAYLOAD');
    expectCode(() => parseChunkJob({ ...good, x: 'AAAA' }, reg, MB), QinferError, 'ERR_PAYLOAD');
    expectCode(() => parseChunkJob({ ...good, outcomes: toBase64(Int32Array.of(2)) }, reg, MB), QinferError, 'ERR_PAYLOAD');
    expectCode(() => parseChunkJob({ ...good, outcomes: toBase64(Int32Array.of(-1)) }, reg, MB), QinferError, 'ERR_PAYLOAD');
    expectCode(() => parseChunkJob({ ...good, model: { name: 'CostlyModel', params: { k: -1 } } }, reg, MB), QinferError, 'ERR_PAYLOAD');
    expectCode(() => parseChunkJob(good, reg, 100), QinferError, 'ERR_PAYLOAD'); // result over the limit
    expectCode(() => parseChunkJob({ ...good, model: { name: 'NoSuchModel' } }, reg, MB), QinferError, 'ERR_UNKNOWN_MODEL');
    expectCode(
      () => parseChunkJob({ ...good, model: { name: 'BinomialModel', params: { underlyingModel: { name: 'Nope' } } } }, reg, MB),
      QinferError,
      'ERR_UNKNOWN_MODEL',
    );
    expectCode(() => decodeChunkResult({ v: 1, L: toBase64(new Float64Array(3)) }, 4), QinferError, 'ERR_PAYLOAD');
  });
});

describe('engine errors, URLs and arguments', () => {
  it('an engine error keeps its code and engine across the wire; foreign reasons become ERR_CLUSTER', () => {
    const e = parseEngineError(formatEngineError(new QinferError('ERR_ZERO_WEIGHTS', 'all: weights zero'), 'host-1'), { index: 4 });
    expect(e).toBeInstanceOf(QinferError);
    expect(e.code).toBe('ERR_ZERO_WEIGHTS');
    expect(e.message).toBe('all: weights zero');
    expect(e.details).toMatchObject({ index: 4, engine: 'host-1' });
    expect(parseEngineError(formatEngineError(new Error('boom'), 'h')).code).toBe('ERR_WORKER');
    expect(parseEngineError('job stalled more than allowable limit').code).toBe('ERR_CLUSTER');
  });

  it('parses redis:// and rediss:// URLs and rejects others', () => {
    expect(redisOptions('rediss://u:p%40ss@example.org:6380/2')).toEqual({ host: 'example.org', port: 6380, username: 'u', password: 'p@ss', db: 2, tls: {} });
    expect(redisOptions('redis://127.0.0.1:7000')).toEqual({ host: '127.0.0.1', port: 7000 });
    expectCode(() => redisOptions('http://example.org'), QinferArgumentError, 'ERR_ARGUMENT');
    expectCode(() => redisOptions('not a url'), QinferArgumentError, 'ERR_ARGUMENT');
  });

  it('engine arguments: variadic --models resolved from the working directory, numbers checked, URL required', () => {
    const p = parseEngineArgs(['--redis', 'redis://h:1', '--models', './a.js', 'pkg-b', '--concurrency', '3', '--serve', 'trials'], {});
    expect(p).not.toBe('help');
    if (p === 'help') return;
    expect(p.options.models).toEqual(resolveModelModules(['./a.js', 'pkg-b']));
    expect(p.options.models![0]).toMatch(/^file:\/\/.*\/a\.js$/);
    expect(p.options).toMatchObject({ concurrency: 3, serve: ['trials'] });
    expect(() => parseEngineArgs([], {})).toThrow(/--redis/);
    expect(() => parseEngineArgs(['--redis', 'redis://h', '--concurrency', 'many'], {})).toThrow(/number/);
    expect(() => parseEngineArgs(['--redis', 'redis://h', '--serve', 'gpu'], {})).toThrow(/serve/);
    expect(parseEngineArgs([], { QINFER_REDIS_URL: 'redis://h:2' })).toMatchObject({ options: { connection: { host: 'h', port: 2 } } });
  });
});

describe('qinfer-rx engine as a sub-command', () => {
  const io = () => {
    const out: string[] = [], err: string[] = [];
    return { out, err, io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } } };
  };

  it('--help prints the usage and exits 0; bad arguments exit 2 with the usage on stderr', async () => {
    const a = io();
    expect(await engineCliCommand(['--help'], a.io)).toBe(0);
    expect(a.out.join('')).toMatch(/--redis URL/);
    const b = io();
    expect(await engineCliCommand(['--redis', 'redis://h:1', '--bogus'], b.io)).toBe(2);
    expect(b.err.join('')).toMatch(/usage: qinfer-rx engine/);
    const c = io();
    expect(await engineCliCommand(['--redis', 'ftp://h'], c.io)).toBe(2);
  });
});
