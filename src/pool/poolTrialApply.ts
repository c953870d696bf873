import { QinferArgumentError } from '../errors/QinferError.js';
import type { TrialApply } from '../perf/TrialSpec.js';
import type { Pool } from './Pool.js';
import { batchedTrialApply } from './trialBatcher.js';

/** Options of {@link poolTrialApply}. */
export interface PoolTrialApplyOptions {
  /**
   * Most trials per message to a worker (an integer in [1, 1024]; default 1, one trial per
   * message). Above 1, short trials travel in batches of about `batchMs` of work each
   * (`batchedTrialApply`): for trials of a few milliseconds the round trip to a worker (~0.3–1 ms
   * on a 2-vCPU VM) is otherwise a large part of their cost.
   */
  readonly batch?: number;
  /** Work per batch aimed at, in ms (default 20); used when `batch` > 1. */
  readonly batchMs?: number;
}

/**
 * The load-balanced `apply` for `perfTestMultiple` (QInfer's `apply=lbview.apply`): each trial
 * runs wholly inside one worker of `pool` — `runTrial(spec, registry)` with the worker's registry
 * — on whichever worker is free; `perfTestMultiple`'s `concurrency` caps how many are in flight.
 * Use `2 * pool.nEngines`: one trial running and one queued per worker, so that a worker starts
 * its next trial sooner instead of idling through the round trip to this thread (~0.3–1 ms on
 * a 2-vCPU VM; pool:1 with 1000-particle trials gave 1.05–1.22× the trials per second of one
 * in flight); more only lengthens the queue. For short trials pass `batch` (below) and a
 * concurrency of about `(2 * pool.nEngines + 1) * batch`. Trials are data (`TrialSpec`) and
 * their seeds derive from `(seed, index)`, so the table equals the serial run's, elapsed times
 * aside. Aborting a trial removes it from the queue or terminates the worker running it (which
 * piscina replaces).
 *
 * @example
 * ```ts
 * import { perfTestMultiple, toPerformanceTable } from 'qinfer-rx';
 * import { createPool, poolTrialApply } from 'qinfer-rx/pool';
 * const pool = createPool();
 * perfTestMultiple(1000, options, { apply: poolTrialApply(pool), concurrency: 2 * pool.nEngines, seed: 1 })
 *   .pipe(toPerformanceTable(1000))
 *   .subscribe({ next: (t) => console.log(t.bayesRisk()), complete: () => pool.close() });
 * // Trials of a few ms, in batches of up to 8 (about 20 ms of work per message):
 * perfTestMultiple(1000, small, { apply: poolTrialApply(pool, { batch: 8 }), concurrency: (2 * pool.nEngines + 1) * 8, seed: 1 });
 * ```
 */
export function poolTrialApply(pool: Pool, options: PoolTrialApplyOptions = {}): TrialApply {
  if (pool === null || typeof pool !== 'object' || typeof pool.runTrial !== 'function') {
    throw new QinferArgumentError('ERR_ARGUMENT', 'poolTrialApply() needs a pool from createPool()');
  }
  const batch = options.batch ?? 1, batchMs = options.batchMs ?? 20;
  if (!Number.isInteger(batch) || batch < 1 || batch > 1024) throw new QinferArgumentError('ERR_ARGUMENT', `poolTrialApply: batch must be an integer in [1, 1024], got ${String(batch)}`);
  if (!(typeof batchMs === 'number' && batchMs > 0 && Number.isFinite(batchMs))) throw new QinferArgumentError('ERR_ARGUMENT', `poolTrialApply: batchMs must be a positive number, got ${String(batchMs)}`);
  if (batch > 1) return batchedTrialApply(pool, batch, batchMs);
  return (spec, signal) => pool.runTrial(spec, { signal });
}
