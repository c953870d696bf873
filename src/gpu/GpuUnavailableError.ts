import { QinferError, type QinferErrorOptions } from '../errors/QinferError.js';

/** How to get a WebGPU adapter; quoted by {@link GpuUnavailableError}. */
export const GPU_ADAPTER_HELP =
  'Dawn (npm `webgpu`) found no WebGPU adapter. On a machine without a GPU install the software ' +
  'Vulkan driver lavapipe with `bash scripts/install-lavapipe.sh` (Debian, root) and export the ' +
  '`VK_DRIVER_FILES=…/lvp_icd.json` it prints; on a machine with a GPU install its Vulkan driver ' +
  '(e.g. NVIDIA’s, with the Vulkan loader libvulkan1). See docs/gpu.md.';

/**
 * No WebGPU adapter could be acquired (code `ERR_GPU_UNAVAILABLE`). The message says how to get
 * one: lavapipe (`scripts/install-lavapipe.sh` + `VK_DRIVER_FILES`) or a GPU with a Vulkan driver.
 * `details.hostLog` holds the last lines the GPU host printed (Dawn's own diagnostics).
 *
 * @example
 * ```ts
 * import { gpuBackend, GpuUnavailableError } from 'qinfer-rx/gpu';
 * try { await gpuBackend().adapterInfo(); }
 * catch (e) { if (e instanceof GpuUnavailableError) console.log(e.message); }
 * ```
 */
export class GpuUnavailableError extends QinferError {
  override readonly name: string = 'GpuUnavailableError';

  constructor(reason?: string, options: QinferErrorOptions = {}) {
    super('ERR_GPU_UNAVAILABLE', reason === undefined ? GPU_ADAPTER_HELP : `${reason}. ${GPU_ADAPTER_HELP}`, options);
  }
}
