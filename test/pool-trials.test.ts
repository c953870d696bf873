import { fileURLToPath } from 'node:url';
import { lastValueFrom, tap } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QinferError } from '../src/errors/QinferError.js';
import type { PerfTestOptions } from '../src/perf/PerfTestOptions.js';
import { perfTestMultiple } from '../src/perf/perfTestMultiple.js';
import { serialApply } from '../src/perf/serialApply.js';
import { toPerformanceTable } from '../src/perf/toPerformanceTable.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { createPool } from '../src/pool/createPool.js';
import type { Pool } from '../src/pool/Pool.js';
import { poolTrialApply } from '../src/pool/poolTrialApply.js';
import { tableContent } from './helpers/perfFixtures.js';
import { register } from './poolTestModels.js';

const testModels = fileURLToPath(new URL('./poolTestModels.ts', import.meta.url));
const registry = builtInRegistry();
register(registry); // the serial runs know what the workers know

const options = (heuristic = 'ExpSparseHeuristic'): PerfTestOptions => ({
  model: { name: 'CostlyModel', params: { k: 2 } },
  prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
  heuristic: { name: heuristic },
  nParticles: 300,
  nExp: 15,
});

describe('poolTrialApply: load-balanced performance trials', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool({ engines: 2, modules: [testModels] });
  });
  afterAll(() => pool.close());

  it('gives the serial table (elapsed times aside), each trial run wholly in one worker, in completion order', async () => {
    const n = 10;
    const serial = await lastValueFrom(perfTestMultiple(n, options(), { seed: 3, apply: serialApply(registry), registry }).pipe(toPerformanceTable(n)));
    const before = pool.stats;
    const order: number[] = [];
    const pooled = await lastValueFrom(
      perfTestMultiple(n, options(), { seed: 3, apply: poolTrialApply(pool), concurrency: 3 }).pipe(
        tap((t) => order.push(t.index)),
        toPerformanceTable(n),
      ),
    );
    expect(pooled.nValid).toBe(n);
    expect(tableContent(pooled)).toEqual(tableContent(serial));
    expect(pool.stats.trials - before.trials).toBe(n);
    expect(pool.stats.chunks).toBe(before.chunks); // no likelihood was split: trials ran whole
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    expect(Array.from(pooled.elapsedTime).every((s) => s > 0)).toBe(true);
  });

  it('masks the same failed trials with the same errors as the serial run (allowFailures)', async () => {
    const n = 9;
    const serial = await lastValueFrom(perfTestMultiple(n, options('FailingSparse'), { seed: 8, apply: serialApply(registry), registry, allowFailures: true }).pipe(toPerformanceTable(n)));
    const pooled = await lastValueFrom(perfTestMultiple(n, options('FailingSparse'), { seed: 8, apply: poolTrialApply(pool), concurrency: 2, allowFailures: true }).pipe(toPerformanceTable(n)));
    expect(serial.failures.length).toBeGreaterThan(0);
    expect(serial.failures.length).toBeLessThan(n);
    expect(tableContent(pooled)).toEqual(tableContent(serial));
    for (const f of pooled.failures) expect(pool.engineIds()).toContain((f.error as QinferError).details['engine']);
  });

  it('without allowFailures the first failure errors the stream with ERR_TRIAL_FAILED', async () => {
    const err = await lastValueFrom(perfTestMultiple(9, options('FailingSparse'), { seed: 8, apply: poolTrialApply(pool), concurrency: 2 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QinferError);
    expect((err as QinferError).code).toBe('ERR_TRIAL_FAILED');
  });

  it('unsubscribing cancels queued and running trials; the pool stays usable', async () => {
    const ac = new AbortController();
    const big = { ...options(), nParticles: 4000, nExp: 200 };
    // Abort on an event — the first finished trial — while the others are running or queued (never after a delay).
    const onProgress = (p: { completed: number }): void => void (p.completed >= 1 && ac.abort());
    const done = lastValueFrom(perfTestMultiple(6, big, { seed: 1, apply: poolTrialApply(pool), concurrency: 6, signal: ac.signal, onProgress })).catch((e: unknown) => e);
    const err = await done;
    expect((err as QinferError).code).toBe('ERR_ABORTED');
    const after = await lastValueFrom(perfTestMultiple(2, options(), { seed: 2, apply: poolTrialApply(pool), concurrency: 2 }).pipe(toPerformanceTable(2)));
    expect(after.nValid).toBe(2);
  });
});
