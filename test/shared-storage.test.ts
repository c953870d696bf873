/**
 * Updater storage in shared memory: an SMCUpdater with `allocate: sharedFloat64` keeps its
 * locations, weights, likelihood buffer and resampled clouds in SharedArrayBuffers, computes the
 * same numbers as on the heap, and a pooled likelihood (parallel(poolBackend(pool)), runTrialOn)
 * then copies nothing per datum — counted by the pool (stats.copiedIn / copiedOut).
 */
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate } from '../operators/estimate.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { ExpSparseHeuristic } from '../src/heuristics/ExpSparseHeuristic.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { runTrialOn } from '../src/perf/backendTrialApply.js';
import { runTrial } from '../src/perf/runTrial.js';
import type { TrialSpec } from '../src/perf/TrialSpec.js';
import { createPool } from '../src/pool/createPool.js';
import type { Pool } from '../src/pool/Pool.js';
import { poolBackend } from '../src/pool/poolBackend.js';
import { isShared, sharedFloat64 } from '../src/pool/SharedBufferPool.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';

const model = new SimplePrecessionModel();
const prior = new UniformDistribution([0, 1]);

describe('updater storage in shared memory', () => {
  it('keeps every n-sized array shared through updates, resampling and reset, with the heap’s numbers', () => {
    const t2 = new UnknownT2Model();
    const p2 = new UniformDistribution([[0, 1], [0, 0.1]]);
    for (const [m, pr, exp] of [
      [model, prior, (t: number) => ExpParams.scalar([t])],
      [t2, p2, (t: number) => ExpParams.records(t2.expparamsSchema, [{ t }])],
    ] as const) {
      const heap = new SMCUpdater(m, 400, pr, { rng: 4 });
      const shared = new SMCUpdater(m, 400, pr, { rng: 4, allocate: sharedFloat64 });
      expect(isShared(shared.locations) && isShared(shared.particleWeights) && isShared(shared.likelihoodBuffer())).toBe(true);
      expect(isShared(heap.locations)).toBe(false);
      for (let k = 0; k < 40; k++) {
        const eps = exp((9 / 8) ** k);
        const o = k % 3 === 0 ? 1 : 0;
        heap.update(o, eps);
        shared.update(o, eps);
      }
      expect(shared.resampleCount).toBeGreaterThan(0);
      expect(shared.resampleCount).toBe(heap.resampleCount);
      expect(Array.from(shared.locations)).toEqual(Array.from(heap.locations));
      expect(Array.from(shared.particleWeights)).toEqual(Array.from(heap.particleWeights));
      expect(isShared(shared.locations) && isShared(shared.particleWeights)).toBe(true); // after Liu–West
      shared.reset();
      expect(isShared(shared.locations) && isShared(shared.particleWeights)).toBe(true);
      shared.setParticles(new Float64Array(10 * m.nModelparams).fill(0.5));
      expect(isShared(shared.locations) && isShared(shared.particleWeights)).toBe(true);
    }
  });
});

describe('a pooled likelihood on shared updater storage copies nothing per datum', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool({ engines: 2 });
  });
  afterAll(() => pool.close());

  it('parallel(poolBackend(pool)): heap storage copies particles in and results out; shared storage neither, same posterior', async () => {
    const backend = poolBackend(pool, { serialThreshold: 0 });
    expect(backend.allocate).toBe(sharedFloat64);
    const run = async (allocate?: typeof sharedFloat64) => {
      const updater = new SMCUpdater(model, 3000, prior, { rng: 8, ...(allocate === undefined ? {} : { allocate }) });
      const before = pool.stats;
      const snaps = await lastValueFrom(
        estimate({ updater, heuristic: new ExpSparseHeuristic(updater), nExperiments: 20, trueParams: [0.3], rng: 2, backend }).pipe(toArray()),
      );
      const after = pool.stats;
      return { snaps, copiedIn: after.copiedIn - before.copiedIn, copiedOut: after.copiedOut - before.copiedOut, chunks: after.chunks - before.chunks };
    };
    const heap = await run();
    const shared = await run(sharedFloat64);
    expect(heap.copiedIn).toBe(20 * 3000 * 8); // every datum: n particles in…
    expect(heap.copiedOut).toBe(20 * 3000 * 8); // …and n likelihoods out
    expect(shared.copiedIn).toBe(0);
    expect(shared.copiedOut).toBe(0);
    expect(shared.chunks).toBe(heap.chunks); // the work really ran on the engines, both times
    expect(shared.chunks).toBeGreaterThanOrEqual(40);
    expect(shared.snaps).toEqual(heap.snaps);
  });

  it('runTrialOn(poolBackend) allocates its trial’s updater in shared memory: no copies, runTrial’s records', async () => {
    const spec: TrialSpec = {
      index: 0, seed: 12, model: { name: 'SimplePrecessionModel' }, prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
      heuristic: { name: 'ExpSparseHeuristic' }, nParticles: 2500, nExp: 15,
    };
    const before = pool.stats;
    const r = await runTrialOn(spec, builtInRegistry(), poolBackend(pool, { serialThreshold: 0 }));
    const after = pool.stats;
    expect(after.chunks - before.chunks).toBeGreaterThanOrEqual(30);
    expect(after.copiedIn - before.copiedIn).toBe(0);
    expect(after.copiedOut - before.copiedOut).toBe(0);
    const serial = runTrial(spec, builtInRegistry());
    expect(Array.from(r.loss)).toEqual(Array.from(serial.loss));
    expect(Array.from(r.estParams)).toEqual(Array.from(serial.estParams));
  });
});
