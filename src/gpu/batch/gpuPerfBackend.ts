import { serialBackend } from '../../backends/serialBackend.js';
import { QinferArgumentError } from '../../errors/QinferError.js';
import { backendTrialApply } from '../../perf/backendTrialApply.js';
import { updaterTrialApply } from '../../perf/updaterTrialApply.js';
import { serialApply } from '../../perf/serialApply.js';
import type { TrialApply } from '../../perf/TrialSpec.js';
import type { Registry } from '../../registry/Registry.js';
import { gpuBackend } from '../gpuBackend.js';
import { GpuHost } from '../GpuHost.js';
import { GpuUpdater } from '../GpuUpdater.js';
import { GPU_DOCS_URL, GpuUnavailableError } from '../GpuUnavailableError.js';
import { gpuBatchApply } from './gpuBatchApply.js';

/** What `perf --backend gpu` runs on: the CLI backend's fields. */
export interface GpuPerfBackend {
  readonly apply: TrialApply;
  readonly concurrency: number;
  readonly description: string;
  close(): Promise<void>;
}

/** The engines of `--backend gpu` (`--backend-opt engine=…`). */
export type GpuPerfEngine = 'batch' | 'likelihood' | 'resident';

const ENGINES: readonly GpuPerfEngine[] = ['batch', 'likelihood', 'resident'];

/**
 * The trials of `qinfer-rx perf --backend gpu`, chosen once at start:
 *
 * - no WebGPU adapter: one line with the reason, and every trial runs on this thread
 *   (`serialApply`) — the adapter is probed once, never per call;
 * - `engine=batch` (default): the batched engine (`gpuBatchApply`) for every model with a GPU
 *   kernel — K trials per dispatch; trials it cannot run (another model, a heuristic that reads
 *   the posterior, …) get float64 updates on this thread with GPU likelihoods, two at a time;
 * - `engine=likelihood`: float64 updates on this thread, phase-exact float32 likelihoods on the
 *   device (`backendTrialApply(gpuBackend)`), two trials in flight;
 * - `engine=resident`: each trial's posterior resident on the device (`GpuUpdater` through
 *   `updaterTrialApply`: the updater contract's device host), one trial at a time — the same
 *   step `estimate --updater gpu` runs. A trial the resident updater refuses (PGH, a model
 *   without a GPU kernel) fails with that updater's typed error.
 *
 * @example
 * ```ts
 * const b = await gpuPerfBackend(builtInRegistry(), 'batch', console.error);
 * perfTestMultiple(100, options, { apply: b.apply, concurrency: b.concurrency });
 * ```
 */
export async function gpuPerfBackend(registry: Registry, engine: GpuPerfEngine, log: (line: string) => void): Promise<GpuPerfBackend> {
  if (!ENGINES.includes(engine)) throw new QinferArgumentError('ERR_ARGUMENT', `gpu option engine must be one of ${ENGINES.map((e) => `'${e}'`).join(', ')}, got ${JSON.stringify(engine)}`);
  const host = new GpuHost();
  let info;
  try {
    info = await host.adapterInfo();
  } catch (e) {
    await host.close();
    const reason = e instanceof GpuUnavailableError ? e.reason : (e as Error).message.split('\n')[0];
    log(`gpu: no WebGPU adapter (${reason}); every trial runs on the CPU (serial) — see ${GPU_DOCS_URL}`);
    return { apply: serialApply(registry), concurrency: 1, description: 'gpu: no adapter — trials run on the CPU (serial)', close: async () => {} };
  }
  const device = `${info.name}${info.isFallbackAdapter ? ' (software)' : ''}`;
  if (engine === 'resident') {
    const apply = updaterTrialApply(GpuUpdater.factory({ host, onWarning: (w) => log(`gpu: ${w.message}`) }), registry);
    return { apply, concurrency: 1, description: `gpu: ${device}, each trial's posterior resident on the device (GpuUpdater), one at a time`, close: () => host.close() };
  }
  const gpu = gpuBackend({ host, fallback: serialBackend(), onWarning: (w) => log(`gpu: ${w.message}`) });
  const likelihood = backendTrialApply(gpu, registry);
  const closeAll = async (): Promise<void> => {
    await gpu.close();
    await host.close();
  };
  if (engine === 'likelihood') {
    return { apply: likelihood, concurrency: 2, description: `gpu: ${device}, float64 updates with phase-exact float32 likelihoods`, close: closeAll };
  }
  const batch = gpuBatchApply({ host, registry, fallback: likelihood, fallbackName: 'GPU likelihoods with float64 updates', onWarning: (w) => log(`gpu: ${w.message}`) });
  return {
    apply: batch,
    concurrency: batch.concurrency,
    description: `gpu: ${device}, batched trials on the device (float32 likelihoods, phase-exact; up to ${batch.concurrency} trials per dispatch)`,
    close: async () => {
      await batch.close();
      await closeAll();
    },
  };
}
