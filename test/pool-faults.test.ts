import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QinferArgumentError, QinferError } from '../src/errors/QinferError.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { CostlyModel } from '../src/models/CostlyModel.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { createPool } from '../src/pool/createPool.js';
import { ParallelizedModel } from '../src/pool/ParallelizedModel.js';
import type { Pool } from '../src/pool/Pool.js';
import { FaultyModel } from './poolTestModels.js';

const testModels = fileURLToPath(new URL('./poolTestModels.ts', import.meta.url));
const eps = ExpParams.scalar([1, 2]);

/** 40 particles, the ones in `bad` negative (those trigger FaultyModel's fault). */
function particles(bad: number[] = []): Float64Array {
  const x = Float64Array.from({ length: 40 }, (_, j) => 0.1 + j / 40);
  for (const j of bad) x[j] = -1;
  return x;
}

async function rejection(p: Promise<unknown>): Promise<QinferError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(QinferError);
  return e as QinferError;
}

describe('pool faults', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool({ engines: 2, modules: [testModels] });
  });
  afterAll(() => pool.close());

  const faulty = (mode: 'throw' | 'exit' | 'uncaught'): ParallelizedModel => new ParallelizedModel(new FaultyModel(mode), pool, { serialThreshold: 0 });

  it('a likelihood that throws in a worker rejects with ERR_WORKER naming the engine and chunk; the pool stays usable', async () => {
    const e = await rejection(faulty('throw').likelihoodAsync(0, particles([25]), eps));
    expect(e.code).toBe('ERR_WORKER');
    expect(e.details['chunk']).toEqual([20, 40]); // array_split(40, 2): particle 25 is in the second chunk
    expect(pool.engineIds()).toContain(e.details['engine']);
    expect(e.details['causeCode']).toBe('ERR_INVALID_LIKELIHOOD');
    expect((e.cause as QinferError).code).toBe('ERR_INVALID_LIKELIHOOD');
    const L = await faulty('throw').likelihoodAsync(0, particles(), eps);
    expect(Array.from(L.data)).toEqual(new Array(80).fill(0.5));
  });

  it('a model the workers do not know rejects with ERR_WORKER caused by ERR_UNKNOWN_MODEL', async () => {
    class Unregistered extends SimplePrecessionModel {
      override readonly name = 'NotInAnyRegistry';
    }
    const e = await rejection(new ParallelizedModel(new Unregistered(), pool, { serialThreshold: 0 }).likelihoodAsync(0, particles(), eps));
    expect(e.code).toBe('ERR_WORKER');
    expect(e.details['causeCode']).toBe('ERR_UNKNOWN_MODEL');
  });

  it('a model whose params cannot be posted rejects with ERR_PAYLOAD, not as a crash', async () => {
    class Unpostable extends SimplePrecessionModel {
      override get params(): Readonly<Record<string, unknown>> {
        return { f: () => 1 };
      }
    }
    const crashed = pool.stats.crashed;
    const e = await rejection(new ParallelizedModel(new Unpostable(), pool, { serialThreshold: 0 }).likelihoodAsync(0, particles(), eps));
    expect(e.code).toBe('ERR_PAYLOAD');
    expect(pool.stats.crashed).toBe(crashed);
  });

  it('bad input is rejected on this thread with its own typed error, before any engine is asked', async () => {
    const m = new ParallelizedModel(new SimplePrecessionModel(), pool, { serialThreshold: 0 });
    const before = pool.stats.chunks;
    const e = await m.likelihoodAsync(5, particles(), eps).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(QinferArgumentError);
    expect((e as QinferArgumentError).code).toBe('ERR_OUTCOME');
    expect(pool.stats.chunks).toBe(before);
  });

  for (const mode of ['exit', 'uncaught'] as const) {
    it(`a worker that dies (${mode}) fails its task with ERR_WORKER_CRASHED; the engine is replaced and the next call succeeds`, async () => {
      const before = pool.engineIds();
      expect(before).toHaveLength(2);
      const e = await rejection(faulty(mode).likelihoodAsync(0, particles([3]), eps));
      expect(e.code).toBe('ERR_WORKER_CRASHED');
      expect(e.details['chunk']).toEqual([0, 20]);
      expect(before).toContain(e.details['engine']);
      const L = await faulty(mode).likelihoodAsync([0, 1], particles(), eps);
      expect(Array.from(L.data)).toEqual(new Array(160).fill(0.5));
      const after = pool.engineIds();
      expect(after).toHaveLength(2);
      expect(after).not.toContain(e.details['engine']);
      expect(pool.stats.crashed).toBeGreaterThan(0);
    });
  }

  it('an uncaught error a task leaves behind fails that task, never the next one (10 rounds, back to back)', async () => {
    for (let round = 0; round < 10; round++) {
      const bad = faulty('uncaught').likelihoodAsync(0, particles([3]), eps).then(() => undefined, (err: unknown) => err);
      const next = faulty('uncaught').likelihoodAsync(0, particles(), eps); // sent at once, while the first is in flight
      const e = await bad;
      expect(e, `round ${round}`).toBeInstanceOf(QinferError);
      expect((e as QinferError).code).toBe('ERR_WORKER_CRASHED');
      expect(Array.from((await next).data)).toEqual(new Array(80).fill(0.5));
    }
  });

  it('an already-aborted signal rejects with ERR_ABORTED and sends nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    const before = pool.stats;
    const e = await rejection(new ParallelizedModel(new SimplePrecessionModel(), pool, { serialThreshold: 0 }).likelihoodAsync(0, particles(), eps, { signal: ac.signal }));
    expect(e.code).toBe('ERR_ABORTED');
    expect(pool.stats).toEqual(before);
  });
});

