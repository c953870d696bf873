import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ExpParams, Rng, SimplePrecessionModel, UniformDistribution, isQinferError } from '../src/index.js';
import { webWorkerBackend, type WebWorkerBackend } from '../src/webworker/webWorkerBackend.js';
import type { WorkerLike } from '../src/webworker/webWorkerProtocol.js';
import { CRASH_MARKER, CrashingModel, UnregisteredModel } from './helpers/webWorkerModels.js';

const script = new URL('./helpers/nodeLikelihoodWorker.ts', import.meta.url);
// The worker script is TypeScript: on Node 20 tsx's ESM hooks do not reach worker threads, so the
// worker registers tsx's CommonJS hook itself and require()s the script.
const tsxCjs = createRequire(import.meta.url).resolve('tsx/cjs/api');
const boot = `require(${JSON.stringify(tsxCjs)}).register(); require(${JSON.stringify(fileURLToPath(script))});`;
let created = 0;

/** A Node worker thread seen as a Web Worker (the interface webWorkerBackend needs). */
function nodeWorker(): WorkerLike {
  created++;
  const w = new Worker(boot, { eval: true });
  return {
    postMessage: (message, transfer) => w.postMessage(message, transfer),
    addEventListener(type: 'message' | 'error', listener: (event: never) => void) {
      if (type === 'message') w.on('message', (data: unknown) => (listener as (e: { data: unknown }) => void)({ data }));
      else {
        const fail = (message: string): void => (listener as (e: { message: string }) => void)({ message });
        w.on('error', (e: Error) => fail(e.message));
        w.on('exit', (code) => code !== 0 && fail(`exited with code ${code}`));
      }
    },
    terminate: () => void w.terminate(),
  };
}

const backends: WebWorkerBackend[] = [];
function backend(workers: number, serialThreshold?: number): WebWorkerBackend {
  const b = webWorkerBackend({ workers, createWorker: nodeWorker, ...(serialThreshold === undefined ? {} : { serialThreshold }) });
  backends.push(b);
  return b;
}
afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close()));
});

function cloud(nM: number, seed: number): Float64Array {
  return new UniformDistribution([0, 1]).sample(nM, new Rng(seed)).data;
}

describe('webWorkerBackend (worker threads standing in for Web Workers)', () => {
  const model = new SimplePrecessionModel();
  const eps = ExpParams.scalar([0.5, 3, 41.25]);

  it('equals the serial likelihood bit for bit, chunks joined by index (uneven split over 3 workers)', async () => {
    const nM = 1001, x = cloud(nM, 5), outcomes = Int32Array.of(0, 1);
    const serial = model.likelihood(outcomes, x, eps).data;
    const b = backend(3);
    created = 0;
    const L = await b.likelihood({ model, outcomes, x, nModels: nM, expparams: eps });
    expect(created).toBe(3);
    expect(L).toEqual(serial);
    const out = new Float64Array(2 * nM * 3);
    expect(await b.likelihood({ model, outcomes, x, nModels: nM, expparams: eps }, { out })).toBe(out); // written in place
    expect(out).toEqual(serial);
    expect(b.name).toBe('webworker:3');
  });

  it('at or below the serial threshold computes on this thread without starting a worker', async () => {
    created = 0;
    const x = cloud(20, 1);
    const L = await backend(2).likelihood({ model, outcomes: Int32Array.of(0), x, nModels: 20, expparams: eps });
    expect(created).toBe(0);
    expect(L).toEqual(model.likelihood(0, x, eps).data);
  });

  it('validates on this thread first: a bad outcome throws its own error, no worker involved', async () => {
    created = 0;
    const e = await backend(2).likelihood({ model, outcomes: Int32Array.of(5), x: cloud(500, 2), nModels: 500, expparams: eps }).catch((x: unknown) => x);
    expect(isQinferError(e, 'ERR_OUTCOME')).toBe(true);
    expect(created).toBe(0);
  });

  it('a model the workers cannot rebuild fails the call with ERR_WORKER carrying the worker-side code', async () => {
    const e = await backend(2).likelihood({ model: new UnregisteredModel(), outcomes: Int32Array.of(0), x: cloud(500, 3), nModels: 500, expparams: eps }).catch((x: unknown) => x);
    expect(isQinferError(e, 'ERR_WORKER')).toBe(true);
    expect((e as { details: { code: string } }).details.code).toBe('ERR_UNKNOWN_MODEL');
  });

  it('a worker that dies fails its call with ERR_WORKER_CRASHED and is replaced on the next call', async () => {
    const b = backend(2);
    const marked = cloud(500, 4);
    marked[0] = CRASH_MARKER; // in the first chunk only: worker 0 dies, worker 1 answers
    const e = await b.likelihood({ model: new CrashingModel(), outcomes: Int32Array.of(0), x: marked, nModels: 500, expparams: eps }).catch((x: unknown) => x);
    expect(isQinferError(e, 'ERR_WORKER_CRASHED')).toBe(true);
    const x = cloud(500, 6);
    expect(await b.likelihood({ model, outcomes: Int32Array.of(1), x, nModels: 500, expparams: eps })).toEqual(model.likelihood(1, x, eps).data);
  });

  it('aborts with ERR_ABORTED, and refuses calls after close() with ERR_CLOSED', async () => {
    const b = backend(2);
    const ac = new AbortController();
    const call = b.likelihood({ model, outcomes: Int32Array.of(0), x: cloud(5000, 7), nModels: 5000, expparams: eps }, { signal: ac.signal });
    ac.abort();
    expect(isQinferError(await call.catch((x: unknown) => x), 'ERR_ABORTED')).toBe(true);
    await b.close();
    await b.close(); // idempotent
    const e = await b.likelihood({ model, outcomes: Int32Array.of(0), x: cloud(500, 8), nModels: 500, expparams: eps }).catch((x: unknown) => x);
    expect(isQinferError(e, 'ERR_CLOSED')).toBe(true);
  });

  it('rejects bad options at creation', () => {
    expect(() => webWorkerBackend({ workers: 0, createWorker: nodeWorker })).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => webWorkerBackend({ createWorker: undefined as unknown as () => WorkerLike })).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });
});
