import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chunk, EngineView, SimulationChunk } from '../src/backends/EngineView.js';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { CostlyModel } from '../src/models/CostlyModel.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { deriveSeed } from '../src/rng/deriveSeed.js';
import { Rng } from '../src/rng/Rng.js';
import { arraySplit } from '../src/pool/arraySplit.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { createPool } from '../src/pool/createPool.js';
import { ParallelizedModel } from '../src/pool/ParallelizedModel.js';
import type { Pool } from '../src/pool/Pool.js';
import { loadFixture } from './helpers/fixtures.js';
import { sameBits } from './poolHelpers.js';

const fx = loadFixture('parallel_directview.json');
const mps: number[][] = fx.produced_by.args.modelparams;
const eps = ExpParams.scalar(fx.produced_by.args.expparams);


/** A view that forwards to the pool and records the chunks it was asked for. */
function recordingView(pool: Pool): EngineView & { likelihoodCalls: Chunk[][]; simulateCalls: SimulationChunk[][] } {
  const likelihoodCalls: Chunk[][] = [], simulateCalls: SimulationChunk[][] = [];
  return {
    name: 'recording',
    nEngines: pool.nEngines,
    likelihoodCalls,
    simulateCalls,
    likelihoodChunks: (req, chunks, out, o) => (likelihoodCalls.push([...chunks]), pool.likelihoodChunks(req, chunks, out, o)),
    simulateChunks: (req, chunks, out, o) => (simulateCalls.push([...chunks]), pool.simulateChunks(req, chunks, out, o)),
    close: () => Promise.resolve(),
  };
}

describe('arraySplit (numpy array_split)', () => {
  it.each(Object.entries(fx.data.array_split_chunk_sizes as Record<string, number[]>))('%s', (key, sizes) => {
    const [n, k] = key.split('_into_').map(Number) as [number, number];
    const chunks = arraySplit(n, k);
    expect(chunks.map(([s, e]) => e - s)).toEqual(sizes);
    chunks.forEach(([s], i) => expect(s).toBe(i === 0 ? 0 : chunks[i - 1]![1])); // contiguous, in order
    expect(chunks.at(-1)![1]).toBe(n);
  });

  it('rejects bad arguments', () => {
    expect(() => arraySplit(-1, 2)).toThrow(QinferArgumentError);
    expect(() => arraySplit(5, 0)).toThrow(QinferArgumentError);
    expect(() => arraySplit(2.5, 2)).toThrow(QinferArgumentError);
  });
});

