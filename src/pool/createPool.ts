import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QinferArgumentError } from '../errors/QinferError.js';
import { Pool } from './Pool.js';

/** Options of {@link createPool}. */
export interface PoolOptions {
  /** Number of worker threads (engines). Default `os.availableParallelism()`. */
  engines?: number;
  /**
   * User model modules every worker loads at start-up, each exporting `register(registry)`:
   * paths (relative to the current directory) or `file:` URLs. Fixed at creation — a task can
   * never make a worker import anything.
   */
  modules?: readonly (string | URL)[];
  /** A name for logs and tables. Default `pool:<engines>`. */
  name?: string;
}

const TS_SOURCE = /\.[cm]?tsx?$/;

function moduleUrl(m: string | URL): string {
  let url: URL;
  if (m instanceof URL) url = m;
  else if (typeof m === 'string' && m.startsWith('file:')) url = new URL(m);
  else if (typeof m === 'string' && m.length > 0) url = pathToFileURL(isAbsolute(m) ? m : resolve(process.cwd(), m));
  else throw new QinferArgumentError('ERR_ARGUMENT', `a model module must be a path or a file: URL, got ${String(m)}`);
  if (url.protocol !== 'file:') throw new QinferArgumentError('ERR_ARGUMENT', `model modules must be local files, got ${url.href}`);
  if (!existsSync(fileURLToPath(url))) throw new QinferArgumentError('ERR_ARGUMENT', `model module not found: ${fileURLToPath(url)}`, { details: { module: url.href } });
  return url.href;
}

/**
 * The worker entry next to this module, with this module's own extension: `poolWorker.ts` when
 * running from sources (tsx, vitest), `poolWorker.js` when built to `dist/`.
 */
function workerEntry(): { url: string; isTs: boolean } {
  const here = import.meta.url;
  const isTs = TS_SOURCE.test(new URL(here).pathname);
  return { url: new URL(`./poolWorker.${isTs ? 'ts' : 'js'}`, here).href, isTs };
}

/**
 * Node flags for the workers. Workers inherit this process's flags; TypeScript sources (the
 * worker entry under tsx/vitest, or `.ts` model modules) additionally need tsx's loader, added as
 * `--import <tsx>` unless this process already runs under tsx.
 */
function workerExecArgv(needsTs: boolean): string[] | undefined {
  if (!needsTs || process.execArgv.some((a) => a.includes('tsx'))) return undefined;
  let loader: string;
  try {
    loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch (e) {
    throw new QinferArgumentError('ERR_ARGUMENT', 'TypeScript workers need the tsx package (npm i -D tsx), or build to JavaScript first', { cause: e });
  }
  return [...process.execArgv, '--import', loader];
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
  if (options.modules !== undefined && !Array.isArray(options.modules)) throw new QinferArgumentError('ERR_ARGUMENT', 'modules must be an array of paths or file: URLs');
  const modules = (options.modules ?? []).map(moduleUrl);
  const entry = workerEntry();
  const execArgv = workerExecArgv(entry.isTs || modules.some((m) => TS_SOURCE.test(new URL(m).pathname)));
  return new Pool({ engines, modules, name: options.name ?? `pool:${engines}`, workerUrl: entry.url, execArgv });
}
