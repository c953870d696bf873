import { UPDATE_KERNELS_WASM } from './updateKernelsBinary.js';
import { ZIGGURAT_X } from '../../rng/normalZiggurat.js';

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
  cos2Weights(xp: number, wp: number, vp: number, n: number, h: number, off: number, flip: number): void;
  scale(vp: number, wp: number, n: number, r: number): void;
  allAbove(xp: number, n: number, lo: number): number;
  fill(p: number, n: number): void;
  prepare(wp: number, cdfp: number, gp: number, n: number, g: number): number;
  [name: `mean${number}` | `cov${number}`]: (xp: number, wp: number, n: number) => void;
  [move: `move${number}`]: (up: number, outp: number, xp: number, cdfp: number, gp: number, parp: number, rowp: number, n: number, g: number, last: number, a: number) => number;
}

/**
 * Byte offsets of the static area (scripts/wasm/liuWestWat.mjs, build-kernels.mjs): the
 * ziggurat's table, the generator state, hS and μ, the moments, the update's lane sums.
 */
const ZX = 0, STATE = 2064, HS = 2080, MOMENTS = 2240, SUMS = 2400;
/** The particle arrays start after the static area. */
const BASE = 4096;
/** Largest parameter count with Liu–West kernels. */
export const LW_MAX_D = 4;
/** Largest particle count (old or new) whose memory holds the Liu–West scratch: the guide table's range (see LiuWestResampler). */
export const LW_MAX_N = 1 << 17;

