import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QinferArgumentError } from '../errors/QinferError.js';

const TS_SOURCE = /\.[cm]?tsx?$/;

/** A module file found next to another one, and the Node flags a thread or child needs to run it. */
export interface SiblingModule {
  readonly url: URL;
  readonly path: string;
  /** True when it is TypeScript source (a checkout run under tsx or vitest). */
  readonly isTs: boolean;
  /**
   * Node flags for a worker thread or child process running it: this process's own flags, plus
   * `--import <tsx>` when TypeScript must be loaded and this process does not already run under
   * tsx's loader (a checkout started through `bin/qinfer-rx.js`, which registers tsx in its main
   * thread only, or vitest).
   */
  readonly execArgv: string[];
}

/**
 * Node flags for a worker thread or child process: this process's flags (which it would inherit
 * anyway), plus tsx's loader when `needsTs` and it is not among them already. Throws
 * `ERR_ARGUMENT` when TypeScript is needed and tsx is not installed.
 *
 * @example
 * ```ts
 * new Worker(file, { execArgv: childExecArgv(file.endsWith('.ts')) });
 * ```
 */
export function childExecArgv(needsTs: boolean): string[] {
  const own = [...process.execArgv];
  if (!needsTs || own.some((a) => a.includes('tsx'))) return own;
  let loader: string;
  try {
    loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch (e) {
    throw new QinferArgumentError('ERR_ARGUMENT', 'running TypeScript sources in worker threads or child processes needs the tsx package (npm i -D tsx), or build to JavaScript first', { cause: e });
  }
  return [...own, '--import', loader];
}

/**
 * The one way qinfer-rx finds a file that runs in another thread or process (a worker entry, the
 * GPU host): module `name` next to the module at `metaUrl`, with that module's own extension —
 * `name.ts` in a checkout run from sources (tsx, vitest), `name.js` in the built package
 * (`dist/…`) — and the flags to run it ({@link childExecArgv}). `alsoTs`: other TypeScript the
 * thread will load (user model modules), which needs tsx even next to a `.js` entry.
 *
 * @example
 * ```ts
 * const host = siblingModule('gpuHostMain', import.meta.url);
 * fork(host.path, [], { execArgv: host.execArgv });
 * ```
 */
export function siblingModule(name: string, metaUrl: string, alsoTs = false): SiblingModule {
  const isTs = TS_SOURCE.test(new URL(metaUrl).pathname);
  const url = new URL(`./${name}.${isTs ? 'ts' : 'js'}`, metaUrl);
  return { url, path: fileURLToPath(url), isTs, execArgv: childExecArgv(isTs || alsoTs) };
}

/**
 * The entry of every worker thread of a pool or a cluster engine (`workerThread.ts` / `.js`
 * next to this module, exporting `handleTask`), with its flags; `alsoTs` as in {@link siblingModule}.
 *
 * @example
 * ```ts
 * const entry = workerThreadModule(anyTypeScript(modules));
 * new Piscina({ filename: entry.url.href, name: 'handleTask', execArgv: entry.execArgv });
 * ```
 */
export function workerThreadModule(alsoTs = false): SiblingModule {
  return siblingModule('workerThread', import.meta.url, alsoTs);
}
