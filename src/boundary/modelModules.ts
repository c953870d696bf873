import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { Registry } from '../registry/Registry.js';

/**
 * What a model module exports: a function that registers its models (and, if it likes,
 * distributions and heuristics) on a registry. One convention everywhere — pool workers and
 * cluster engines alike accept it under the name `registerModels`, `register` or as the
 * module's `default` export (the first of these that is a function), and may be async.
 *
 * @example
 * ```ts
 * // my-models.ts
 * export function register(registry: Registry): void {
 *   registry.registerModel('MyModel', (p) => new MyModel(p['t2'] as number));
 * }
 * ```
 */
export type RegisterModels = (registry: Registry) => unknown;

const SCHEME = /^[a-z][a-z0-9+.-]+:/i;
const TS_SOURCE = /\.[cm]?tsx?$/;

/**
 * Resolves the model modules named by the operator who starts a pool or an engine (never by a
 * task or a job): `URL`s and `file:` URLs stay as they are; paths — starting with `.` or `/`,
 * ending in `.ts`, or naming a file that exists under `cwd` — become absolute `file:` URLs
 * against `cwd`; other
 * names are package names, imported as they are. Anything else (`https:`, an empty name) is an
 * `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { resolveModelModules } from 'qinfer-rx/cluster';
 * resolveModelModules(['./models.js', 'my-models-pkg'], '/srv'); // ['file:///srv/models.js', 'my-models-pkg']
 * ```
 */
export function resolveModelModules(specifiers: readonly (string | URL)[], cwd: string = process.cwd()): string[] {
  return specifiers.map((s) => {
    if (s instanceof URL) return checkScheme(s);
    if (typeof s !== 'string' || s.length === 0) throw new QinferArgumentError('ERR_ARGUMENT', `a model module must be a path, a package name or a file: URL, got ${String(s)}`);
    if (SCHEME.test(s) && !isAbsolute(s)) return checkScheme(new URL(s));
    if (isAbsolute(s) || s.startsWith('.') || TS_SOURCE.test(s) || existsSync(resolve(cwd, s))) return pathToFileURL(isAbsolute(s) ? s : resolve(cwd, s)).href;
    return s;
  });
}

function checkScheme(url: URL): string {
  if (url.protocol !== 'file:') throw new QinferArgumentError('ERR_ARGUMENT', `model modules must be local files or packages, got ${url.href}`);
  return url.href;
}

/**
 * Checks resolved module names before any worker starts: every `file:` module must exist
 * (`ERR_ARGUMENT` naming it otherwise). Package names are checked when they are imported.
 *
 * @example
 * ```ts
 * checkModelModules(resolveModelModules(['./no/such/models.ts'])); // throws ERR_ARGUMENT: model module not found: …
 * ```
 */
export function checkModelModules(modules: readonly string[]): void {
  for (const m of modules) {
    if (!m.startsWith('file:')) continue;
    const path = fileURLToPath(m);
    if (!existsSync(path)) throw new QinferArgumentError('ERR_ARGUMENT', `model module not found: ${path}`, { details: { module: m } });
  }
}

/**
 * True when some module is TypeScript source (its workers need tsx's loader).
 *
 * @example
 * ```ts
 * anyTypeScript(['file:///lab/models.ts', 'pkg']); // true
 * ```
 */
export function anyTypeScript(modules: readonly string[]): boolean {
  return modules.some((m) => m.startsWith('file:') && TS_SOURCE.test(new URL(m).pathname));
}

/**
 * Imports one module. TypeScript sources (`file:` URLs ending in .ts/.mts/.cts) are first
 * `require`d through tsx's CommonJS hook: on Node 20 the ESM hooks tsx registers with `--import`
 * do not reach worker threads, where models are loaded, and `require` keeps the module's own
 * imports of qinfer-rx in the same module instances as the worker (which piscina `require`s).
 * Where no CommonJS hook is installed (a thread whose loader is ESM-only, such as vitest's) the
 * `require` fails to parse and `import()` is used instead. A module meant for workers must not
 * use top-level await.
 */
async function importModule(url: string): Promise<unknown> {
  if (!(url.startsWith('file:') && TS_SOURCE.test(new URL(url).pathname))) return import(url);
  const path = fileURLToPath(url);
  try {
    return createRequire(path)(path) as unknown;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof SyntaxError || code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE' || code === 'ERR_UNKNOWN_FILE_EXTENSION') return import(url);
    throw e;
  }
}

/**
 * Imports each resolved model module (see {@link resolveModelModules}) and lets it register
 * on `registry` through its {@link RegisterModels} export. A module that cannot be imported,
 * exports no such function or throws while registering is an `ERR_ARGUMENT` naming it
 * (`details.module`): a pool worker or an engine never runs half-configured.
 *
 * @example
 * ```ts
 * import { builtInRegistry } from 'qinfer-rx';
 * import { loadModelModules, resolveModelModules } from 'qinfer-rx/cluster';
 * const registry = await loadModelModules(builtInRegistry(), resolveModelModules(['./my-models.js']));
 * ```
 */
export async function loadModelModules(registry: Registry, modules: readonly string[]): Promise<Registry> {
  for (const m of modules) {
    let mod: Record<string, unknown>;
    try {
      mod = (await importModule(m)) as Record<string, unknown>;
    } catch (e) {
      throw new QinferArgumentError('ERR_ARGUMENT', `cannot load model module '${m}': ${(e as Error).message}`, { cause: e, details: { module: m } });
    }
    const f = [mod['registerModels'], mod['register'], mod['default']].find((x) => typeof x === 'function') as RegisterModels | undefined;
    if (f === undefined) {
      throw new QinferArgumentError('ERR_ARGUMENT', `model module '${m}' exports no registerModels(registry), register(registry) or default function`, { details: { module: m } });
    }
    try {
      await f(registry);
    } catch (e) {
      throw new QinferArgumentError('ERR_ARGUMENT', `model module '${m}' failed to register: ${(e as Error).message}`, { cause: e, details: { module: m } });
    }
  }
  return registry;
}