/** Memories of live instances, to find the instance a cloud's arrays live in. */
const owners = new WeakMap<ArrayBuffer, UpdateKernels>();

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
 *   (SimplePrecessionModel and SimpleInversionModel with `h = t/2`, `off = ω₋`), leaving in
 *   {@link sums} the lane sums of `weighLikelihood` (src/smc/likelihoodWeights.ts):
 *   `N = Σ v_i`, `S = Σ v_i²` (compensated) and `M = Σ v_i x_i`, in two lanes;
 * - {@link scale}: `w_i = v_i · r`.
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
 *   k.cos2Weights(1000, 2.5, 0, 0); // datum 0 at t = 5
 *   const s = k.sums, N = laneSum(s[0], s[1], s[2], s[3]);
 *   k.scale(1000, 1 / N);
 * }
 * ```
 */
export class UpdateKernels {
  private readonly exports: KernelExports;
  private cap = 0;
  /** Parameters per particle the arrays x and v have room for. */
  private d = 1;
  /** Byte offsets of the three arrays (x and v exchange places in {@link swapXV}). */
  private xOff = BASE;
  private vOff = BASE;
  private wOff = BASE;
  /** Locations (`n` values): a view into the kernels' memory. */
  x = new Float64Array(0);
  /** Weights: a view into the kernels' memory. */
  w = new Float64Array(0);
  /** Scratch for the unnormalised weights. */
  v = new Float64Array(0);
  /**
   * The Liu–West scratch for up to {@link capacity} particles (empty when the capacity exceeds
   * {@link LW_MAX_N}): running sum (capacity + 1), guide table (2·capacity + 1), the parents'
   * uniforms (then their rows: capacity · d), parents, listed rows.
   */
  cdf = new Float64Array(0);
  guide = new Int32Array(0);
  u = new Float64Array(0);
  parents = new Int32Array(0);
  rows = new Int32Array(0);
  /** The generator state the `fill` kernel reads and writes (four 32-bit words). */
  state = new Int32Array(0);
  /** hS (d·d) then μ (d), read by the move kernels. */
  kernelWidth = new Float64Array(0);
  /** The mean / covariance kernels' output: C (d·d) then μ (d). */
  moments = new Float64Array(0);
  /** The lane sums of the last {@link cos2Weights}: `N₀ N₁ cN₀ cN₁ S₀ S₁ cS₀ cS₁ M₀ M₁`. */
  sums = new Float64Array(0);

  private constructor(mod: WasmModule) {
    this.exports = new api!.Instance(mod).exports as KernelExports;
    this.views();
    new Float64Array(this.exports.memory.buffer, ZX, ZIGGURAT_X.length).set(ZIGGURAT_X);
  }

  /** A fresh instance (its own memory), or undefined without WebAssembly SIMD. */
  static create(): UpdateKernels | undefined {
    const mod = kernelModule();
    return mod === null ? undefined : new UpdateKernels(mod);
  }

  /** The instance whose memory is `buffer` (an array's `.buffer`), if any. */
  static owning(buffer: ArrayBufferLike): UpdateKernels | undefined {
    return owners.get(buffer as ArrayBuffer);
  }

  /**
   * Room for `n` particles of `d` parameters (x and v hold n·d values, w n); keeps the contents of
   * `x` and `w` (the first `keep` values). With n ≤ {@link LW_MAX_N} the memory also holds the
   * Liu–West scratch for n particles.
   */
  reserve(n: number, keep = 0, d = 1): void {
    if (n <= this.cap && d <= this.d) return;
    const cap = Math.max(n, this.cap === 0 ? 0 : Math.ceil(this.cap * 1.5)), dd = Math.max(d, this.d);
    const oldX = this.x.slice(0, keep), oldW = this.w.slice(0, keep);
    const scratch = cap <= LW_MAX_N ? 8 * (cap + 1) + 8 * cap * dd + 4 * (2 * cap + 2) + 8 * cap : 0;
    const bytes = BASE + 16 * cap * dd + 8 * cap + scratch, mem = this.exports.memory;
    const need = Math.ceil(bytes / 65536) - mem.buffer.byteLength / 65536;
    if (need > 0) mem.grow(need);
    this.cap = cap;
    this.d = dd;
    this.xOff = BASE;
    this.vOff = BASE + 8 * cap * dd;
    this.wOff = BASE + 16 * cap * dd;
    this.views();
    this.x.set(oldX);
    this.w.set(oldW);
  }

  /** Re-makes every view (after the memory grew, or at construction). */
  private views(): void {
    const buf = this.exports.memory.buffer, cap = this.cap;
    owners.set(buf, this);
    this.x = new Float64Array(buf, this.xOff, cap * this.d);
    this.w = new Float64Array(buf, this.wOff, cap);
    this.v = new Float64Array(buf, this.vOff, cap * this.d);
    this.state = new Int32Array(buf, STATE, 4);
    this.kernelWidth = new Float64Array(buf, HS, 20);
    this.moments = new Float64Array(buf, MOMENTS, 20);
    this.sums = new Float64Array(buf, SUMS, 10);
    const lw = cap > 0 && cap <= LW_MAX_N;
    let o = BASE + (16 * this.d + 8) * cap;
    this.cdf = new Float64Array(buf, o, lw ? cap + 1 : 0);
    o += lw ? 8 * (cap + 1) : 0;
    this.u = new Float64Array(buf, o, lw ? cap * this.d : 0);
    o += lw ? 8 * cap * this.d : 0;
    this.guide = new Int32Array(buf, o, lw ? 2 * cap + 2 : 0);
    o += lw ? 4 * (2 * cap + 2) : 0;
    this.parents = new Int32Array(buf, o, lw ? cap : 0);
    o += lw ? 4 * cap : 0;
    this.rows = new Int32Array(buf, o, lw ? cap : 0);
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

  /** `v_i = w_i L_i` for `i < n` and its lane sums into {@link sums}; see {@link flags}. */
  cos2Weights(n: number, h: number, off: number, outcome: number): void {
    this.exports.cos2Weights(this.xOff, this.wOff, this.vOff, n, h, off, outcome === 0 ? 0 : 1);
  }

  /** `w_i = v_i · r` for `i < n`. */
  scale(n: number, r: number): void {
    this.exports.scale(this.vOff, this.wOff, n, r);
  }

  /** Whether `x_i > lo` for every `i < n` (NaN is not) of `x`, a view into this memory. */
  allAbove(x: Float64Array, n: number, lo: number): boolean {
    return this.exports.allAbove(x.byteOffset, n, lo) !== 0;
  }

  /** Flags of the last {@link cos2Weights}: {@link KERNEL_CLIPPED}, {@link KERNEL_REDO}. */
  get flags(): number {
    return this.exports.flags.value as number;
  }

  /** `n` uniforms into `out` (a view into this memory) from the generator state in {@link state} (`Rng.fillUniform`'s stream). */
  fillUniform(out: Float64Array, n: number): void {
    this.exports.fill(out.byteOffset, n);
  }

  /** `MultinomialGuide.prepare` of `w[0..n)` into {@link cdf} and {@link guide} (g buckets); returns the last index of positive weight. */
  prepareGuide(w: Float64Array, n: number, g: number): number {
    return this.exports.prepare(w.byteOffset, this.cdf.byteOffset, this.guide.byteOffset, n, g);
  }

  /** `weightedMean` of n particles of d ≤ {@link LW_MAX_D} parameters, into `moments[d·d …)`. */
  weightedMean(x: Float64Array, w: Float64Array, n: number, d: number): void {
    this.exports[`mean${d}`]!(x.byteOffset, w.byteOffset, n);
  }

  /** `centeredCovariance` of n particles of d ≤ {@link LW_MAX_D} parameters, into `moments[0 … d·d)`. */
  centeredCovariance(x: Float64Array, w: Float64Array, n: number, d: number): void {
    this.exports[`cov${d}`]!(x.byteOffset, w.byteOffset, n);
  }

  /**
   * The fused Liu–West pass (`move<d>`, see scripts/wasm/liuWestWat.mjs) over n new particles:
   * parents from {@link u} by the guide table (into {@link parents}, their rows then gathered
   * over {@link u}), normals from the uniforms in `out`, hS and μ from {@link kernelWidth};
   * returns the count of rows with a rejected normal left in {@link rows} for JavaScript to finish.
   */
  liuWestMove(out: Float64Array, x: Float64Array, n: number, d: number, g: number, last: number, a: number): number {
    return this.exports[`move${d}`]!(this.u.byteOffset, out.byteOffset, x.byteOffset, this.cdf.byteOffset, this.guide.byteOffset, this.parents.byteOffset, this.rows.byteOffset, n, g, last, a);
  }
}