describe('ParallelizedModel against QInfer (parallel_directview.json, 3 engines)', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool({ engines: fx.data.n_engines });
  });
  afterAll(() => pool.close());

  it('has the default serial threshold 10 × engines', () => {
    expect(new ParallelizedModel(new SimplePrecessionModel(), pool).serialThreshold).toBe(fx.data.default_serial_threshold);
    expect(() => new ParallelizedModel(new SimplePrecessionModel(), pool, { serialThreshold: -1 })).toThrow(QinferArgumentError);
  });

  it('likelihood equals the serial model bit for bit, with QInfer shape and call count', async () => {
    const view = recordingView(pool);
    const pm = new ParallelizedModel(new SimplePrecessionModel(), view, { serialThreshold: 0 });
    const L = await pm.likelihoodAsync([0, 1], mps, eps);
    expect(L.shape).toEqual(fx.data.likelihood_shape);
    expect(sameBits(L.data, new SimplePrecessionModel().likelihood([0, 1], mps, eps).data)).toBe(fx.data.likelihood_equal_to_serial);
    expect(pm.callCount).toBe(fx.data.call_count_parallel_model);
    expect(view.likelihoodCalls).toEqual([arraySplit(10, 3)]);
  });

  it('uses the serial model at or below the threshold and the engines above it', async () => {
    const view = recordingView(pool);
    const pm = new ParallelizedModel(new SimplePrecessionModel(), view);
    const x30 = Float64Array.from({ length: 30 }, (_, j) => 0.01 * (j + 1));
    const x31 = Float64Array.from({ length: 31 }, (_, j) => 0.01 * (j + 1));
    const L30 = await pm.likelihoodAsync(0, x30, eps);
    expect(view.likelihoodCalls).toHaveLength(0);
    const L31 = await pm.likelihoodAsync(0, x31, eps);
    expect(view.likelihoodCalls).toEqual([[[0, 11], [11, 21], [21, 31]]]);
    expect(sameBits(L30.data, new SimplePrecessionModel().likelihood(0, x30, eps).data)).toBe(true);
    expect(sameBits(L31.data, new SimplePrecessionModel().likelihood(0, x31, eps).data)).toBe(true);
    expect(pm.callCount).toBe(30 * 4 + 31 * 4);
  });

  it('handles empty chunks (fewer particles than engines)', async () => {
    const pm = new ParallelizedModel(new SimplePrecessionModel(), pool, { serialThreshold: 0 });
    const L = await pm.likelihoodAsync([1, 0], [[0.3], [0.7]], eps);
    expect(L.shape).toEqual([2, 2, 4]);
    expect(sameBits(L.data, new SimplePrecessionModel().likelihood([1, 0], [[0.3], [0.7]], eps).data)).toBe(true);
  });

  it('the synchronous Model methods run the serial model on this thread', () => {
    const view = recordingView(pool);
    const pm = new ParallelizedModel(new SimplePrecessionModel(), view, { serialThreshold: 0 });
    expect(sameBits(pm.likelihood([0, 1], mps, eps).data, new SimplePrecessionModel().likelihood([0, 1], mps, eps).data)).toBe(true);
    expect(pm.simulateExperiment(mps, eps, new Rng(3), 2).data).toEqual(new SimplePrecessionModel().simulateExperiment(mps, eps, new Rng(3), 2).data);
    expect(view.likelihoodCalls).toHaveLength(0);
    expect(pm.spec()).toEqual(new SimplePrecessionModel().spec());
  });

  // QInfer joins the chunks on axis 0 / 1 and gets wrong shapes or a ValueError; this port joins
  // on the model axis (1) / experiment axis (2) and always gets the serial shape.
  it.each(Object.entries(fx.data.simulate_experiment as Record<string, { serial_shape: number[] }>))('simulateExperiment %s has the serial shape', async (key, c) => {
    const [nM, nE] = [Number(/(\d+)models/.exec(key)![1]), Number(/(\d+)exps/.exec(key)![1])];
    const byModels = key.endsWith('by_models');
    const view = recordingView(pool);
    const pm = new ParallelizedModel(new SimplePrecessionModel(), view, { serialThreshold: 0 });
    const x = Float64Array.from({ length: nM }, (_, j) => 0.1 + 0.1 * j);
    const e = ExpParams.scalar(Array.from({ length: nE }, (_, k) => 1 + k));
    const d = await pm.simulateExperimentAsync(x, e, new Rng(11), 2, { splitByModelparams: byModels });
    expect(d.shape).toEqual(c.serial_shape);
    expect(view.simulateCalls).toHaveLength(1);
    expect(view.simulateCalls[0]!.map((ch) => (byModels ? ch.models : ch.experiments))).toEqual(arraySplit(byModels ? nM : nE, 3));
    expect(pm.simCount).toBe(2 * nM * nE);
  });

  it('simulateExperiment joins particles on axis 1 and experiments on axis 2', async () => {
    // Pr(0 | ω; t) = cos²(ωt/2) is exactly 1 or (numerically) 0 here, so every outcome is known:
    // outcome(j, k) = 1 iff ω_j = π and t_k is odd.
    const omega = Float64Array.from({ length: 7 }, (_, j) => (j % 2 === 0 ? 2 * Math.PI : Math.PI));
    const t = ExpParams.scalar([1, 2, 3, 4, 5, 6, 7, 8]);
    const expected = Int32Array.from({ length: 3 * 7 * 8 }, (_, i) => {
      const j = Math.floor(i / 8) % 7, k = i % 8;
      return j % 2 === 1 && k % 2 === 0 ? 1 : 0;
    });
    const pm = new ParallelizedModel(new SimplePrecessionModel(), pool, { serialThreshold: 0 });
    for (const splitByModelparams of [true, false]) {
      const d = await pm.simulateExperimentAsync(omega, t, new Rng(5), 3, { splitByModelparams });
      expect(d.shape).toEqual([3, 7, 8]);
      expect(Array.from(d.data)).toEqual(Array.from(expected));
    }
  });

  it('each chunk is the serial simulation of that chunk with its derived seed (independent of timing)', async () => {
    const model = new SimplePrecessionModel();
    const pm = new ParallelizedModel(model, pool, { serialThreshold: 0 });
    const x = Float64Array.from({ length: 10 }, (_, j) => 0.3 + 0.2 * j);
    const e = ExpParams.scalar([0.5, 1, 2, 4, 8]);
    for (const splitByModelparams of [true, false]) {
      const d = await pm.simulateExperimentAsync(x, e, new Rng(99), 4, { splitByModelparams });
      const again = await pm.simulateExperimentAsync(x, e, new Rng(99), 4, { splitByModelparams });
      expect(again.data).toEqual(d.data);
      const r = new Rng(99);
      const seed = r.nextUint32() * 2097152 + (r.nextUint32() >>> 11); // the documented seed draw
      arraySplit(splitByModelparams ? 10 : 5, 3).forEach(([s, end], c) => {
        const part = splitByModelparams
          ? model.simulateExperiment(x.subarray(s, end), e, new Rng(deriveSeed(seed, c)), 4)
          : model.simulateExperiment(x, e.slice(s, end), new Rng(deriveSeed(seed, c)), 4);
        for (let rep = 0; rep < 4; rep++) {
          for (let j = 0; j < part.shape[1]!; j++) {
            for (let k = 0; k < part.shape[2]!; k++) {
              const [jj, kk] = splitByModelparams ? [s + j, k] : [j, s + k];
              expect(d.get(rep, jj, kk)).toBe(part.get(rep, j, k));
            }
          }
        }
      });
    }
  });

  it('simulates serially at or below the threshold (nM by particles, nE by experiments), with the caller generator', async () => {
    const view = recordingView(pool);
    const pm = new ParallelizedModel(new SimplePrecessionModel(), view, { serialThreshold: 4 });
    const x = Float64Array.from({ length: 8 }, (_, j) => 0.1 * (j + 1));
    const e4 = ExpParams.scalar([1, 2, 3, 4]);
    const d = await pm.simulateExperimentAsync(x, e4, new Rng(8), 2, { splitByModelparams: false });
    expect(view.simulateCalls).toHaveLength(0);
    expect(d.data).toEqual(new SimplePrecessionModel().simulateExperiment(x, e4, new Rng(8), 2).data);
    await pm.simulateExperimentAsync(x, e4, new Rng(8), 2, { splitByModelparams: true });
    expect(view.simulateCalls).toHaveLength(1);
  });

  it('is bit for bit equal to serial on a costly model at 10 007 particles', async () => {
    const model = new CostlyModel({ k: 5 });
    const pm = new ParallelizedModel(model, pool);
    const x = Float64Array.from({ length: 10_007 }, (_, j) => 0.001 + j * 1e-4);
    const e = ExpParams.scalar([0.3, 1.7, 9.1]);
    const L = await pm.likelihoodAsync([1, 0, 1], x, e);
    expect(sameBits(L.data, model.likelihood([1, 0, 1], x, e).data)).toBe(true);
  });
});

