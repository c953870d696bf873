import { QinferArgumentError } from '../errors/QinferError.js';
import type { CliBackend, CliBackendContext, CliBackendFactory } from './backends/CliBackend.js';
import { serialCliBackend } from './backends/serialCliBackend.js';

export type { CliBackend, CliBackendContext, CliBackendFactory } from './backends/CliBackend.js';
export { serialCliBackend } from './backends/serialCliBackend.js';

/**
 * One `--backend` choice. `load` is called only when the backend is chosen, so heavy modules
 * (worker pools, WebGPU, Redis clients) are imported lazily: `load: async () => (await
 * import('./backends/poolCliBackend.js')).poolCliBackend`. The backends themselves
 * (`src/pool`, `src/gpu`, `src/cluster`) know nothing of the CLI: their adapters live in
 * `src/cli/backends/`.
 */
export interface CliBackendEntry {
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** Imports the backend's module on first use (heavy dependencies load only when chosen). */
  readonly load: () => Promise<CliBackendFactory>;
}

/**
 * The backends the `qinfer-rx` command offers, in `--help` order: one line each, the factory
 * module (in `src/cli/backends/`) imported lazily by `load`.
 *
 * @example
 * ```ts
 * CLI_BACKENDS.map((b) => b.name); // ['serial', …]
 * ```
 */
export const CLI_BACKENDS: readonly CliBackendEntry[] = [
  { name: 'serial', summary: 'one trial at a time on the main thread (default)', load: async () => serialCliBackend },
  { name: 'pool', summary: 'worker threads, each trial wholly in one, short ones in batches (pool:N or --backend-opt engines=N; batch=K, default 8)', load: async () => (await import('./backends/poolCliBackend.js')).poolCliBackend },
  { name: 'gpu', summary: 'trials batched on a WebGPU device (engine=likelihood: GPU likelihoods only; the CPU without an adapter)', load: async () => (await import('./backends/gpuCliBackend.js')).gpuCliBackend },
  { name: 'auto', summary: 'measures serial, pool and GPU for the model and picks per call size', load: async () => (await import('./backends/autoCliBackend.js')).autoCliBackend },
  { name: 'cluster', summary: 'engines on other machines via Redis (redis://HOST:PORT or --backend-opt redis=URL)', load: async () => (await import('./backends/clusterCliBackend.js')).clusterCliBackend },
];

/**
 * Normalises the short forms of `--backend`: `pool:N` is `pool` with `engines=N`, and a Redis URL
 * (`redis://HOST:PORT`, `rediss://…`) is `cluster` with `redis=URL`. Other names pass unchanged.
 *
 * @example
 * ```ts
 * backendShorthand('pool:4', {});             // { name: 'pool', options: { engines: 4 } }
 * backendShorthand('redis://h:6379', {});     // { name: 'cluster', options: { redis: 'redis://h:6379' } }
 * ```
 */
export function backendShorthand(name: string, options: Readonly<Record<string, unknown>>): { name: string; options: Readonly<Record<string, unknown>> } {
  if (/^rediss?:\/\//.test(name)) return { name: 'cluster', options: { ...options, redis: name } };
  const m = /^pool:(.*)$/.exec(name);
  if (m !== null) {
    const n = Number(m[1]);
    if (!Number.isSafeInteger(n) || n < 1) throw new QinferArgumentError('ERR_ARGUMENT', `pool:N needs an integer N >= 1, got '${m[1]}'`);
    return { name: 'pool', options: { ...options, engines: n } };
  }
  return { name, options };
}

/**
 * Resolves a `--backend` name to a started backend: `ERR_ARGUMENT` (listing the choices) for an
 * unknown name.
 *
 * @example
 * ```ts
 * const backend = await resolveCliBackend('serial', { registry, options: {}, log: console.error });
 * try { ... perfTestMultiple(n, options, { apply: backend.apply, concurrency: backend.concurrency }) ... }
 * finally { await backend.close(); }
 * ```
 */
export async function resolveCliBackend(given: string, context: CliBackendContext, entries: readonly CliBackendEntry[] = CLI_BACKENDS): Promise<CliBackend> {
  const { name, options } = backendShorthand(given, context.options);
  const entry = entries.find((e) => e.name === name);
  if (entry === undefined) {
    throw new QinferArgumentError('ERR_ARGUMENT', `unknown backend '${name}' (choose one of: ${entries.map((e) => e.name).join(', ')})`, { details: { backend: name } });
  }
  const factory = await entry.load();
  return factory({ ...context, options });
}
