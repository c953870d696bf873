import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { Registry } from '../registry/Registry.js';

/** What a model module exports: a function that registers its models on a registry. */
export type RegisterModels = (registry: Registry) => unknown;

/**
 * Resolves module names given to an engine at start-up (`--models ./my-models.js`): paths
 * (starting with `.` or `/`, or naming a file that exists under `cwd`) become absolute `file:`
 * URLs against `cwd`; package names stay as they are. Only the operator who starts an engine chooses these, never a job.
 *
 * @example
 * ```ts
 * import { resolveModelModules } from 'qinfer-rx/cluster';
 * resolveModelModules(['./models.js', 'my-models-pkg'], '/srv'); // ['file:///srv/models.js', 'my-models-pkg']
 * ```
 */
export function resolveModelModules(specifiers: readonly string[], cwd: string = process.cwd()): string[] {
  return specifiers.map((s) => {
    if (s.startsWith('file:')) return s;
    if (s.startsWith('.') || isAbsolute(s) || existsSync(resolve(cwd, s))) return pathToFileURL(isAbsolute(s) ? s : resolve(cwd, s)).href;
    return s;
  });
}

/**
 * Imports one module. TypeScript sources (`file:` URLs ending in .ts/.mts/.cts) are `require`d
 * through tsx's CommonJS hook: on Node 20 the ESM hooks tsx registers with `--import` do not
 * reach worker threads, where engines load their models. Such a module must not use top-level
 * await.
 */
function importModule(url: string): Promise<unknown> {
  if (url.startsWith('file:') && /\.[cm]?tsx?$/.test(new URL(url).pathname)) {
    const path = fileURLToPath(url);
    return Promise.resolve(createRequire(path)(path) as unknown);
  }
  return import(url) as Promise<unknown>;
}

/**
 * Imports each model module and lets it register its models on `registry`. A module exports
 * `registerModels(registry)`, `register(registry)` or a default function of the same shape;
 * anything else is an `ERR_ARGUMENT` at start-up (an engine never starts half-configured).
 */
export async function loadModelModules(registry: Registry, modules: readonly string[]): Promise<Registry> {
  for (const m of modules) {
    let mod: Record<string, unknown>;
    try {
      mod = (await importModule(m)) as Record<string, unknown>;
    } catch (e) {
      throw new QinferArgumentError('ERR_ARGUMENT', `cannot load model module '${m}': ${(e as Error).message}`, { cause: e });
    }
    const f = [mod['registerModels'], mod['register'], mod['default']].find((x) => typeof x === 'function') as RegisterModels | undefined;
    if (f === undefined) {
      throw new QinferArgumentError('ERR_ARGUMENT', `model module '${m}' exports no registerModels(registry), register(registry) or default function`);
    }
    await f(registry);
  }
  return registry;
}
