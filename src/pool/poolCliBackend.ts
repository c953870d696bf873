import { availableParallelism } from 'node:os';
import type { CliBackendFactory } from '../cli/cliBackends.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { createPool } from './createPool.js';
import { poolTrialApply } from './poolTrialApply.js';

const KNOWN = new Set(['engines', 'modules']);

/**
 * `qinfer-rx perf --backend pool`: trials run load-balanced on a pool of worker threads, each
 * trial wholly inside one worker (`poolTrialApply`), `engines` trials in flight by default.
 * Options (`--backend-opt key=value`): `engines=N` (default: all cores), `modules=["./m.ts"]`
 * (user model modules the workers load; a single path is accepted too).
 *
 * @example
 * ```sh
 * qinfer-rx perf --backend pool --backend-opt engines=8 --trials 1000
 * ```
 */
export const poolCliBackend: CliBackendFactory = async ({ options }) => {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new QinferArgumentError('ERR_ARGUMENT', `unknown pool option '${key}' (known: ${[...KNOWN].join(', ')})`);
  }
  const engines = options['engines'] ?? availableParallelism();
  if (typeof engines !== 'number' || !Number.isSafeInteger(engines) || engines < 1) {
    throw new QinferArgumentError('ERR_ARGUMENT', `pool option engines must be an integer >= 1, got ${JSON.stringify(engines)}`);
  }
  const m = options['modules'] ?? [];
  const modules = typeof m === 'string' ? [m] : m;
  if (!Array.isArray(modules) || !modules.every((p) => typeof p === 'string')) {
    throw new QinferArgumentError('ERR_ARGUMENT', 'pool option modules must be a path or a JSON array of paths');
  }
  const pool = createPool({ engines, modules });
  return {
    apply: poolTrialApply(pool),
    concurrency: pool.nEngines,
    description: `${pool.name}: ${pool.nEngines} worker thread(s), one trial per worker`,
    close: () => pool.close(),
  };
};