describe('pool cancellation and close', () => {
  it('aborting a queued call cancels its chunks: it rejects at once, no engine ever computes them, the other calls complete', async () => {
    const pool = createPool({ engines: 1 });
    try {
      // One engine: call A occupies it (a heavy CostlyModel chunk), B and C queue behind it.
      const heavy = new ParallelizedModel(new CostlyModel({ k: 4000 }), pool, { serialThreshold: 0 });
      const light = new ParallelizedModel(new SimplePrecessionModel(), pool, { serialThreshold: 0 });
      const x = Float64Array.from({ length: 200 }, (_, j) => 0.5 + j / 200);
      const t = ExpParams.scalar([1]);
      await light.likelihoodAsync(0, x, t); // the engine is up
      const order: string[] = [];
      const ac = new AbortController();
      const outB = new Float64Array(new SharedArrayBuffer(8 * 200)).fill(-1);
      const a = heavy.likelihoodAsync(0, x, t).then(() => order.push('A'));
      const b = light.likelihoodAsync(0, x, t, { signal: ac.signal, out: outB }).then(
        () => order.push('B resolved'),
        (e: unknown) => order.push(`B ${(e as QinferError).code}`),
      );
      const c = light.likelihoodAsync(0, x, t).then((L) => {
        order.push('C');
        return L;
      });
      ac.abort();
      const [, , L] = await Promise.all([a, b, c]);
      expect(order).toEqual(['B ERR_ABORTED', 'A', 'C']);
      expect(Array.from(outB)).toEqual(new Array(200).fill(-1)); // B's output never written
      expect(pool.stats.skipped).toBe(1);
      expect(L.data).toEqual(new SimplePrecessionModel().likelihood(0, x, t).data);
    } finally {
      await pool.close();
    }
  });

  it('close() is idempotent, fails the calls in flight with ERR_CLOSED and later calls too', async () => {
    const pool = createPool({ engines: 1 });
    const heavy = new ParallelizedModel(new CostlyModel({ k: 2000 }), pool, { serialThreshold: 0 });
    const x = Float64Array.from({ length: 100 }, (_, j) => 0.5 + j / 100);
    const inFlight = heavy.likelihoodAsync(0, x, ExpParams.scalar([1])).catch((e: unknown) => e);
    const first = pool.close();
    const second = pool.close();
    expect(second).toBe(first);
    await first;
    expect(pool.closed).toBe(true);
    expect(((await inFlight) as QinferError).code).toBe('ERR_CLOSED');
    const later = await rejection(heavy.likelihoodAsync(0, x, ExpParams.scalar([1])));
    expect(later.code).toBe('ERR_CLOSED');
    await pool.close();
  });

  it('rejects bad pool options at creation', () => {
    expect(() => createPool({ engines: 0 })).toThrow(QinferArgumentError);
    expect(() => createPool({ engines: 1.5 })).toThrow(QinferArgumentError);
    expect(() => createPool({ modules: ['./no/such/module.ts'] })).toThrow(QinferArgumentError);
    expect(() => createPool({ modules: ['https://example.org/m.js'] })).toThrow(QinferArgumentError);
  });
});
