/**
 * Bad input that used to be accepted silently (issue 14): unknown parameter names (item 10),
 * runs that cannot fit in memory (item 11), non-finite true parameters, kernels that leave rows
 * unwritten, a rejected datum left in the data record and a throwing user model (item 12).
 * Each case fails on the code before the fix (named in its title).
 */
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate } from '../operators/estimate.js';
import { serialBackend } from '../src/backends/serialBackend.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { isQinferError, QinferArgumentError, QinferError } from '../src/errors/QinferError.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { ExpSparseHeuristic } from '../src/heuristics/ExpSparseHeuristic.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import type { PerfTestOptions } from '../src/perf/PerfTestOptions.js';
import { perfTestMultiple } from '../src/perf/perfTestMultiple.js';
import { runTrial } from '../src/perf/runTrial.js';
import { serialApply } from '../src/perf/serialApply.js';
import type { TrialSpec } from '../src/perf/TrialSpec.js';
import { createPool } from '../src/pool/createPool.js';
import type { Pool } from '../src/pool/Pool.js';
import { ParallelizedModel } from '../src/pool/ParallelizedModel.js';
import { poolBackend } from '../src/pool/poolBackend.js';
import { poolTrialApply } from '../src/pool/poolTrialApply.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Registry, type RegistryKind } from '../src/registry/Registry.js';
import { Rng } from '../src/rng/Rng.js';
import { SimulatedSystem } from '../src/smc/SimulatedSystem.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { DEFAULT_MEMORY_LIMIT } from '../src/util/memoryBudget.js';
import { HalfKernelModel, register as registerFaulty, TypeErrorModel } from './faultyKernels.fixture.js';

const faultyModule = fileURLToPath(new URL('./faultyKernels.fixture.ts', import.meta.url));

/** What `f` throws (fails the test when it does not throw). */
function thrown(f: () => unknown): QinferError {
  try {
    f();
  } catch (e) {
    return e as QinferError;
  }
  throw new Error('expected a throw');
}

async function rejection(p: Promise<unknown>): Promise<QinferError> {
  try {
    await p;
  } catch (e) {
    return e as QinferError;
  }
  throw new Error('expected a rejection');
}

const precession = (n = 200): SMCUpdater => new SMCUpdater(new SimplePrecessionModel(), n, new UniformDistribution([0, 1]), { rng: 3 });

