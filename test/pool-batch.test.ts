import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QinferArgumentError, QinferError } from '../src/errors/QinferError.js';
import { perfTestMultiple } from '../src/perf/perfTestMultiple.js';
import { runTrial } from '../src/perf/runTrial.js';
import { trialSpec } from '../src/perf/PerfTestOptions.js';
import type { TrialOutcome } from '../src/perf/TrialFailure.js';
import type { TrialResult, TrialSpec } from '../src/perf/TrialSpec.js';
import { deriveSeed } from '../src/rng/deriveSeed.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { createPool } from '../src/pool/createPool.js';
import type { Pool } from '../src/pool/Pool.js';
import { poolTrialApply } from '../src/pool/poolTrialApply.js';
import { register } from './poolTestModels.js';

const testModels = fileURLToPath(new URL('./poolTestModels.ts', import.meta.url));
const registry = builtInRegistry();
register(registry);

const short = {
  model: { name: 'SimplePrecessionModel' },
  prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
  heuristic: { name: 'ExpSparseHeuristic' },
  nParticles: 100,
  nExp: 10,
};

/** The sizes of the batches `pool.runTrials` was called with, recorded while the pool is in use. */
function recordBatches(pool: Pool): number[] {
  const sizes: number[] = [];
  const inner = pool.runTrials.bind(pool);
  pool.runTrials = (specs, options) => (sizes.push(specs.length), inner(specs, options));
  return sizes;
}

