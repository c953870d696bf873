/**
 * The entry point of every worker thread of a pool and of a cluster engine (piscina calls
 * {@link handleTask}; never imported by library code): one {@link createWorkerRuntime} over the
 * model modules the pool was created with (`workerData.modules`, fixed at creation).
 */
import { threadId, workerData } from 'node:worker_threads';
import type { PoolReply, PoolTask } from './threadProtocol.js';
import { createWorkerRuntime } from './workerRuntime.js';

/** What a pool hands every worker at start-up. */
export interface WorkerThreadData {
  /** Resolved model modules (file URLs or package names), each exporting `RegisterModels`. */
  readonly modules: readonly string[];
}

const runtime = createWorkerRuntime({ modules: ((workerData ?? {}) as Partial<WorkerThreadData>).modules ?? [], engine: threadId });

/**
 * Runs one task in this worker and resolves with the reply (never rejects for a failing task).
 *
 * @example
 * ```ts
 * // piscina: new Piscina({ filename: workerThreadModule().url.href, name: 'handleTask' })
 * handleTask({ kind: 'probe' }); // { ok: true, engine: 3, probe: { models: [...], ... } }
 * ```
 */
export function handleTask(task: PoolTask): Promise<PoolReply> {
  return runtime.handle(task);
}
