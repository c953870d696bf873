/// <reference types="@webgpu/types" preserve="true" />
import { importOptionalPeers } from '../errors/optionalPeer.js';
import { isQinferError, QinferError } from '../errors/QinferError.js';
import type { GpuAdapterInfo } from './GpuAdapterInfo.js';
import { GpuUnavailableError } from './GpuUnavailableError.js';


type Globals = { GPUBufferUsage: GPUFlagsConstant & Record<string, number>; GPUMapMode: Record<string, number> };

/** A staging buffer to map after a submission, and what to do with its bytes. */
export interface StagedRead {
  readonly buffer: GPUBuffer;
  readonly bytes: number;
  readonly read: (view: Uint8Array) => void;
}

/** Options of {@link DawnContext.create}. */
export interface DawnContextOptions {
  /** Call `gc()` right after every submission (needs `--expose-gc`): a test of the keep-alive rule. */
  forceGc?: boolean;
}

/**
 * Dawn in the GPU host process: the `navigator.gpu` object, the adapter and the device, held
 * together for the device's whole life. **This is the safe usage pattern** (measured, see
 * docs/gpu.md): dawn.node's event loop integration keeps a raw pointer to the native instance
 * behind the object `create()` returns and polls it (`ProcessEvents`) while any promise
 * (`mapAsync`, `onSubmittedWorkDone`) is pending. Code that drops its reference to that object
 * after `requestAdapter()` lets V8 collect it — V8 keeps only live variables across an `await` —
 * and the next poll runs on freed memory: "The futex facility returned an unexpected error code",
 * `std::system_error: Invalid argument`, glibc mutex assertions, segfaults or hangs, more likely
 * the longer GPU work stays in flight (hence "large sizes only"). Holding the object makes
 * persistent buffers safe at 1e7 particles on lavapipe, also with a `gc()` after every submission.
 *
 * @example
 * ```ts
 * const ctx = await DawnContext.create();
 * if (ctx) console.log(ctx.info.name);
 * ```
 */
export class DawnContext {
  /** Held for the context's life (see the class comment): never drop this reference. */
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  readonly device: GPUDevice;
  readonly info: GpuAdapterInfo;
  readonly usage: Globals['GPUBufferUsage'];
  readonly mapMode: Globals['GPUMapMode'];
  private readonly forceGc: (() => void) | undefined;
  private lostReason: string | undefined;
  private firstError: string | undefined;
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();