describe('poolTrialApply with batches', () => {
  let pool: Pool;
  let sizes: number[];
  beforeAll(() => {
    pool = createPool({ engines: 2, modules: [testModels] });
    sizes = recordBatches(pool);
  });
  afterAll(() => pool.close());

  it('sends short trials several to a message and gives the serial table, trial for trial', async () => {
    sizes.length = 0;
    const apply = poolTrialApply(pool, { batch: 6, batchMs: 1000 });
    const got = await lastValueFrom(perfTestMultiple(60, short, { apply, concurrency: 30, seed: 9 }).pipe(toArray()));
    const serial = await lastValueFrom(perfTestMultiple(60, short, { seed: 9 }).pipe(toArray()));
    const byIndex = (rs: TrialOutcome[]) => ([...rs] as TrialResult[]).sort((a, b) => a.index - b.index);
    expect(byIndex(got).map((r) => Array.from(r.loss))).toEqual(byIndex(serial).map((r) => Array.from(r.loss)));
    expect(byIndex(got).map((r) => Array.from(r.estParams))).toEqual(byIndex(serial).map((r) => Array.from(r.estParams)));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(60);
    expect(sizes[0]).toBe(1); // the first batches are single trials, until a trial's time is known
    expect(Math.max(...sizes)).toBe(6); // then full batches: these trials take far less than 1000 ms
  });

  it('a failing trial in a batch rejects alone; the others in its batch succeed', async () => {
    const failing = { ...short, heuristic: { name: 'FailingSparse' } };
    const specs = Array.from({ length: 12 }, (_, k) => trialSpec(failing, k, deriveSeed(4, k)));
    const apply = poolTrialApply(pool, { batch: 12, batchMs: 1e6 });
    // Warm the estimate of a trial's time, so the twelve below leave together.
    await apply(specs[0]!, new AbortController().signal).catch(() => undefined);
    sizes.length = 0;
    const settled = await Promise.allSettled(specs.map((s) => apply(s, new AbortController().signal)));
    expect(sizes).toEqual([12]);
    settled.forEach((r, k) => {
      let expected: unknown;
      try {
        expected = runTrial(specs[k]!, registry);
      } catch (e) {
        expected = e;
      }
      if (expected instanceof QinferError) {
        expect(r.status, `trial ${k}`).toBe('rejected');
        const e = (r as PromiseRejectedResult).reason as QinferError;
        expect(e.code).toBe(expected.code);
        expect(e.details['trial']).toBe(specs[k]!.index);
      } else {
        expect(r.status, `trial ${k}`).toBe('fulfilled');
        expect(Array.from((r as PromiseFulfilledResult<TrialResult>).value.loss)).toEqual(Array.from((expected as TrialResult).loss));
      }
    });
    expect(settled.some((r) => r.status === 'rejected')).toBe(true);
    expect(settled.some((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('a trial that kills its worker fails alone with ERR_WORKER_CRASHED: its batch-mates are run again, one per message, and succeed', async () => {
    const apply = poolTrialApply(pool, { batch: 4, batchMs: 1e6 });
    await apply(trialSpec(short, 0, 1), new AbortController().signal);
    const killer: TrialSpec = { ...trialSpec(short, 2, 5), model: { name: 'FaultyModel', params: { mode: 'exit' } }, prior: { name: 'UniformDistribution', params: { ranges: [[-1, -0.5]] } } };
    const specs = [trialSpec(short, 0, 11), trialSpec(short, 1, 12), killer, trialSpec(short, 3, 13)];
    sizes.length = 0;
    const settled = await Promise.allSettled(specs.map((s) => apply(s, new AbortController().signal)));
    expect(sizes[0]).toBe(4);
    expect(sizes.slice(1)).toEqual([1, 1, 1, 1]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(((settled[2] as PromiseRejectedResult).reason as QinferError).code).toBe('ERR_WORKER_CRASHED');
    for (const k of [0, 1, 3]) expect(Array.from((settled[k] as PromiseFulfilledResult<TrialResult>).value.loss)).toEqual(Array.from(runTrial(specs[k]!, registry).loss));
  });

  it('an aborted trial rejects at once with ERR_ABORTED; its batch-mates still finish', async () => {
    const apply = poolTrialApply(pool, { batch: 3, batchMs: 1e6 });
    await apply(trialSpec(short, 0, 1), new AbortController().signal);
    const specs = [0, 1, 2].map((k) => trialSpec({ ...short, nParticles: 2000, nExp: 30 }, k, 20 + k));
    const controllers = specs.map(() => new AbortController());
    sizes.length = 0;
    const calls = specs.map((s, k) => apply(s, controllers[k]!.signal));
    queueMicrotask(() => controllers[1]!.abort()); // after the batch left (the first call queued its flush before this)
    const settled = await Promise.allSettled(calls);
    expect(sizes).toEqual([3]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((settled[1] as PromiseRejectedResult).reason as QinferError).code).toBe('ERR_ABORTED');
  });

  it('aborting every trial of a batch cancels it, and the pool goes on', async () => {
    const apply = poolTrialApply(pool, { batch: 2, batchMs: 1e6 });
    await apply(trialSpec(short, 0, 1), new AbortController().signal);
    const ctl = new AbortController();
    const long = (k: number) => trialSpec({ ...short, nParticles: 20000, nExp: 200 }, k, 30 + k);
    const calls = [apply(long(0), ctl.signal), apply(long(1), ctl.signal)];
    setTimeout(() => ctl.abort(), 20);
    const settled = await Promise.allSettled(calls);
    expect(settled.map((r) => (r as PromiseRejectedResult).reason?.code)).toEqual(['ERR_ABORTED', 'ERR_ABORTED']);
    const after = await apply(trialSpec(short, 5, 6), new AbortController().signal);
    expect(Array.from(after.loss)).toEqual(Array.from(runTrial(trialSpec(short, 5, 6), registry).loss));
  });

  it('refuses a bad batch size or target', () => {
    expect(() => poolTrialApply(pool, { batch: 0 })).toThrow(QinferArgumentError);
    expect(() => poolTrialApply(pool, { batch: 2.5 })).toThrow(QinferArgumentError);
    expect(() => poolTrialApply(pool, { batch: 4, batchMs: 0 })).toThrow(QinferArgumentError);
    expect(() => poolTrialApply(pool, { batch: 4, batchMs: Number.NaN })).toThrow(QinferArgumentError);
  });
});

describe('poolTrialApply with batches, trials that cannot be posted', () => {
  it('a batch that cannot be sent to a worker (ERR_PAYLOAD) is sent again one trial per message: only the bad trial fails', async () => {
    const pool = createPool({ engines: 1 });
    try {
      const apply = poolTrialApply(pool, { batch: 4, batchMs: 1e6 });
      await apply(trialSpec(short, 0, 1), new AbortController().signal);
      const bad = { ...trialSpec(short, 1, 2), model: { name: 'SimplePrecessionModel', params: { f: () => 1 } } } as unknown as TrialSpec;
      const settled = await Promise.allSettled([apply(bad, new AbortController().signal), apply(trialSpec(short, 2, 3), new AbortController().signal)]);
      // The batch could not be sent; alone, the good trial succeeds and the bad one fails.
      expect(settled.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
      expect(((settled[0] as PromiseRejectedResult).reason as QinferError).code).toBe('ERR_PAYLOAD');
      expect(Array.from((settled[1] as PromiseFulfilledResult<TrialResult>).value.loss)).toEqual(Array.from(runTrial(trialSpec(short, 2, 3), registry).loss));
      const after = await apply(trialSpec(short, 3, 4), new AbortController().signal);
      expect(Array.from(after.loss)).toEqual(Array.from(runTrial(trialSpec(short, 3, 4), registry).loss));
    } finally {
      await pool.close();
    }
  });
});
