import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { Registry } from '../registry/Registry.js';

/** What a model module exports: a function that registers its models on a registry. */
export type RegisterModels = (registry: Registry) => unknown;

/**
 * Resolves module names given to an engine at start-up (`--models ./my-models.js`): paths
 * (starting with `.`, `/` or a drive) become absolute `file:` URLs against `cwd`; package names
 * stay as they are. Only the operator who starts an engine chooses these, never a job.
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
    if (s.startsWith('.') || isAbsolute(s)) return pathToFileURL(isAbsolute(s) ? s : resolve(cwd, s)).href;
    return s;
  });
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
      mod = (await import(m)) as Record<string, unknown>;
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