describe('CostlyModel (the benchmark model)', () => {
  it('Pr(0) = (1/k) Σ_m cos²(m ω t / 2); k = 1 is SimplePrecessionModel', () => {
    const x = [[0.3], [1.7]], e = ExpParams.scalar([0.5, 2]);
    expect(new CostlyModel({ k: 1 }).likelihood([0, 1], x, e).data).toEqual(new SimplePrecessionModel().likelihood([0, 1], x, e).data);
    const L = new CostlyModel({ k: 3 }).likelihood([0, 1], x, e);
    const h = (1.7 * 2) / 2;
    const pr0 = (Math.cos(h) ** 2 + Math.cos(2 * h) ** 2 + Math.cos(3 * h) ** 2) / 3;
    expect(L.get(0, 1, 1)).toBeCloseTo(pr0, 14);
    expect(L.get(1, 1, 1)).toBeCloseTo(1 - pr0, 14);
  });

  it('is registered with its parameter k, and validates it', () => {
    const reg = builtInRegistry();
    const m = reg.createModel({ name: 'CostlyModel', params: { k: 5 } });
    expect(m).toBeInstanceOf(CostlyModel);
    expect(m.spec()).toEqual({ name: 'CostlyModel', params: { k: 5 } });
    expect(() => new CostlyModel({ k: 0 })).toThrow(QinferArgumentError);
    expect(() => new CostlyModel({ k: 2.5 })).toThrow(QinferArgumentError);
    expect(Array.from(m.areModelsValid([[0], [0.1], [-1]]))).toEqual([0, 1, 0]);
  });
});
