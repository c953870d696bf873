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
   * Node flags for a worker thread or child process running it (see {@link childExecArgv}):
   * `undefined` when no TypeScript is involved — a worker thread then inherits this thread's
   * flags the way Node does, and a child process starts with none.
   */
  readonly execArgv: string[] | undefined;
}

/** Flags that choose what the process runs (`-e CODE`, `--input-type=module`, …): never passed on. */
const ENTRY_FLAG = /^(-e|--eval|-p|--print|--input-type)(=.*)?$/;

/**
 * This process's Node flags without those that choose its entry point (`-e`/`--eval`,
 * `-p`/`--print` with their code, `--input-type`): what a child running a file can be given.
 *
 * @example
 * ```ts
 * // under `node --input-type=module -e "…" --max-old-space-size=4096`
 * ownNodeFlags(); // ['--max-old-space-size=4096']
 * ```
 */
export function ownNodeFlags(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    const m = ENTRY_FLAG.exec(a);
    if (m === null) out.push(a);
    else if (m[2] === undefined && i + 1 < execArgv.length) i++; // the flag's value follows it
  }
  return out;
}

/**
 * Node flags for a worker thread or child process that must load TypeScript (`needsTs`): this
 * process's own flags ({@link ownNodeFlags}), plus `--import <tsx>` unless they already load tsx
 * (a checkout started through `bin/qinfer-rx.js` registers tsx in its main thread only, and
 * vitest not at all). `undefined` when no TypeScript is needed. Throws `ERR_ARGUMENT` when tsx
 * is needed and not installed.
 *
 * @example
 * ```ts
 * new Worker(file, { execArgv: childExecArgv(file.endsWith('.ts')) });
 * ```
 */
export function childExecArgv(needsTs: boolean): string[] | undefined {
  if (!needsTs) return undefined;
  const own = ownNodeFlags();
  if (own.some((a) => a.includes('tsx'))) return own;
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
 * fork(host.path, [], { execArgv: host.execArgv ?? [] });
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
