import { isQinferError } from '../errors/QinferError.js';
import type { GpuAdapterInfo } from './GpuAdapterInfo.js';
import { GpuHost, type GpuHostOptions } from './GpuHost.js';

/** The result of {@link probeGpu}. */
export type GpuProbe = { readonly available: true; readonly info: GpuAdapterInfo } | { readonly available: false; readonly reason: string };

/**
 * Whether a WebGPU adapter can be acquired here (starts a GPU host, asks, and closes it; ~1 s).
 * Never throws: a missing adapter or a failing host is `{ available: false, reason }`. Tests use
 * it to skip GPU suites with a visible reason (or fail them when `QINFER_REQUIRE_GPU=1`).
 *
 * @example
 * ```ts
 * import { probeGpu } from 'qinfer-rx/gpu';
 * const p = await probeGpu();
 * console.log(p.available ? p.info.name : p.reason);
 * ```
 */
export async function probeGpu(options: GpuHostOptions = {}): Promise<GpuProbe> {
  const host = new GpuHost(options);
  try {
    return { available: true, info: await host.adapterInfo() };
  } catch (e) {
    const reason = isQinferError(e) ? `${e.code}: ${e.message}` : String(e);
    return { available: false, reason };
  } finally {
    await host.close();
  }
}
