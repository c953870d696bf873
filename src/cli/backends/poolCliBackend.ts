import { availableParallelism } from 'node:os';
import { createPool } from '../../pool/createPool.js';
import { poolTrialApply } from '../../pool/poolTrialApply.js';
import { checkBackendOptions } from './backendOptions.js';
import type { CliBackendFactory } from './CliBackend.js';

/** Most worker threads a CLI pool starts (a typo such as `engines=10000` is refused, not obeyed). */
export const MAX_CLI_ENGINES = 1024;

/**
 * `qinfer-rx perf --backend pool`: trials run load-balanced on a pool of worker threads, each
 * trial wholly inside one worker (`poolTrialApply`). Short trials travel in batches of about
 * 20 ms of work (`batch`, at most 8 trials by default), and up to two batches are out per worker
 * (one running, one queued), so that a worker starts its next trial without waiting for the
 * round trip to this thread (~0.3–1 ms on a 2-vCPU VM; a 1000-particle trial takes ~3 ms):
 * `(2 × engines + 1) × batch` trials in flight by default.
 * Options (`--backend-opt key=value`): `engines=N` (an integer in [1, 1024]; default: all cores),
 * `batch=K` (most trials per message, an integer in [1, 1024]; default 8; 1: one per message),
 * `modules=["./m.ts"]` (user model modules the workers load; a single path is accepted too) —
 * the modules of the command's `--models` are loaded there as well.
 *
 * @example
 * ```sh
 * qinfer-rx perf --backend pool --backend-opt engines=8 --trials 1000
 * ```
 */
export const poolCliBackend: CliBackendFactory = async ({ options, modules }) => {
  const o = checkBackendOptions('pool', options, {
    engines: { kind: 'integer', min: 1, max: MAX_CLI_ENGINES },
    batch: { kind: 'integer', min: 1, max: 1024 },
    modules: { kind: 'paths' },
  });
  const batch = o.batch ?? 8;
  const pool = createPool({ engines: o.engines ?? availableParallelism(), modules: [...(modules ?? []), ...(o.modules ?? [])] });
  return {
    apply: poolTrialApply(pool, { batch }),
    concurrency: (2 * pool.nEngines + (batch > 1 ? 1 : 0)) * batch,
    running: pool.nEngines,
    description: `${pool.name}: ${pool.nEngines} worker thread(s), ${batch > 1 ? `short trials in batches of up to ${batch}, ` : ''}one batch running and one queued per worker`,
    close: () => pool.close(),
  };
};