describe('item 10: unknown parameter names are refused, naming the known ones (before: ignored)', () => {
  const reg = builtInRegistry();
  const kinds: [RegistryKind, 'models' | 'distributions' | 'heuristics'][] = [['model', 'models'], ['distribution', 'distributions'], ['heuristic', 'heuristics']];

  it('every built-in registration declares its parameter names', () => {
    for (const [kind, key] of kinds) {
      for (const name of reg.names()[key]) expect(reg.paramNames(kind, name), `${kind} ${name}`).toBeDefined();
    }
  });

  it.each(reg.names().models)('model %s: an unknown parameter is ERR_UNKNOWN_PARAM listing the declared ones', (name) => {
    const e = thrown(() => reg.createModel({ name, params: { zzNotAParam: 1 } }));
    expect(e).toBeInstanceOf(QinferArgumentError);
    expect(e.code).toBe('ERR_UNKNOWN_PARAM');
    expect(e.details['param']).toBe('zzNotAParam');
    expect(e.details['known']).toEqual(reg.paramNames('model', name));
    for (const k of reg.paramNames('model', name)!) expect(e.message).toContain(k);
  });

  it.each(reg.names().distributions)('distribution %s: an unknown parameter is ERR_UNKNOWN_PARAM', (name) => {
    const e = thrown(() => reg.createDistribution({ name, params: { zzNotAParam: 1 } }));
    expect(e.code).toBe('ERR_UNKNOWN_PARAM');
    expect(e.details['known']).toEqual(reg.paramNames('distribution', name));
  });

  it.each(reg.names().heuristics)('heuristic %s: an unknown parameter is ERR_UNKNOWN_PARAM', (name) => {
    const e = thrown(() => reg.createHeuristic({ name, params: { zzNotAParam: 1 } }, precession(), new Rng(1)));
    expect(e.code).toBe('ERR_UNKNOWN_PARAM');
    expect(e.details['known']).toEqual(reg.paramNames('heuristic', name));
  });

  it("a typo names the parameter meant: --param minfreq=0.5 → did you mean 'minFreq'", () => {
    const e = thrown(() => reg.createModel({ name: 'SimplePrecessionModel', params: { minfreq: 0.5 } }));
    expect(e.code).toBe('ERR_UNKNOWN_PARAM');
    expect(e.details['meant']).toBe('minFreq');
    expect(e.message).toMatch(/unknown parameter 'minfreq' of model SimplePrecessionModel \(known: minFreq; did you mean 'minFreq'\?\)/);
    expect(thrown(() => reg.createModel({ name: 'NDieModel', params: { treshold: 1e-3 } })).details['meant']).toBe('threshold');
  });

  it('the declarations cover what the models describe themselves with: createModel(model.spec()) accepts every key', () => {
    const specs = [
      { name: 'SimplePrecessionModel', params: { minFreq: 0.1 } },
      { name: 'NDieModel', params: { n: 3, threshold: 1e-3 } },
      { name: 'CostlyModel', params: { k: 3 } },
      { name: 'RandomizedBenchmarkingModel', params: { interleaved: true } },
      { name: 'BinomialModel', params: { underlyingModel: { name: 'SimplePrecessionModel' } } },
      { name: 'RandomWalkModel', params: { underlyingModel: { name: 'CoinModel' }, stepDistribution: { name: 'UniformDistribution', params: { ranges: [[-0.1, 0.1]] } } } },
      { name: 'GaussianHyperparameterizedModel', params: { underlyingModel: { name: 'SimplePrecessionModel' }, range: [-1, 1], nBins: 4 } },
      { name: 'PoissonCountModel', params: { underlyingModel: { name: 'SimplePrecessionModel' }, references: true } },
      { name: 'PoisonedModel', params: { underlyingModel: { name: 'SimplePrecessionModel' }, tol: 0.1, seed: 3 } },
      { name: 'GaussianRandomWalkModel', params: { underlyingModel: { name: 'SimplePrecessionModel' }, fixedCovariance: [0.01] } },
      ...['UnknownT2Model', 'MultiCosModel', 'CoinModel', 'NoisyCoinModel', 'SimpleInversionModel'].map((name) => ({ name })),
    ];
    for (const s of specs) {
      const m = reg.createModel(s);
      const spec = JSON.parse(JSON.stringify(m.spec()));
      for (const k of Object.keys(spec.params ?? {})) expect(reg.paramNames('model', m.name), `${m.name}.${k}`).toContain(k);
      expect(reg.createModel(spec).spec()).toEqual(m.spec());
    }
    for (const d of [new UniformDistribution([0, 1])]) expect(reg.createDistribution(d.spec!()).spec!()).toEqual(d.spec!());
  });

  it('parts built through the registry are checked too: a typo inside underlyingModel', () => {
    const e = thrown(() => reg.createModel({ name: 'BinomialModel', params: { underlyingModel: { name: 'SimplePrecessionModel', params: { minfreq: 1 } } } }));
    expect(e.code).toBe('ERR_UNKNOWN_PARAM');
    expect(e.details['name']).toBe('SimplePrecessionModel');
  });

  it('perfTestMultiple refuses a heuristic parameter typo when it is created, before any trial runs', () => {
    const options: PerfTestOptions = {
      model: { name: 'SimplePrecessionModel' },
      prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
      heuristic: { name: 'ExpSparseHeuristic', params: { scal: 2 } },
      nParticles: 50,
      nExp: 3,
    };
    const e = thrown(() => perfTestMultiple(2, options));
    expect(e.code).toBe('ERR_UNKNOWN_PARAM');
    expect(e.details['meant']).toBe('scale');
  });

  it('params that are not an object are ERR_ARGUMENT; a registration without declared names is not checked', () => {
    expect(thrown(() => reg.createModel({ name: 'CoinModel', params: [1, 2] as unknown as Record<string, unknown> })).code).toBe('ERR_ARGUMENT');
    const own = new Registry().registerModel('Free', (p) => new SimplePrecessionModel({ minFreq: p['anything'] as number }));
    expect(own.createModel({ name: 'Free', params: { anything: 0, other: 1 } }).name).toBe('SimplePrecessionModel');
    expect(own.paramNames('model', 'Free')).toBeUndefined();
  });
});