  private constructor(gpu: GPU, adapter: GPUAdapter, device: GPUDevice, globals: Globals, options: DawnContextOptions) {
    this.gpu = gpu;
    this.adapter = adapter;
    this.device = device;
    this.usage = globals.GPUBufferUsage;
    this.mapMode = globals.GPUMapMode;
    const gc = (globalThis as { gc?: () => void }).gc;
    this.forceGc = options.forceGc === true && typeof gc === 'function' ? gc : undefined;
    const i = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const l = device.limits;
    this.info = {
      name: i.description || i.device || i.vendor || 'unknown adapter',
      vendor: i.vendor,
      architecture: i.architecture,
      device: i.device,
      description: i.description,
      isFallbackAdapter: i.isFallbackAdapter === true || (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true || i.architecture === 'software',
      limits: {
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      },
    };
    void device.lost.then((e) => {
      this.lostReason = `${e.reason}: ${e.message}`;
    });
    device.addEventListener('uncapturederror', (ev) => {
      const msg = (ev as GPUUncapturedErrorEvent).error.message;
      if (this.firstError === undefined) this.firstError = msg;
    });
  }

  /** Loads Dawn, requests an adapter (null when there is none) and a device with the adapter's limits. */
  static async create(options: DawnContextOptions = {}): Promise<DawnContext | null> {
    const webgpu = (await importOptionalPeers('qinfer-rx/gpu', ['webgpu'], () => import('webgpu')).catch((e: unknown) => {
      // Without Dawn there is no adapter: the same error (and CPU fallback) as a machine without a GPU.
      throw isQinferError(e, 'ERR_MISSING_PEER') ? new GpuUnavailableError(e.message, { cause: e }) : e;
    })) as unknown as { create(o: string[]): GPU; globals: Globals & Record<string, unknown> };
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter === null) return null;
    const al = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: al.maxStorageBufferBindingSize,
        maxBufferSize: al.maxBufferSize,
        maxStorageBuffersPerShaderStage: al.maxStorageBuffersPerShaderStage,
        maxComputeWorkgroupStorageSize: al.maxComputeWorkgroupStorageSize,
      },
    });
    return new DawnContext(gpu, adapter, device, webgpu.globals, options);
  }

  /** Throws `ERR_GPU` if the device was lost or reported an error since the last check. */
  check(): void {
    if (this.lostReason !== undefined) throw new QinferError('ERR_GPU', `GPU device lost (${this.lostReason})`);
    if (this.firstError !== undefined) {
      const msg = this.firstError;
      this.firstError = undefined;
      throw new QinferError('ERR_GPU', `GPU error: ${msg}`);
    }
  }

  /** A compute pipeline for `code`/`entryPoint` (cached by `key`), with an explicit layout or `'auto'`. */
  pipeline(key: string, code: string, entryPoint: string, layout: GPUPipelineLayout | 'auto' = 'auto'): Promise<GPUComputePipeline> {
    const id = `${key}#${entryPoint}`;
    let p = this.pipelines.get(id);
    if (p === undefined) {
      p = this.compile(code, entryPoint, layout);
      this.pipelines.set(id, p);
      p.catch(() => this.pipelines.delete(id));
    }
    return p;
  }

  private async compile(code: string, entryPoint: string, layout: GPUPipelineLayout | 'auto'): Promise<GPUComputePipeline> {
    const module = this.device.createShaderModule({ code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0) {
      throw new QinferError('ERR_GPU', `WGSL compilation failed: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`, {
        details: { entryPoint },
      });
    }
    try {
      return await this.device.createComputePipelineAsync({ layout, compute: { module, entryPoint } });
    } catch (e) {
      throw new QinferError('ERR_GPU', `pipeline '${entryPoint}' failed: ${(e as Error).message}`, { cause: e });
    }
  }

  /** A buffer of at least 16 bytes (rounded up to a multiple of 4). */
  buffer(bytes: number, usage: number, label?: string): GPUBuffer {
    return this.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 4) * 4), usage, label });
  }

  /** Uploads `data` to `buffer` at `offset` bytes. */
  write(buffer: GPUBuffer, data: ArrayBufferView, offset = 0): void {
    this.device.queue.writeBuffer(buffer, offset, data.buffer, data.byteOffset, Math.ceil(data.byteLength / 4) * 4);
  }

  /**
   * Submits the commands `record` encodes and waits for them; each `reads` entry is then mapped
   * and its first `bytes` bytes handed to `read` (a view valid only inside `read`).
   */
  async run(record: (enc: GPUCommandEncoder) => void, reads: readonly StagedRead[] = []): Promise<void> {
    this.check();
    const enc = this.device.createCommandEncoder();
    record(enc);
    this.device.queue.submit([enc.finish()]);
    this.forceGc?.();
    if (reads.length === 0) await this.device.queue.onSubmittedWorkDone();
    for (const r of reads) {
      const size = Math.ceil(r.bytes / 4) * 4;
      await r.buffer.mapAsync(this.mapMode['READ']!, 0, size);
      try {
        r.read(new Uint8Array(r.buffer.getMappedRange(0, size), 0, r.bytes));
      } finally {
        r.buffer.unmap();
      }
    }
    this.check();
  }

  /** Destroys the device; the context must not be used afterwards. */
  destroy(): void {
    this.device.destroy();
  }
}
