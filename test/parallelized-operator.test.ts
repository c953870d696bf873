import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimate } from '../operators/estimate.js';
import type { PosteriorSnapshot } from '../operators/posterior.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { ExpSparseHeuristic } from '../src/heuristics/ExpSparseHeuristic.js';
import { CostlyModel } from '../src/models/CostlyModel.js';
import { createPool } from '../src/pool/createPool.js';
import type { Pool } from '../src/pool/Pool.js';
import { poolBackend } from '../src/pool/poolBackend.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';

function run(backend?: ReturnType<typeof poolBackend>): Promise<PosteriorSnapshot[]> {
  const updater = new SMCUpdater(new CostlyModel({ k: 3 }), 3000, new UniformDistribution([0, 1]), { rng: 17 });
  return lastValueFrom(
    estimate({ updater, heuristic: new ExpSparseHeuristic(updater), nExperiments: 40, trueParams: [0.37], rng: 4, snapshot: 'full', ...(backend === undefined ? {} : { backend }) }).pipe(toArray()),
  );
}

describe('parallel(poolBackend(pool)) in an estimation pipeline', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool({ engines: 2 });
  });
  afterAll(() => pool.close());

  it('emits the posterior stream of the serial run, identically', async () => {
    const serial = await run();
    const before = pool.stats.chunks;
    const parallel = await run(poolBackend(pool, { serialThreshold: 0 }));
    expect(pool.stats.chunks - before).toBe(2 * 40); // every likelihood went to both engines
    expect(parallel).toHaveLength(40);
    expect(serial.some((s) => s.resampled)).toBe(true); // the run exercised resampling too
    parallel.forEach((p, i) => {
      const s = serial[i]!;
      expect(p.outcome).toBe(s.outcome);
      expect(p.mean).toEqual(s.mean);
      expect(p.covariance).toEqual(s.covariance);
      expect(p.particles!.weights).toEqual(s.particles!.weights);
      expect(p.particles!.locations).toEqual(s.particles!.locations);
      expect(p.logTotalLikelihood).toBe(s.logTotalLikelihood);
    });
  });

  it('keeps small calls on this thread by default (the measured crossover), with the same stream', async () => {
    const before = pool.stats.chunks;
    const small = await run(poolBackend(pool)); // 3000 particles ≤ POOL_SERIAL_THRESHOLD
    expect(pool.stats.chunks - before).toBe(0);
    expect(small.map((s) => s.mean)).toEqual((await run()).map((s) => s.mean));
  });
});