describe('item 11: memory is estimated before allocating (before: OOM after minutes)', () => {
  it('an SMCUpdater of 1e9 particles is ERR_MEMORY at once under the default limit, with the estimate and the limit', () => {
    const e = thrown(() => new SMCUpdater(new SimplePrecessionModel(), 1e9, new UniformDistribution([0, 1])));
    expect(e).toBeInstanceOf(QinferArgumentError);
    expect(e.code).toBe('ERR_MEMORY');
    expect(e.details['limit']).toBe(DEFAULT_MEMORY_LIMIT);
    expect(e.details['estimate']).toBeGreaterThan(DEFAULT_MEMORY_LIMIT);
    expect(e.message).toMatch(/needs about 59\.6 GiB, above the memory limit of 16 GiB/);
  });

  it('the limit is configurable: memoryLimit refuses a cloud above it and accepts one below', () => {
    const limit = 1 << 20;
    const e = thrown(() => new SMCUpdater(new SimplePrecessionModel(), 100_000, new UniformDistribution([0, 1]), { memoryLimit: limit }));
    expect(e.code).toBe('ERR_MEMORY');
    expect(e.details).toMatchObject({ limit, nParticles: 100_000, nModelparams: 1 });
    expect(new SMCUpdater(new SimplePrecessionModel(), 1000, new UniformDistribution([0, 1]), { memoryLimit: limit }).nParticles).toBe(1000);
    expect(thrown(() => new SMCUpdater(new SimplePrecessionModel(), 10, new UniformDistribution([0, 1]), { memoryLimit: 0 })).code).toBe('ERR_ARGUMENT');
  });

  it('design quantities: outcomes × particles × candidate experiments above the limit are refused', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 1000, new UniformDistribution([0, 1]), { memoryLimit: 1 << 20 });
    const many = ExpParams.scalar(Array.from({ length: 1000 }, (_, k) => k + 1));
    expect(thrown(() => up.bayesRisk(many)).code).toBe('ERR_MEMORY');
    expect(thrown(() => up.expectedInformationGain(many)).code).toBe('ERR_MEMORY');
    expect(thrown(() => up.hypotheticalUpdate([0, 1], many)).code).toBe('ERR_MEMORY');
    expect(up.bayesRisk(ExpParams.scalar([1, 2])).length).toBe(2);
  });

  it('NDieModel n = 1e8: a trial is ERR_MEMORY before its prior is built (particles × parameters)', () => {
    const spec: TrialSpec = {
      index: 0, seed: 1, nParticles: 1000, nExp: 5,
      model: { name: 'NDieModel', params: { n: 100_000_000 } },
      prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } }, // never built: the check comes first
      heuristic: { name: 'ExpSparseHeuristic' },
    };
    const e = thrown(() => runTrial(spec, builtInRegistry()));
    expect(e.code).toBe('ERR_MEMORY');
    expect(e.details).toMatchObject({ nModelparams: 100_000_000, nParticles: 1000 });
    // … and a trial's own limit (TrialRunOptions.memoryLimit) applies the same way.
    const small = { ...spec, model: { name: 'SimplePrecessionModel' } };
    expect(thrown(() => runTrial({ ...small, nParticles: 100_000 }, builtInRegistry(), { memoryLimit: 1 << 20 })).code).toBe('ERR_MEMORY');
  });
});

