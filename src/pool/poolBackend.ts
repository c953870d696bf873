import type { EngineView } from '../backends/EngineView.js';
import type { LikelihoodBackend } from '../backends/LikelihoodBackend.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { checkSerialThreshold, likelihoodOnView } from './likelihoodOnView.js';
import { sharedFloat64 } from './SharedBufferPool.js';

/** Options of {@link poolBackend}. */
export interface PoolBackendOptions {
  /**
   * At or below this many particles the likelihood runs on this thread. Default
   * {@link POOL_SERIAL_THRESHOLD} (20 000), from the crossover measured by `bench/pool.ts`.
   */
  serialThreshold?: number;
  /** Close the pool when the backend is closed (for a backend that owns its pool). Default false. */
  closePool?: boolean;
}

/** Default particle count at or below which {@link poolBackend} computes on the calling thread. */
export const POOL_SERIAL_THRESHOLD = 20_000;

/**
 * A {@link LikelihoodBackend} on a worker pool (or any {@link EngineView}): what the
 * `parallel(backend)` operator schedules the likelihood stage on. Each call splits the particles
 * into numpy-`array_split` chunks, one per engine, computed in place in shared memory and joined
 * by index, so
 *
 *   backend.likelihood(req) ≡ req.model.likelihood(req.outcomes, req.x, req.expparams)  (bit for bit),
 *
 * and at or below `serialThreshold` particles it runs the model on this thread. Calls may overlap
 * (each has its own buffers); aborting one cancels its queued chunks. `close()` closes the pool
 * only with `closePool: true` — by default the pool belongs to whoever created it.
 *
 * Choosing `serialThreshold`: a pool call costs ~0.1–0.3 ms more than a serial one (thread
 * wake-ups; `bench/pool.ts`, 2-core VM), so the pool only wins once a call carries more work
 * than that: measured there from ~1e4–3e4 particles for a model costing ~50 ns per particle and
 * experiment (CostlyModel k = 8) and ~1e5 for SimplePrecessionModel (~7 ns); below 1e4 it never
 * won, losing up to 100×. Hence the default of 20 000 rather than QInfer's `10 × nEngines`
 * (which {@link ParallelizedModel} keeps for conformance). Set it near your model's crossover
 * (the benchmark prints it); results are identical either way.
 *
 * Its `allocate` is `sharedFloat64`: an updater created with `{ allocate: backend.allocate }`
 * (as `runTrialOn` creates its trials' updaters) keeps particles and likelihood buffer in shared
 * memory, and a call copies nothing in or out (`bench/pool.ts` measures the saving).
 *
 * @example
 * ```ts
 * import { parallel } from 'qinfer-rx';
 * import { createPool, poolBackend } from 'qinfer-rx/pool';
 * const pool = createPool({ engines: 4 });
 * data$.pipe(parallel(poolBackend(pool)), update(), resample()).subscribe({ complete: () => pool.close() });
 * ```
 */
export function poolBackend(view: EngineView, options: PoolBackendOptions = {}): LikelihoodBackend {
  if (view === null || typeof view !== 'object' || typeof view.likelihoodChunks !== 'function') {
    throw new QinferArgumentError('ERR_ARGUMENT', 'poolBackend() needs a pool (an EngineView)');
  }
  const serialThreshold = checkSerialThreshold(options.serialThreshold ?? POOL_SERIAL_THRESHOLD, view.nEngines);
  return {
    name: view.name,
    allocate: sharedFloat64,
    likelihood: (request, callOptions = {}) => likelihoodOnView(view, request, { ...callOptions, serialThreshold }),
    close: () => (options.closePool === true ? view.close() : Promise.resolve()),
  };
}
