import { QinferError, type QinferErrorOptions } from '../errors/QinferError.js';

/** The GPU guide online (the package also ships it as `docs/gpu.md`). */
export const GPU_DOCS_URL = 'https://github.com/qinfer-rx/qinfer-rx/blob/main/docs/gpu.md';

/** How to get a WebGPU adapter; quoted by {@link GpuUnavailableError}. */
export const GPU_ADAPTER_HELP =
  'Dawn (npm `webgpu`) found no WebGPU adapter. On a machine without a GPU install Mesa’s software ' +
  'Vulkan driver lavapipe (script: https://github.com/qinfer-rx/qinfer-rx/blob/main/scripts/install-lavapipe.sh) ' +
  'and export the `VK_DRIVER_FILES=…/lvp_icd.json` it prints; on a machine with a GPU install its Vulkan driver ' +
  `(e.g. NVIDIA’s, with the Vulkan loader libvulkan1). See ${GPU_DOCS_URL}.`;

/**
 * No WebGPU adapter could be acquired (code `ERR_GPU_UNAVAILABLE`). The message says how to get
 * one — lavapipe (its install script online, then `VK_DRIVER_FILES`) or a GPU with a Vulkan
 * driver — and `reason` is the short cause alone (one line, for warnings).
 * `details.hostLog` holds the last lines the GPU host printed (Dawn's own diagnostics).
 *
 * @example
 * ```ts
 * import { gpuBackend, GpuUnavailableError } from 'qinfer-rx/gpu';
 * try { await gpuBackend().adapterInfo(); }
 * catch (e) { if (e instanceof GpuUnavailableError) console.log(e.reason); }
 * ```
 */
export class GpuUnavailableError extends QinferError {
  override readonly name: string = 'GpuUnavailableError';
  /** Why there is no adapter, without the instructions (e.g. `requestAdapter() returned null`). */
  readonly reason: string;

  constructor(reason?: string, options: QinferErrorOptions = {}) {
    const short = reason === undefined ? 'no WebGPU adapter' : firstLine(reason);
    super('ERR_GPU_UNAVAILABLE', reason === undefined ? GPU_ADAPTER_HELP : `${reason.includes(GPU_ADAPTER_HELP) ? reason : `${reason}. ${GPU_ADAPTER_HELP}`}`, options);
    this.reason = short;
  }
}

/** The first sentence or line of a message, for one-line warnings. */
function firstLine(s: string): string {
  const line = s.split('\n')[0]!;
  const help = line.indexOf('Dawn (npm');
  return (help > 0 ? line.slice(0, help) : line).replace(/[.\s]+$/, '');
}
