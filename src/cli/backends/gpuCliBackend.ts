import { gpuPerfBackend, type GpuPerfEngine } from '../../gpu/batch/gpuPerfBackend.js';
import { checkBackendOptions } from './backendOptions.js';
import type { CliBackendFactory } from './CliBackend.js';

/**
 * `qinfer-rx perf --backend gpu`: the batched GPU engine (`gpuBatchApply`: all trials' clouds
 * resident together, one dispatch per experiment, phase-exact) for models with a GPU kernel;
 * `--backend-opt engine=likelihood` keeps float64 updates on this thread with GPU likelihoods;
 * `--backend-opt engine=resident` keeps each trial's posterior on the device (`GpuUpdater`).
 * The adapter is probed once: without one, one line with the reason and every trial on the CPU
 * (serial). See `gpuPerfBackend`.
 *
 * @example
 * ```sh
 * qinfer-rx perf --backend gpu -p 6000 -t 100 -e 200
 * qinfer-rx perf --backend gpu --backend-opt engine=likelihood -p 100000 -t 20
 * qinfer-rx perf --backend gpu --backend-opt engine=resident -p 100000 -t 4
 * ```
 */
export const gpuCliBackend: CliBackendFactory = async ({ registry, options, log }) => {
  const { engine = 'batch' } = checkBackendOptions('gpu', options, { engine: { kind: 'string', what: "'batch', 'likelihood' or 'resident'" } });
  return gpuPerfBackend(registry, engine as GpuPerfEngine, log);
};
