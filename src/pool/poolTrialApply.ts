import { QinferArgumentError } from '../errors/QinferError.js';
import type { TrialApply } from '../perf/TrialSpec.js';
import type { Pool } from './Pool.js';

/**
 * The load-balanced `apply` for `perfTestMultiple` (QInfer's `apply=lbview.apply`): each trial
 * runs wholly inside one worker of `pool` — `runTrial(spec, registry)` with the worker's registry
 * — on whichever worker is free; `perfTestMultiple`'s `concurrency` caps how many are in flight.
 * Use `2 * pool.nEngines`: one trial running and one queued per worker, so that a worker starts
 * its next trial at once instead of idling through the round trip to this thread (~0.3 ms on a
 * 2-vCPU VM; pool:1 with 1000-particle trials gave 1.22× the trials per second of one in
 * flight); more only lengthens the queue. Trials are data (`TrialSpec`) and
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
 * ```
 */
export function poolTrialApply(pool: Pool): TrialApply {
  if (pool === null || typeof pool !== 'object' || typeof pool.runTrial !== 'function') {
    throw new QinferArgumentError('ERR_ARGUMENT', 'poolTrialApply() needs a pool from createPool()');
  }
  return (spec, signal) => pool.runTrial(spec, { signal });
}
