import { serialBackend } from '../../backends/serialBackend.js';
import { gpuBackend } from '../../gpu/gpuBackend.js';
import { backendTrialApply } from '../../perf/backendTrialApply.js';
import { checkBackendOptions } from './backendOptions.js';
import type { CliBackendFactory } from './CliBackend.js';

/**
 * `qinfer-rx perf --backend gpu`: trials run on this thread (`backendTrialApply`), their
 * likelihoods on the WebGPU device in float32; without an adapter, or when the GPU host fails, a
 * call falls back to the CPU with a warning. Two trials are in flight by default so that the CPU
 * work of one overlaps the device work of the other. It takes no `--backend-opt`.
 *
 * @example
 * ```sh
 * qinfer-rx perf --backend gpu -p 100000 -t 20
 * ```
 */
export const gpuCliBackend: CliBackendFactory = async ({ registry, options, log }) => {
  checkBackendOptions('gpu', options, {});
  const gpu = gpuBackend({ fallback: serialBackend(), onWarning: (w) => log(`gpu: ${w.message}`) });
  const info = await gpu.adapterInfo().catch(() => undefined);
  return {
    apply: backendTrialApply(gpu, registry),
    concurrency: 2,
    description: info === undefined ? 'gpu: no adapter, likelihoods fall back to the CPU' : `gpu: ${info.name}${info.isFallbackAdapter ? ' (software)' : ''}, float32 likelihoods`,
    close: () => gpu.close(),
  };
};
