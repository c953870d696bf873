import { checkModelModules, loadModelModules, resolveModelModules } from '../boundary/modelModules.js';
import type { Registry } from '../registry/Registry.js';

/**
 * `--models FILE…`: resolves the user model modules against `cwd`, checks that they exist, and
 * loads them into `registry` (each registers its models through its `register(registry)`
 * export), so that `-m MyModel` names a user model on every backend: this thread's registry
 * knows it, and the backends whose workers rebuild models (pool, auto) get the same modules.
 * Returns the resolved modules (`[]` without `--models`); a module that is missing, fails to
 * load or exports no register function is an `ERR_ARGUMENT` naming it (exit status 2).
 *
 * @example
 * ```ts
 * const modules = await loadUserModels(['./models/damped.ts'], registry, process.cwd());
 * ```
 */
export async function loadUserModels(models: readonly string[] | undefined, registry: Registry, cwd: string): Promise<string[]> {
  if (models === undefined || models.length === 0) return [];
  const modules = resolveModelModules(models, cwd);
  checkModelModules(modules);
  await loadModelModules(registry, modules);
  return modules;
}
