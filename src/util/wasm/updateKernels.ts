import { UPDATE_KERNELS_WASM } from './updateKernelsBinary.js';

/** The parts of the WebAssembly JS API used here (the core is typed without DOM or Node libs). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmGlobal {
  readonly value: unknown;
}
type WasmModule = object;
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (mod: WasmModule) => { readonly exports: unknown };
}

/** The exports of one instance of the update kernels (see scripts/wasm/build-kernels.mjs). */
interface KernelExports {
  readonly memory: WasmMemory;
  readonly flags: WasmGlobal;
  readonly mean: WasmGlobal;
  cos2Weights(xp: number, wp: number, vp: number, n: number, h: number, off: number, flip: number): number;
  normalize(vp: number, wp: number, xp: number, n: number, div: number): number;
}

/** Flag of {@link UpdateKernels.cos2Weights}: a likelihood in [−1e-12, 0) was clipped to 0. */
export const KERNEL_CLIPPED = 1;
/** Flag of {@link UpdateKernels.cos2Weights}: redo this datum on the JavaScript path (it throws or falls back). */
export const KERNEL_REDO = 2;

let compiled: WasmModule | null | undefined;
let api: WasmApi | undefined;

/** The compiled module, or null where WebAssembly (with SIMD) is not available. */
function kernelModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    api = wasm;
    const text = (globalThis as { atob?: (s: string) => string }).atob;
    if (wasm === undefined || text === undefined) return (compiled = null);
    const raw = text(UPDATE_KERNELS_WASM);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    compiled = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled ?? null;
}

/**
 * One instance of the update kernels with its own linear memory, holding a particle cloud of one
 * parameter: locations `x`, weights `w` and the scratch `v` (Float64Array views into the memory,
 * re-made by {@link reserve} when it grows). The kernels compute exactly what the JavaScript path
 * computes (bit for bit: same operations in the same order, no fused multiply-add), two particles
 * at a time in f64x2 lanes where the order allows it:
 *
 * - {@link cos2Weights}: `v_i = w_i · L_i`, `L_i = cos²(h (x_i − off))` or `1 − cos²(…)`
 *   (SimplePrecessionModel and SimpleInversionModel with `h = t/2`, `off = ω₋`), returning
 *   `N = Σ v_i` by Neumaier's compensated sum in index order;
 * - {@link normalize}: `w_i = v_i / div`, returning `Σ w_i²` (compensated, index order) and
 *   leaving `Σ w_i x_i` in {@link mean}.
 *
 * {@link create} returns undefined where WebAssembly with SIMD is unavailable (the caller keeps
 * its JavaScript path, which gives the same numbers).
 *
 * @example
 * ```ts
 * const k = UpdateKernels.create();
 * if (k) {
 *   k.reserve(1000);
 *   k.x.set(locations); k.w.fill(1e-3);
 *   const N = k.cos2Weights(1000, 2.5, 0, 0); // datum 0 at t = 5
 *   const sumW2 = k.normalize(1000, N);
 * }
 * ```
 */
export class UpdateKernels {
  private readonly exports: KernelExports;
  private cap = 0;
  /** Byte offsets of the three arrays (x and v exchange places in {@link swapXV}). */
  private xOff = 0;
  private vOff = 0;
  private wOff = 0;
  /** Locations (`n` values): a view into the kernels' memory. */
  x = new Float64Array(0);
  /** Weights: a view into the kernels' memory. */
  w = new Float64Array(0);
  /** Scratch for the unnormalised weights. */
  v = new Float64Array(0);

  private constructor(mod: WasmModule) {
    this.exports = new api!.Instance(mod).exports as KernelExports;
  }

  /** A fresh instance (its own memory), or undefined without WebAssembly SIMD. */
  static create(): UpdateKernels | undefined {
    const mod = kernelModule();
    return mod === null ? undefined : new UpdateKernels(mod);
  }

  /** Room for `n` particles; keeps the contents of `x` and `w` (the first `keep` values). */
  reserve(n: number, keep = 0): void {
    if (n <= this.cap) return;
    const cap = Math.max(n, Math.ceil(this.cap * 1.5));
    const oldX = this.x.slice(0, keep), oldW = this.w.slice(0, keep);
    const bytes = 3 * 8 * cap, mem = this.exports.memory;
    const need = Math.ceil(bytes / 65536) - mem.buffer.byteLength / 65536;
    if (need > 0) mem.grow(need);
    this.cap = cap;
    this.xOff = 0;
    this.wOff = 8 * cap;
    this.vOff = 16 * cap;
    this.x = new Float64Array(mem.buffer, this.xOff, cap);
    this.w = new Float64Array(mem.buffer, this.wOff, cap);
    this.v = new Float64Array(mem.buffer, this.vOff, cap);
    this.x.set(oldX);
    this.w.set(oldW);
  }

  /** Exchanges the roles of {@link x} and {@link v} (a new cloud written into `v` becomes `x`, no copy). */
  swapXV(): void {
    const o = this.xOff, a = this.x;
    this.xOff = this.vOff;
    this.x = this.v;
    this.vOff = o;
    this.v = a;
  }

  /** Particles the memory holds now. */
  get capacity(): number {
    return this.cap;
  }

  /** `v_i = w_i L_i` for `i < n` and the compensated `N = Σ v_i`; see {@link flags}. */
  cos2Weights(n: number, h: number, off: number, outcome: number): number {
    return this.exports.cos2Weights(this.xOff, this.wOff, this.vOff, n, h, off, outcome === 0 ? 0 : 1);
  }

  /** `w_i = v_i / div`; returns the compensated `Σ w_i²` and leaves `Σ w_i x_i` in {@link mean}. */
  normalize(n: number, div: number): number {
    return this.exports.normalize(this.vOff, this.wOff, this.xOff, n, div);
  }

  /** Flags of the last {@link cos2Weights}: {@link KERNEL_CLIPPED}, {@link KERNEL_REDO}. */
  get flags(): number {
    return this.exports.flags.value as number;
  }

  /** `Σ w_i x_i` of the last {@link normalize}. */
  get mean(): number {
    return this.exports.mean.value as number;
  }
}
