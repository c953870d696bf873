import { availableParallelism } from 'node:os';
import { anyTypeScript, checkModelModules, resolveModelModules } from '../boundary/modelModules.js';
import { workerThreadModule } from '../boundary/siblingModule.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { Pool } from './Pool.js';

/** Options of {@link createPool}. */
export interface PoolOptions {
  /** Number of worker threads (engines). Default `os.availableParallelism()`. */
  engines?: number;
  /**
   * User model modules every worker loads at start-up, each exporting `registerModels(registry)`,
   * `register(registry)` or a default function of that shape (the convention cluster engines
   * use too): paths (relative to the current directory), `file:` URLs or package names. Fixed at
   * creation — a task can never make a worker import anything.
   */
  modules?: readonly (string | URL)[];
  /** A name for logs and tables. Default `pool:<engines>`. */
  name?: string;
}

/**
 * Starts a pool of `engines` worker threads (piscina), each holding a registry of the built-in
 * models, distributions and heuristics plus the user model modules given here. Validates the
 * options (throwing `QinferArgumentError`), then starts the workers; the first call waits for
 * them to be ready. The caller owns the pool: `await pool.close()` when done.
 *
 * @example
 * ```ts
 * import { createPool, poolBackend } from 'qinfer-rx/pool';
 * const pool = createPool({ engines: 4, modules: ['./my-models.ts'] });
 * const backend = poolBackend(pool);
 * // … parallel(backend) …
 * await pool.close();
 * ```
 */
export function createPool(options: PoolOptions = {}): Pool {
  const engines = options.engines ?? availableParallelism();
  if (!Number.isSafeInteger(engines) || engines < 1) throw new QinferArgumentError('ERR_ARGUMENT', `engines must be an integer >= 1, got ${String(options.engines)}`);
  if (options.modules !== undefined && !Array.isArray(options.modules)) throw new QinferArgumentError('ERR_ARGUMENT', 'modules must be an array of paths, package names or file: URLs');
  const modules = resolveModelModules(options.modules ?? []);
  checkModelModules(modules);
  const entry = workerThreadModule(anyTypeScript(modules));
  return new Pool({ engines, modules, name: options.name ?? `pool:${engines}`, workerUrl: entry.url.href, execArgv: entry.execArgv });
}
