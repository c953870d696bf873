/**
 * Kept apart from DawnContext (which references the WebGPU DOM types) so that the public types of
 * `qinfer-rx/gpu`, which run on the host side of the GPU process, need no DOM library.
 */

/** What the GPU host reports about its adapter. */
export interface GpuAdapterInfo {
  /** A readable device name (`llvmpipe (LLVM 15…)`, `NVIDIA H100 …`). */
  readonly name: string;
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** True for a software (fallback) adapter such as lavapipe. */
  readonly isFallbackAdapter: boolean;
  /** The limits this device was created with. */
  readonly limits: {
    readonly maxStorageBufferBindingSize: number;
    readonly maxBufferSize: number;
    readonly maxComputeWorkgroupsPerDimension: number;
    readonly maxStorageBuffersPerShaderStage: number;
  };
}
