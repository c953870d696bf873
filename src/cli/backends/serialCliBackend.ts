import { serialApply } from '../../perf/serialApply.js';
import { checkBackendOptions } from './backendOptions.js';
import type { CliBackendFactory } from './CliBackend.js';

/**
 * `--backend serial`: trials run one after another on the main thread (`serialApply`). It takes
 * no `--backend-opt`.
 *
 * @example
 * ```ts
 * const backend = await serialCliBackend({ registry: builtInRegistry(), options: {}, log: console.error });
 * ```
 */
export const serialCliBackend: CliBackendFactory = async ({ registry, options, memoryLimit }) => {
  checkBackendOptions('serial', options, {});
  return {
    apply: serialApply(registry, memoryLimit === undefined ? {} : { memoryLimit }),
    concurrency: 1,
    description: 'serial: trials run one at a time on the main thread',
    close: async () => {},
  };
};
