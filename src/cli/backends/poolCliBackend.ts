import { availableParallelism } from 'node:os';
import { createPool } from '../../pool/createPool.js';
import { poolTrialApply } from '../../pool/poolTrialApply.js';
import { checkBackendOptions } from './backendOptions.js';
import type { CliBackendFactory } from './CliBackend.js';

/** Most worker threads a CLI pool starts (a typo such as `engines=10000` is refused, not obeyed). */
export const MAX_CLI_ENGINES = 1024;

/**
 * `qinfer-rx perf --backend pool`: trials run load-balanced on a pool of worker threads, each
 * trial wholly inside one worker (`poolTrialApply`), `2 × engines` trials in flight by default:
 * one running and one queued per worker, so that a worker starts its next trial without waiting
 * for the round trip to this thread (pool:1 with 1000-particle trials: 1.22× the trials per
 * second of one in flight, measured on a 2-vCPU VM where a round trip costs ~0.3 ms).
 * Options (`--backend-opt key=value`): `engines=N` (an integer in [1, 1024]; default: all cores),
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
    modules: { kind: 'paths' },
  });
  const pool = createPool({ engines: o.engines ?? availableParallelism(), modules: [...(modules ?? []), ...(o.modules ?? [])] });
  return {
    apply: poolTrialApply(pool),
    concurrency: 2 * pool.nEngines,
    running: pool.nEngines,
    description: `${pool.name}: ${pool.nEngines} worker thread(s), one trial running and one queued per worker`,
    close: () => pool.close(),
  };
};
