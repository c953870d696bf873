import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { CostlyModel } from '../src/models/CostlyModel.js';
import type { Model } from '../src/models/Model.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { createPool } from '../src/pool/createPool.js';
import { ParallelizedModel } from '../src/pool/ParallelizedModel.js';
import type { Pool } from '../src/pool/Pool.js';
import { poolBackend } from '../src/pool/poolBackend.js';
import { isShared, sharedFloat64 } from '../src/pool/SharedBufferPool.js';
import { Rng } from '../src/rng/Rng.js';
import { sameBits, randomParticles } from './poolHelpers.js';
import { SharedProbeModel } from './poolTestModels.js';

const testModels = fileURLToPath(new URL('./poolTestModels.ts', import.meta.url));



describe('pool: shared memory', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool({ engines: 2, modules: [testModels] });
  });
  afterAll(() => pool.close());

  it('workers see the particles and the output as shared memory, whether or not the caller shared them', async () => {
    const pm = new ParallelizedModel(new SharedProbeModel(), pool, { serialThreshold: 0 });
    const eps = ExpParams.scalar([1, 2, 3]);
    const x = Float64Array.from({ length: 50 }, (_, j) => j); // not shared: the pool copies it into shared memory once
    expect(Array.from(new Set((await pm.likelihoodAsync(0, x, eps)).data))).toEqual([0.25]);
    const sx = sharedFloat64(50);
    sx.set(x);
    expect(Array.from(new Set((await pm.likelihoodAsync(0, sx, eps)).data))).toEqual([0.25]);
    // The serial path on this thread, for contrast, sees private arrays.
    expect(new SharedProbeModel().likelihood(0, x, eps).data[0]).toBe(0.75);
  });

  it('writes into a shared `out` in place and returns it; a private `out` receives a copy', async () => {
    const model = new CostlyModel({ k: 3 });
    const pm = new ParallelizedModel(model, pool, { serialThreshold: 0 });
    const x = randomParticles(777, 1), eps = ExpParams.scalar([0.5, 4]);
    const expected = model.likelihood([0, 1], x, eps).data;
    const shared = sharedFloat64(2 * 777 * 2);
    const L1 = await pm.likelihoodAsync([0, 1], x, eps, { out: shared });
    expect(L1.data.buffer).toBe(shared.buffer);
    expect(sameBits(shared, expected)).toBe(true);
    const priv = new Float64Array(2 * 777 * 2 + 5).fill(-1);
    const L2 = await pm.likelihoodAsync([0, 1], x, eps, { out: priv });
    expect(L2.data.buffer).toBe(priv.buffer);
    expect(sameBits(priv.subarray(0, expected.length), expected)).toBe(true);
    expect(Array.from(priv.subarray(expected.length))).toEqual([-1, -1, -1, -1, -1]);
    const fresh = await pm.likelihoodAsync([0, 1], x, eps);
    expect(isShared(fresh.data)).toBe(true); // no copy back from the engines
    await expect(pm.likelihoodAsync([0, 1], x, eps, { out: new Float64Array(3) })).rejects.toBeInstanceOf(QinferArgumentError);
  });
});

describe('pool: EngineView contract', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool({ engines: 2 });
  });
  afterAll(() => pool.close());

  it('rejects chunks outside the particles, and too small outputs, before sending anything', async () => {
    const model = new SimplePrecessionModel();
    const req = { model, outcomes: Int32Array.of(0), x: randomParticles(10, 3), nModels: 10, expparams: ExpParams.scalar([1]) };
    await expect(pool.likelihoodChunks(req, [[0, 11]], sharedFloat64(10))).rejects.toBeInstanceOf(QinferArgumentError);
    await expect(pool.likelihoodChunks(req, [[5, 4]], sharedFloat64(10))).rejects.toBeInstanceOf(QinferArgumentError);
    await expect(pool.likelihoodChunks(req, [[0, 10]], sharedFloat64(9))).rejects.toBeInstanceOf(QinferArgumentError);
    expect(pool.stats.chunks).toBe(0);
    // Chunks may come in any order and any split: rows are filled by index.
    const out = sharedFloat64(10);
    await pool.likelihoodChunks(req, [[7, 10], [0, 3], [3, 7]], out);
    expect(sameBits(out, model.likelihood(0, req.x, req.expparams).data)).toBe(true);
  });
});

describe('pool: concurrency', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool({ engines: 2 });
  });
  afterAll(() => pool.close());

  it('many interleaved calls of different sizes and models on one pool each equal the serial result', async () => {
    const models: Model[] = [new SimplePrecessionModel(), new CostlyModel({ k: 2 }), new CostlyModel({ k: 7 })];
    const sizes = [1, 2, 3, 17, 64, 255, 1000, 4097, 9, 12_345, 31, 500];
    const cases = sizes.flatMap((n, i) =>
      models.map((m, mi) => ({
        model: m,
        x: randomParticles(n, 100 * i + mi),
        eps: ExpParams.scalar(Array.from({ length: 1 + ((i + mi) % 4) }, (_, k) => 0.3 + k * 1.1)),
        outcomes: (i + mi) % 2 === 0 ? [0, 1] : [1],
        threshold: (i + mi) % 3 === 0 ? undefined : 0,
      })),
    );
    const results = await Promise.all(
      cases.map((c) => new ParallelizedModel(c.model, pool, c.threshold === undefined ? {} : { serialThreshold: c.threshold }).likelihoodAsync(c.outcomes, c.x, c.eps)),
    );
    results.forEach((L, i) => {
      const c = cases[i]!;
      expect(sameBits(L.data, c.model.likelihood(c.outcomes, c.x, c.eps).data), `case ${i}`).toBe(true);
    });
    expect(pool.stats.crashed).toBe(0);
  });

  it('concurrent simulations with distinct generators are each reproducible', async () => {
    const pm = new ParallelizedModel(new CostlyModel({ k: 2 }), pool, { serialThreshold: 0 });
    const x = randomParticles(301, 9), eps = ExpParams.scalar([1, 2, 3]);
    const run = (): Promise<Int32Array[]> => Promise.all([1, 2, 3, 4, 5, 6].map(async (s) => (await pm.simulateExperimentAsync(x, eps, new Rng(s), 2, { splitByModelparams: s % 2 === 0 })).data));
    const [a, b] = await Promise.all([run(), run()]);
    expect(b).toEqual(a);
    expect(a[0]).not.toEqual(a[2]);
  });
});

describe('poolBackend', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool({ engines: 2 });
  });
  afterAll(() => pool.close());

  it('computes the request model likelihood on the pool, bit for bit, with the serial threshold', async () => {
    const backend = poolBackend(pool, { serialThreshold: 100 });
    expect(backend.name).toBe('pool:2');
    const model = new CostlyModel({ k: 4 });
    const eps = ExpParams.scalar([2.5]);
    for (const n of [50, 100, 101, 2000]) {
      const x = randomParticles(n, n);
      const before = pool.stats.chunks;
      const L = await backend.likelihood({ model, outcomes: Int32Array.of(0), x, nModels: n, expparams: eps });
      expect(sameBits(L, model.likelihood(0, x, eps).data)).toBe(true);
      expect(pool.stats.chunks - before).toBe(n > 100 ? 2 : 0);
    }
  });

  it('does not close a pool it does not own, closes one it owns; rejects a non-pool', async () => {
    await poolBackend(pool).close();
    expect(pool.closed).toBe(false);
    const own = createPool({ engines: 1 });
    await poolBackend(own, { closePool: true }).close();
    expect(own.closed).toBe(true);
    expect(() => poolBackend({} as Pool)).toThrow(QinferArgumentError);
  });
});