describe('item 12: bad true parameters, unwritten rows, rejected data and throwing models', () => {
  it('estimate({ trueParams: [NaN] }) is ERR_ARGUMENT when it is created (before: outcome 0 every time)', () => {
    for (const bad of [[NaN], [Infinity], [-Infinity]]) {
      const up = precession();
      const e = thrown(() => estimate({ updater: up, heuristic: new ExpSparseHeuristic(up), nExperiments: 3, trueParams: bad }));
      expect(e).toBeInstanceOf(QinferArgumentError);
      expect(e.code).toBe('ERR_ARGUMENT');
      expect(e.details).toMatchObject({ param: 0, model: 'SimplePrecessionModel' });
    }
    expect(thrown(() => SimulatedSystem.fromRoot(new SimplePrecessionModel(), [NaN], new Rng(1))).code).toBe('ERR_ARGUMENT');
    const spec: TrialSpec = {
      index: 0, seed: 1, nParticles: 50, nExp: 2, trueModelparams: [NaN],
      model: { name: 'SimplePrecessionModel' }, prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } }, heuristic: { name: 'ExpSparseHeuristic' },
    };
    expect(thrown(() => runTrial(spec, builtInRegistry())).code).toBe('ERR_ARGUMENT');
  });

  it('a kernel that leaves rows unwritten is ERR_INVALID_LIKELIHOOD naming the model (before: stale or zero values used)', () => {
    const up = new SMCUpdater(new HalfKernelModel(), 100, new UniformDistribution([0, 1]), { rng: 1 });
    const e = thrown(() => up.update(0, ExpParams.scalar([1])));
    expect(e.code).toBe('ERR_INVALID_LIKELIHOOD');
    expect(e.details).toMatchObject({ model: 'HalfKernelModel', particle: 50 });
    expect(e.message).toMatch(/HalfKernelModel.*left the value unwritten/);
    expect(up.dataRecord).toEqual([]);
  });

  it('the same through a likelihood backend writing into a reused buffer (parallel(serialBackend()))', async () => {
    const up = new SMCUpdater(new HalfKernelModel(), 100, new UniformDistribution([0, 1]), { rng: 1 });
    const run = estimate({ updater: up, heuristic: new ExpSparseHeuristic(up), nExperiments: 3, trueParams: [0.5], backend: serialBackend() });
    const e = await rejection(lastValueFrom(run));
    expect(e.code).toBe('ERR_INVALID_LIKELIHOOD');
    expect(e.details['model']).toBe('HalfKernelModel');
  });

  it("ERR_ZERO_WEIGHTS leaves dataRecord and the weights as they were, so ExpSparse's next time is unchanged (before: the datum stayed)", () => {
    // Every particle at ω = 0: Pr(0 | ω = 0; t) = cos²(0) = 1, so outcome 1 has likelihood 0 everywhere.
    const up = new SMCUpdater(new SimplePrecessionModel(), 4, new UniformDistribution([0, 1]), { rng: 1 });
    up.setParticles([[0], [0], [0], [0]], [0.1, 0.2, 0.3, 0.4]);
    const heuristic = new ExpSparseHeuristic(up);
    up.update(0, heuristic.next());
    const record = [...up.dataRecord], weights = Float64Array.from(up.particleWeights), next = heuristic.next().field('value')[0];
    const e = thrown(() => up.update(1, heuristic.next()));
    expect(e.code).toBe('ERR_ZERO_WEIGHTS');
    expect(up.dataRecord).toEqual(record);
    expect(Array.from(up.particleWeights)).toEqual(Array.from(weights));
    expect(heuristic.next().field('value')[0]).toBe(next); // 9/8 · 1, not (9/8)² as with the datum left behind
  });

  it('a user model that throws a TypeError is ERR_MODEL with the TypeError as its cause, serially (before: an untyped TypeError)', () => {
    const up = new SMCUpdater(new TypeErrorModel(), 20, new UniformDistribution([0, 1]), { rng: 1 });
    const e = thrown(() => up.update(0, ExpParams.scalar([1])));
    expect(e).toBeInstanceOf(QinferError);
    expect(e.code).toBe('ERR_MODEL');
    expect(e.details).toMatchObject({ model: 'TypeErrorModel', method: 'likelihood' });
    expect(e.cause).toBeInstanceOf(TypeError);
    expect(up.dataRecord).toEqual([]);
  });

  describe('a throwing user model is the same typed error on every backend', () => {
    let pool: Pool;
    const reg = builtInRegistry();
    registerFaulty(reg);
    const options: PerfTestOptions = {
      model: { name: 'TypeErrorModel', params: { limit: 0.5 } }, // trials whose cloud has a particle above 0.5 throw: all of them
      prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
      heuristic: { name: 'ExpSparseHeuristic' },
      nParticles: 40,
      nExp: 3,
    };
    beforeAll(() => {
      pool = createPool({ engines: 1, modules: [faultyModule] });
    });
    afterAll(() => pool.close());

    it('serial and pool trials fail with ERR_MODEL naming the model; the pool adds the engine', async () => {
      const run = (apply: ReturnType<typeof serialApply>) => lastValueFrom(perfTestMultiple(2, options, { apply, allowFailures: true, seed: 1 }).pipe(toArray()));
      const serial = await run(serialApply(reg));
      const pooled = await run(poolTrialApply(pool));
      for (const outcomes of [serial, pooled]) {
        expect(outcomes).toHaveLength(2);
        for (const o of outcomes) {
          const err = (o as { error: unknown }).error;
          expect(isQinferError(err, 'ERR_MODEL')).toBe(true);
          expect((err as QinferError).details).toMatchObject({ model: 'TypeErrorModel', method: 'likelihood' });
          expect((err as QinferError).message).toMatch(/TypeErrorModel\.likelihood threw: .*undefined/);
        }
      }
      expect(((pooled[0] as { error: QinferError }).error).details['engine']).toBeDefined();
    });

    it('likelihood chunks on the pool: a TypeError is ERR_MODEL naming engine and chunk (before: ERR_WORKER), as serially', async () => {
      const up = new SMCUpdater(new TypeErrorModel(), 400, new UniformDistribution([0, 1]), { rng: 1 });
      const run = estimate({ updater: up, heuristic: new ExpSparseHeuristic(up), nExperiments: 2, trueParams: [0.5], trueModel: new SimplePrecessionModel(), backend: poolBackend(pool, { serialThreshold: 0 }) });
      const e = await rejection(lastValueFrom(run));
      expect(e.code).toBe('ERR_MODEL');
      expect(e.details).toMatchObject({ model: 'TypeErrorModel', method: 'likelihood', chunk: [0, 400] });
      expect(e.details['engine']).toBeGreaterThan(0);
      const direct = await rejection(new ParallelizedModel(new TypeErrorModel(), pool, { serialThreshold: 0 }).likelihoodAsync(0, new Float64Array(10).fill(0.9), ExpParams.scalar([1])));
      expect(direct.code).toBe('ERR_MODEL');
      // … and below the serial threshold (this thread) the same code.
      const small = await rejection(new ParallelizedModel(new TypeErrorModel(), pool).likelihoodAsync(0, new Float64Array(2).fill(0.9), ExpParams.scalar([1])));
      expect(small.code).toBe('ERR_MODEL');
    });

    it('likelihood chunks on the pool: rows a kernel leaves unwritten are ERR_INVALID_LIKELIHOOD (before: a recycled buffer\'s old values)', async () => {
      for (let round = 0; round < 2; round++) {
        // Round 0 fills the pool's recycled buffers with valid values; round 1 must not reuse them.
        const model = round === 0 ? new SimplePrecessionModel() : new HalfKernelModel();
        const up = new SMCUpdater(model, 400, new UniformDistribution([0, 1]), { rng: 1 });
        const run = estimate({ updater: up, heuristic: new ExpSparseHeuristic(up), nExperiments: 2, trueParams: [0.5], backend: poolBackend(pool, { serialThreshold: 0 }) });
        if (round === 0) await lastValueFrom(run);
        else {
          const e = await rejection(lastValueFrom(run));
          expect(e.code).toBe('ERR_INVALID_LIKELIHOOD');
          expect(e.details['model']).toBe('HalfKernelModel');
        }
      }
    });
  });
});
