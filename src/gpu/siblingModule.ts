import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QinferError } from '../errors/QinferError.js';

/**
 * The module `name` next to the module at `metaUrl`, with that module's own extension
 * (`gpuHostMain.ts` when running from sources under tsx/vitest, `.js` when built), and the Node
 * flags a child process needs to run it: `--import <tsx>` for TypeScript sources.
 *
 * @example
 * ```ts
 * const { path, execArgv } = siblingModule('gpuHostMain', import.meta.url);
 * fork(path, [], { execArgv });
 * ```
 */
export function siblingModule(name: string, metaUrl: string): { url: URL; path: string; execArgv: string[] } {
  const isTs = /\.[mc]?ts$/.test(new URL(metaUrl).pathname);
  const url = new URL(`./${name}.${isTs ? 'ts' : 'js'}`, metaUrl);
  if (!isTs) return { url, path: fileURLToPath(url), execArgv: [] };
  let loader: string;
  try {
    loader = pathToFileURL(createRequire(metaUrl).resolve('tsx')).href;
  } catch (e) {
    throw new QinferError('ERR_GPU', 'running the GPU host from TypeScript sources needs the tsx package (npm i -D tsx), or build to JavaScript first', { cause: e });
  }
  return { url, path: fileURLToPath(url), execArgv: ['--import', loader] };
}
