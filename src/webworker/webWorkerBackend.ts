import { startChunkedCall } from '../backends/chunkedCall.js';
import type { LikelihoodBackend, LikelihoodCallOptions, LikelihoodRequest } from '../backends/LikelihoodBackend.js';
import { fromWireError, isQinferWireError } from '../boundary/wireError.js';
import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import { abortError } from '../errors/abortError.js';
import type { WorkerLike, WorkerLikelihoodReply, WorkerLikelihoodTask } from './webWorkerProtocol.js';

/** Options of {@link webWorkerBackend}. */
export interface WebWorkerBackendOptions {
  /** Creates one worker running `serveLikelihood(self)` (e.g. `() => new Worker(url, { type: 'module' })`). */
  readonly createWorker: () => WorkerLike;
  /** Number of workers (default 2; a page may use `navigator.hardwareConcurrency`). */
  readonly workers?: number;
  /** At or below this many particles the likelihood runs on this thread (default 10 × workers, as QInfer's parallelized model). */
  readonly serialThreshold?: number;
}

/** A {@link LikelihoodBackend} on Web Workers; `nEngines` is its number of workers. */
export interface WebWorkerBackend extends LikelihoodBackend {
  readonly nEngines: number;
}

interface Pending {
  readonly resolve: (L: Float64Array) => void;
  readonly reject: (e: Error) => void;
}

/**
 * A likelihood backend on Web Workers, for a browser page (or any host with a `Worker`): the
 * particles of each call are split into one contiguous chunk per worker (numpy's `array_split`:
 * the first `n mod k` chunks one row longer), each worker rebuilds the model by name from its
 * registry and fills its rows of `L[i, j, k]`, and the chunks are joined by index — so the result
 * is `model.likelihood(…)` bit for bit (the same kernel on the same engine). Outcomes and
 * experiments are validated on this thread first. A model error in a worker rejects the call
 * with `ERR_WORKER` (its code in `details.code`), a worker that dies with `ERR_WORKER_CRASHED`
 * (the worker is replaced on the next call); aborting rejects with `ERR_ABORTED`, and calls after
 * `close()` with `ERR_CLOSED`.
 *
 * @example
 * ```ts
 * import { estimate, webWorkerBackend } from 'qinfer-rx';
 * const backend = webWorkerBackend({ workers: 4, createWorker: () => new Worker(new URL('./likelihood.worker.js', import.meta.url), { type: 'module' }) });
 * estimate({ updater, heuristic, nExperiments: 200, trueParams: [0.42], backend }).subscribe({ complete: () => backend.close() });
 * ```
 */
export function webWorkerBackend(options: WebWorkerBackendOptions): WebWorkerBackend {
  const nWorkers = options.workers ?? 2;
  if (!Number.isSafeInteger(nWorkers) || nWorkers < 1) throw new QinferArgumentError('ERR_ARGUMENT', `workers must be an integer >= 1, got ${String(options.workers)}`);
  if (typeof options.createWorker !== 'function') throw new QinferArgumentError('ERR_ARGUMENT', 'webWorkerBackend needs createWorker: () => Worker');
  const serialThreshold = options.serialThreshold ?? 10 * nWorkers;
  if (!Number.isSafeInteger(serialThreshold) || serialThreshold < 0) throw new QinferArgumentError('ERR_ARGUMENT', `serialThreshold must be an integer >= 0, got ${String(options.serialThreshold)}`);

  const workers: (WorkerLike | undefined)[] = new Array(nWorkers).fill(undefined);
  const pending = new Map<number, Pending & { readonly worker: number }>();
  let nextId = 1;
  let closed = false;

  const failWorker = (w: number, error: Error): void => {
    workers[w]?.terminate();
    workers[w] = undefined; // replaced on the next call
    for (const [id, p] of pending) {
      if (p.worker !== w) continue;
      pending.delete(id);
      p.reject(error);
    }
  };

  const worker = (w: number): WorkerLike => {
    let wk = workers[w];
    if (wk !== undefined) return wk;
    wk = options.createWorker();
    workers[w] = wk;
    const self = wk;
    wk.addEventListener('message', (event) => {
      const reply = event.data as WorkerLikelihoodReply;
      if (reply?.kind !== 'qinfer-rx/likelihood') return;
      const p = pending.get(reply.id);
      if (p === undefined) return; // aborted meanwhile
      pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.L);
      else {
        const code = isQinferWireError(reply.error) ? reply.error.code : undefined;
        p.reject(new QinferError('ERR_WORKER', `web worker ${w}: ${reply.error.name}: ${reply.error.message}`, { cause: fromWireError(reply.error), details: { engine: w, ...(code === undefined ? {} : { code }) } }));
      }
    });
    wk.addEventListener('error', (event) => {
      if (workers[w] !== self) return;
      failWorker(w, new QinferError('ERR_WORKER_CRASHED', `web worker ${w} failed: ${event.message ?? 'error event'}`, { details: { engine: w } }));
    });
    return wk;
  };

  const chunk = (w: number, task: Omit<WorkerLikelihoodTask, 'id' | 'kind'>, signal: AbortSignal | undefined): Promise<Float64Array> =>
    new Promise<Float64Array>((resolve, reject) => {
      const id = nextId++;
      const onAbort = (): void => {
        if (pending.delete(id)) reject(abortError(signal!, 'the likelihood call was cancelled'));
      };
      pending.set(id, {
        worker: w,
        resolve: (L) => (signal?.removeEventListener('abort', onAbort), resolve(L)),
        reject: (e) => (signal?.removeEventListener('abort', onAbort), reject(e)),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      const message: WorkerLikelihoodTask = { kind: 'qinfer-rx/likelihood', id, ...task };
      worker(w).postMessage(message, [task.x.buffer as ArrayBuffer]);
    });

  return {
    name: `webworker:${nWorkers}`,
    nEngines: nWorkers,
    async likelihood(req: LikelihoodRequest, call: LikelihoodCallOptions = {}): Promise<Float64Array> {
      if (closed) throw new QinferError('ERR_CLOSED', 'webWorkerBackend used after close()');
      const { model, outcomes, nModels: nM, expparams } = req;
      const { signal } = call;
      const started = startChunkedCall(req, { serialThreshold, out: call.out, signal });
      if (started.done !== undefined) return started.done;
      const { x } = started, nP = model.nModelparams, nO = outcomes.length, nE = expparams.length;
      const L = started.out ?? new Float64Array(started.size);
      const spec = model.spec(), eps = expparams.toData();
      const q = Math.floor(nM / nWorkers), r = nM % nWorkers;
      const parts: Promise<void>[] = [];
      for (let w = 0; w < nWorkers; w++) {
        const start = w * q + Math.min(w, r), end = (w + 1) * q + Math.min(w + 1, r);
        if (end === start) continue;
        const rows = end - start;
        parts.push(
          chunk(w, { model: spec, outcomes: outcomes.slice(), x: x.slice(start * nP, end * nP), rows, eps }, signal).then((part) => {
            for (let i = 0; i < nO; i++) L.set(part.subarray(i * rows * nE, (i + 1) * rows * nE), (i * nM + start) * nE);
          }),
        );
      }
      await Promise.all(parts);
      return L;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      for (let w = 0; w < nWorkers; w++) failWorker(w, new QinferError('ERR_CLOSED', 'webWorkerBackend closed'));
    },
  };
}
