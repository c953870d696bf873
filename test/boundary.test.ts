/**
 * The one process boundary (src/boundary): the wire error and its on-Redis text, the model-module
 * resolver and loader (one export convention for pools and engines), the sibling-module locator,
 * the worker runtime in this thread, and a real pool that copies nothing when given shared views.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeChunkJob, encodeSharedChunkParts } from '../src/boundary/chunkWire.js';
import { anyTypeScript, checkModelModules, loadModelModules, resolveModelModules } from '../src/boundary/modelModules.js';
import { childExecArgv, ownNodeFlags, siblingModule, workerThreadModule } from '../src/boundary/siblingModule.js';
import { CANCELLED } from '../src/boundary/threadProtocol.js';
import { encodeTrialJob, encodeTrialResult } from '../src/boundary/trialWire.js';
import { fromWireError, toWireError, wireCode } from '../src/boundary/wireError.js';
import { createWorkerRuntime } from '../src/boundary/workerRuntime.js';
import { engineReasonToWire, formatEngineError, parseEngineError, wireToEngineReason } from '../src/cluster/engineError.js';
import { QinferArgumentError, QinferError } from '../src/errors/QinferError.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { GpuUnavailableError } from '../src/gpu/GpuUnavailableError.js';
import { CostlyModel } from '../src/models/CostlyModel.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { runTrial } from '../src/perf/runTrial.js';
import type { TrialSpec } from '../src/perf/TrialSpec.js';
import { createPool } from '../src/pool/createPool.js';
import { ParallelizedModel } from '../src/pool/ParallelizedModel.js';
import type { Pool } from '../src/pool/Pool.js';
import { sharedFloat64 } from '../src/pool/SharedBufferPool.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { randomParticles, sameBits } from './poolHelpers.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./modules/${name}.fixture.ts`, import.meta.url));
const CONVENTIONS = { registerModels: 'ViaRegisterModels', register: 'ViaRegister', defaultExport: 'ViaDefault' } as const;

const TRIAL: TrialSpec = {
  index: 3, seed: 77, nParticles: 120, nExp: 6,
  model: { name: 'SimplePrecessionModel' }, prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } }, heuristic: { name: 'ExpSparseHeuristic' },
};

describe('the wire error', () => {
  it('rebuilds qinfer-rx errors with their class, code and details, and other errors with name and code', () => {
    const q = fromWireError(toWireError(new QinferError('ERR_ZERO_WEIGHTS', 'all zero', { details: { n: 3 } })), { engine: 7 });
    expect(q).toBeInstanceOf(QinferError);
    expect(q).toMatchObject({ code: 'ERR_ZERO_WEIGHTS', message: 'all zero' });
    expect((q as QinferError).details).toMatchObject({ n: 3, engine: 7 });
    expect(typeof (q as QinferError).details['workerStack']).toBe('string');
    const a = fromWireError(toWireError(new QinferArgumentError('ERR_SHAPE', 'bad shape')));
    expect(a).toBeInstanceOf(QinferArgumentError);
    expect((a as QinferArgumentError).code).toBe('ERR_SHAPE');
    // a subclass crosses as its base class, its name kept on the wire
    const g = toWireError(new GpuUnavailableError('none'));
    expect(g).toMatchObject({ name: 'GpuUnavailableError', base: 'QinferError', code: 'ERR_GPU_UNAVAILABLE' });
    expect(fromWireError(g)).toBeInstanceOf(QinferError);
    const t = Object.assign(new TypeError('boom'), { code: 'ENOENT' });
    const back = fromWireError(toWireError(t));
    expect(back).not.toBeInstanceOf(QinferError);
    expect(back).toMatchObject({ name: 'TypeError', message: 'boom', code: 'ENOENT' });
    expect(fromWireError(toWireError('a string'))).toMatchObject({ name: 'Error', message: 'a string' });
  });

  it('gives untyped errors the fallback code of the boundary (ERR_WORKER for engines, ERR_GPU for the GPU host)', () => {
    expect(wireCode(toWireError(new TypeError('x')), 'ERR_WORKER')).toBe('ERR_WORKER');
    expect(wireCode(toWireError(new QinferError('ERR_PAYLOAD', 'x')), 'ERR_WORKER')).toBe('ERR_PAYLOAD');
    const e = fromWireError(toWireError(new RangeError('no such segment')), {}, 'ERR_GPU');
    expect(e).toBeInstanceOf(QinferError);
    expect((e as QinferError).code).toBe('ERR_GPU');
    // a JSON-unsafe detail never stops an error from crossing
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(toWireError(new QinferError('ERR_WORKER', 'x', { details: cyclic })).details).toBeUndefined();
    expect(() => JSON.stringify(toWireError(new QinferError('ERR_WORKER', 'x', { details: { big: 1n } as never })))).not.toThrow();
  });

  it("the engine's failed-reason text is built from the wire error and parses back to it", () => {
    const w = toWireError(new QinferError('ERR_UNKNOWN_MODEL', 'no model: X'));
    const reason = wireToEngineReason(w, 'host-9');
    expect(reason).toBe('ERR_UNKNOWN_MODEL @host-9: no model: X');
    expect(formatEngineError(new QinferError('ERR_UNKNOWN_MODEL', 'no model: X'), 'host-9')).toBe(reason);
    expect(engineReasonToWire(reason)).toMatchObject({ code: 'ERR_UNKNOWN_MODEL', message: 'no model: X', details: { engine: 'host-9' } });
    expect(wireToEngineReason(toWireError(new Error('multi\nline')), 'h')).toBe('ERR_WORKER @h: multi\nline');
    expect(parseEngineError('ERR_WORKER @h: multi\nline').message).toBe('multi\nline');
    expect(engineReasonToWire('job stalled more than allowable limit')).toBeUndefined();
  });
});

describe('model modules: one resolver, one loader, one export convention', () => {
  it('resolves paths against the working directory, keeps file: URLs and package names, refuses other schemes', () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const [a, b, c, d, e] = resolveModelModules(['./test/modules/register.fixture.ts', 'test/modules/register.fixture.ts', pathToFileURL(fixture('register')).href, 'some-models-package', new URL('file:///opt/m.js')], cwd);
    expect(a).toBe(pathToFileURL(fixture('register')).href);
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(d).toBe('some-models-package');
    expect(e).toBe('file:///opt/m.js');
    expect(resolveModelModules(['missing.ts'], cwd)[0]).toBe(pathToFileURL(`${cwd}missing.ts`).href); // a .ts name is a path
    expect(() => resolveModelModules(['https://example.org/m.js'])).toThrow(QinferArgumentError);
    expect(() => resolveModelModules([''])).toThrow(QinferArgumentError);
    expect(() => checkModelModules(resolveModelModules(['./no/such/module.ts']))).toThrow(/model module not found/);
    expect(anyTypeScript([a!, 'pkg'])).toBe(true);
    expect(anyTypeScript(['pkg', 'file:///x/m.js'])).toBe(false);
  });

  it('loadModelModules accepts registerModels, register and a (possibly async) default export, and names a module without one', async () => {
    const reg = await loadModelModules(builtInRegistry(), resolveModelModules(Object.keys(CONVENTIONS).map(fixture)));
    for (const name of Object.values(CONVENTIONS)) expect(reg.hasModel(name)).toBe(true);
    const err = await loadModelModules(builtInRegistry(), resolveModelModules([fixture('noExport')])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QinferArgumentError);
    expect((err as QinferArgumentError).message).toMatch(/exports no registerModels\(registry\), register\(registry\) or default function/);
    expect((err as QinferArgumentError).details['module']).toBe(pathToFileURL(fixture('noExport')).href);
  });

  it('a pool accepts every module an engine accepts: each convention registers in the workers and computes the serial likelihood', async () => {
    const pool = createPool({ engines: 2, modules: Object.keys(CONVENTIONS).map(fixture) });
    try {
      const probe = await pool.probe();
      for (const name of Object.values(CONVENTIONS)) expect(probe.models).toContain(name);
      const x = randomParticles(60, 4), eps = ExpParams.scalar([0.5, 3]);
      for (const name of Object.values(CONVENTIONS)) {
        const model = Object.assign(new SimplePrecessionModel(), { name });
        const L = await new ParallelizedModel(model, pool, { serialThreshold: 0 }).likelihoodAsync([0, 1], x, eps);
        expect(sameBits(L.data, new SimplePrecessionModel().likelihood([0, 1], x, eps).data)).toBe(true);
      }
    } finally {
      await pool.close();
    }
  });

  it('a pool given a module without a registering export fails its tasks with ERR_ARGUMENT naming the module', async () => {
    const pool = createPool({ engines: 1, modules: [fixture('noExport')] });
    try {
      const err = await pool.probe().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QinferArgumentError);
      expect((err as QinferArgumentError).code).toBe('ERR_ARGUMENT');
      expect((err as QinferArgumentError).details['module']).toBe(pathToFileURL(fixture('noExport')).href);
    } finally {
      await pool.close();
    }
  });
});

describe('the sibling-module locator', () => {
  it('finds name.ts next to a TypeScript module, with this process\'s flags and tsx unless they load it already', () => {
    const here = import.meta.url;
    const s = siblingModule('poolHelpers', here);
    expect(s.isTs).toBe(true);
    expect(s.path).toBe(fileURLToPath(new URL('./poolHelpers.ts', here)));
    expect(s.execArgv!.slice(0, ownNodeFlags().length)).toEqual(ownNodeFlags());
    expect(s.execArgv!.some((a) => a.includes('tsx'))).toBe(true);
  });

  it('finds name.js next to a built module: no flags (inherit), unless TypeScript user modules need tsx', () => {
    const built = 'file:///srv/app/node_modules/qinfer-rx/dist/src/gpu/GpuHost.js';
    const s = siblingModule('gpuHostMain', built);
    expect(s).toMatchObject({ isTs: false, path: '/srv/app/node_modules/qinfer-rx/dist/src/gpu/gpuHostMain.js', execArgv: undefined });
    expect(siblingModule('gpuHostMain', built, true).execArgv!.some((a) => a.includes('tsx'))).toBe(true);
    expect(childExecArgv(false)).toBeUndefined();
    expect(workerThreadModule().path).toBe(fileURLToPath(new URL('../src/boundary/workerThread.ts', import.meta.url)));
  });

  it('never passes on the flags that chose this process\'s entry point (-e, -p, --input-type)', () => {
    expect(ownNodeFlags(['--input-type=module', '-e', 'import x from "y"', '--max-old-space-size=4096'])).toEqual(['--max-old-space-size=4096']);
    expect(ownNodeFlags(['--eval', 'code', '--import', 'tsx', '-p', '1+1', '--print=2', '--input-type', 'module'])).toEqual(['--import', 'tsx']);
    expect(ownNodeFlags(['--require', '/x/preflight.cjs', '--expose-gc'])).toEqual(['--require', '/x/preflight.cjs', '--expose-gc']);
  });
});

describe('the worker runtime, in this thread', () => {
  const runtime = createWorkerRuntime({ modules: [], engine: 5 });

  it('runs a cluster trial job from its wire form to its encoded result, equal to runTrial', async () => {
    const reply = await runtime.handle({ kind: 'job', service: 'trials', data: JSON.parse(JSON.stringify(encodeTrialJob(TRIAL))), maxResultBytes: 1 << 20 });
    expect(reply.ok).toBe(true);
    expect(reply.engine).toBe(5);
    const { elapsedTime: _t1, ...remote } = (reply as { value: ReturnType<typeof encodeTrialResult> }).value;
    const { elapsedTime: _t2, ...local } = encodeTrialResult(runTrial(TRIAL, builtInRegistry()));
    expect(remote).toEqual(local);
  });

  it('runs a likelihood chunk job, and answers malformed jobs and unknown models with their codes', async () => {
    const model = new CostlyModel({ k: 2 });
    const x = randomParticles(30, 9), eps = ExpParams.scalar([1, 2]);
    const request = { model, outcomes: Int32Array.of(0, 1), x, nModels: 30, expparams: eps };
    const data = JSON.parse(JSON.stringify(encodeChunkJob(encodeSharedChunkParts(request), x, [10, 20])));
    const ok = await runtime.handle({ kind: 'job', service: 'likelihood', data, maxResultBytes: 1 << 20 });
    expect(ok.ok).toBe(true);
    const bad = await runtime.handle({ kind: 'job', service: 'likelihood', data: { ...data, nM: 11 }, maxResultBytes: 1 << 20 });
    expect(bad).toMatchObject({ ok: false, engine: 5, error: { code: 'ERR_PAYLOAD', base: 'QinferError' } });
    const unknown = await runtime.handle({ kind: 'job', service: 'trials', data: encodeTrialJob({ ...TRIAL, model: { name: 'Nope' } }), maxResultBytes: 1 << 20 });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'ERR_UNKNOWN_MODEL' } });
    const kind = await runtime.handle({ kind: 'nonsense' } as never);
    expect(kind).toMatchObject({ ok: false, error: { code: 'ERR_PAYLOAD' } });
  });

  it('claims a chunk on its board before writing, and skips a chunk the caller cancelled', async () => {
    const model = new SimplePrecessionModel();
    const x = randomParticles(8, 2), eps = ExpParams.scalar([1]);
    const out = sharedFloat64(8), board = new Int32Array(new SharedArrayBuffer(8));
    board[1] = CANCELLED;
    const common = { kind: 'likelihood' as const, model: model.spec(), outcomes: Int32Array.of(0), x, nM: 8, eps: eps.toData(), out, board };
    expect(await runtime.handle({ ...common, start: 0, end: 4, slot: 0 })).toEqual({ ok: true, engine: 5 });
    expect(await runtime.handle({ ...common, start: 4, end: 8, slot: 1 })).toEqual({ ok: true, engine: 5, skipped: true });
    expect(Array.from(board)).toEqual([5, CANCELLED]);
    expect(Array.from(out.subarray(0, 4))).toEqual(Array.from(model.likelihood(0, x.subarray(0, 4), eps).data));
    expect(Array.from(out.subarray(4))).toEqual([0, 0, 0, 0]);
  });
});

const copied = (pool: Pool): number => pool.stats.copiedIn + pool.stats.copiedOut;

describe('a pool given shared views copies nothing in or out', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool({ engines: 2 });
  });
  afterAll(() => pool.close());

  it('likelihood: shared particles and output are used in place; private ones are copied once each way', async () => {
    const model = new CostlyModel({ k: 2 });
    const pm = new ParallelizedModel(model, pool, { serialThreshold: 0 });
    const eps = ExpParams.scalar([0.5, 2, 4]);
    const priv = randomParticles(500, 3);
    const x = sharedFloat64(500);
    x.set(priv);
    const expected = model.likelihood([0, 1], priv, eps).data;
    const before = copied(pool);
    const out = sharedFloat64(2 * 500 * 3 + 7); // longer than needed: the pool uses a view of it, never a copy
    const L = await pm.likelihoodAsync([0, 1], x, eps, { out });
    expect(sameBits(L.data, expected)).toBe(true);
    expect(L.data.buffer).toBe(out.buffer);
    expect(sameBits((await pm.likelihoodAsync([0, 1], x, eps)).data, expected)).toBe(true); // a fresh shared result
    expect(copied(pool) - before).toBe(0);
    const privOut = new Float64Array(expected.length);
    await pm.likelihoodAsync([0, 1], priv, eps, { out: privOut });
    expect(sameBits(privOut, expected)).toBe(true);
    expect(copied(pool) - before).toBe(priv.byteLength + privOut.byteLength);
  });

  it('simulate: shared particles and a shared output are used in place; the outcomes equal the chunked simulation', async () => {
    const model = new SimplePrecessionModel();
    const nM = 400, eps = ExpParams.scalar([1, 2, 3, 4]);
    const x = sharedFloat64(nM);
    x.set(randomParticles(nM, 6));
    const chunks = [{ models: [0, 200] as const, experiments: [0, 4] as const, seed: 11 }, { models: [200, 400] as const, experiments: [0, 4] as const, seed: 12 }];
    const before = copied(pool);
    const out = new Int32Array(new SharedArrayBuffer(4 * 2 * nM * 4));
    await pool.simulateChunks({ model, x, nModels: nM, expparams: eps, repeat: 2 }, chunks, out);
    expect(copied(pool) - before).toBe(0);
    for (const c of chunks) {
      const part = model.simulateExperiment(x.subarray(c.models[0], c.models[1]), eps, new Rng(c.seed), 2).data;
      for (let r = 0; r < 2; r++) {
        for (let j = 0; j < 200; j++) {
          expect(Array.from(out.subarray((r * nM + c.models[0] + j) * 4, (r * nM + c.models[0] + j + 1) * 4))).toEqual(Array.from(part.subarray((r * 200 + j) * 4, (r * 200 + j + 1) * 4)));
        }
      }
    }
    const privOut = new Int32Array(2 * nM * 4);
    await pool.simulateChunks({ model, x, nModels: nM, expparams: eps, repeat: 2 }, chunks, privOut);
    expect(Array.from(privOut)).toEqual(Array.from(out));
    expect(copied(pool) - before).toBe(privOut.byteLength);
  });

  it('runJob runs a cluster job on the pool as an engine does, equal to the runtime in this thread', async () => {
    const value = (await pool.runJob('trials', encodeTrialJob(TRIAL))) as { loss: string; estParams: string };
    const local = encodeTrialResult(runTrial(TRIAL, builtInRegistry()));
    expect(value.loss).toBe(local.loss);
    expect(value.estParams).toBe(local.estParams);
    const err = await pool.runJob('trials', { v: 1, spec: { index: 'zero' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QinferError);
    expect((err as QinferError).code).toBe('ERR_PAYLOAD');
    expect(pool.stats.jobs).toBe(1);
  });
});
