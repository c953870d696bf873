import type { CosSquaredForm, Model } from '../models/Model.js';
import { KERNEL_CLIPPED, KERNEL_REDO, UpdateKernels } from '../util/wasm/updateKernels.js';
import type { scaleWeights, weighLikelihood } from './likelihoodWeights.js';

/**
 * The fused update of a one-parameter cloud whose model has a {@link Model.cosSquaredForm}: the
 * particles and weights live in the linear memory of the WebAssembly update kernels
 * ({@link UpdateKernels}), and a datum costs two passes there — `v = w·L` with the lane sums of
 * `N = Σ v`, `Σ v²` and `Σ v x`, then `w = v · (1/N)` — instead of the likelihood into a buffer,
 * the check-and-sum pass and the normalising pass in JavaScript. The numbers are the JavaScript
 * path's ({@link weighLikelihood}, {@link scaleWeights}), bit for bit (see
 * test/wasm-kernels.test.ts).
 *
 * The updater keeps its `_x`/`_w` pointing at {@link x}/{@link w}; {@link adopt} copies a cloud
 * that lives elsewhere (after a reset or a resampling, or weights set from outside) into the
 * kernels' memory and returns whether the views changed.
 *
 * @example
 * ```ts
 * const fc = FusedCloud.create(model, 1);
 * if (fc && fc.adopt(x, w, n)) { x = fc.x; w = fc.w; }
 * ```
 */
export class FusedCloud {
  private readonly k: UpdateKernels;
  /** The locations, a view into the kernels' memory (length n). */
  x = new Float64Array(0);
  /** The weights, a view into the kernels' memory (length n). */
  w = new Float64Array(0);

  private constructor(k: UpdateKernels) {
    this.k = k;
  }

  /** A fused cloud for this model, or undefined (several parameters, no cos² form, no WebAssembly SIMD). */
  static create(model: Model, nModelparams: number): FusedCloud | undefined {
    if (nModelparams !== 1 || typeof model.cosSquaredForm !== 'function') return undefined;
    const k = UpdateKernels.create();
    return k === undefined ? undefined : new FusedCloud(k);
  }

  /** Makes {@link x}/{@link w} hold `x`, `w` (n particles); false when they already were these views. */
  adopt(x: Float64Array, w: Float64Array, n: number): boolean {
    if (x === this.x && w === this.w && n === x.length) return false;
    const k = this.k;
    if (n > k.capacity) {
      // Growing detaches the old views: keep copies of what they held.
      const xs = x.buffer === k.x.buffer ? x.slice(0, n) : x, ws = w.buffer === k.w.buffer ? w.slice(0, n) : w;
      k.reserve(n);
      k.x.set(xs.subarray(0, n));
      k.w.set(ws.subarray(0, n));
    } else {
      if (x !== this.x) k.x.set(x.subarray(0, n));
      if (w !== this.w) k.w.set(w.subarray(0, n));
    }
    this.x = k.x.subarray(0, n);
    this.w = k.w.subarray(0, n);
    return true;
  }

  /**
   * Buffers for a resampled cloud in the kernels' memory (the scratch `v` for the locations, the
   * weights in place, each of the memory's capacity: a resampler takes the first n), to pass as
   * `ResampleOptions.into`; then {@link commitResampled}. Undefined before the first
   * {@link adopt}.
   */
  resampleTargets(): { locations: Float64Array; weights: Float64Array } | undefined {
    return this.x.length === 0 ? undefined : { locations: this.k.v, weights: this.k.w };
  }

  /**
   * When the resampler wrote `locations`/`weights` into {@link resampleTargets}, makes them
   * {@link x}/{@link w} (x and v exchange places, no copy) and returns true; else false (the
   * caller keeps the returned arrays, and the next update adopts them).
   */
  commitResampled(locations: Float64Array, weights: Float64Array, n: number): boolean {
    const k = this.k;
    if (locations.buffer !== k.v.buffer || locations.byteOffset !== k.v.byteOffset || weights.buffer !== k.w.buffer || weights.byteOffset !== k.w.byteOffset) return false;
    k.swapXV();
    this.x = k.x.subarray(0, n);
    this.w = k.w.subarray(0, n);
    return true;
  }

  /**
   * `v_i = w_i L_i` in the kernels' scratch and its lane sums into {@link sums} (those of
   * {@link weighLikelihood}); returns false when the JavaScript path must redo the datum
   * (|h (x − off)| ≥ 1.3e10, where cos² needs `Math.cos`, or a likelihood outside
   * [−1e-12, 1 + 1e-12]). See {@link clipped}.
   */
  weigh(form: CosSquaredForm, outcome: number): boolean {
    this.k.cos2Weights(this.x.length, form.h, form.off, outcome);
    return (this.k.flags & KERNEL_REDO) === 0;
  }

  /** The lane sums of the last {@link weigh} (`N₀ N₁ cN₀ cN₁ S₀ S₁ cS₀ cS₁ M₀ M₁`), a view into the kernels' memory. */
  get sums(): Float64Array {
    return this.k.sums;
  }

  /** The last {@link weigh} clipped a likelihood in [−1e-12, 0) to 0. */
  get clipped(): boolean {
    return (this.k.flags & KERNEL_CLIPPED) !== 0;
  }

  /** `Σ w_i x_i` of the cloud by the kernels' `mean1` (the value of `weightedMean`, bit for bit). */
  weightedMean(): number {
    const n = this.x.length;
    this.k.weightedMean(this.x, this.w, n, 1);
    return this.k.moments[1]!;
  }

  /** `w_i = v_i · r` (as {@link scaleWeights}). */
  scale(r: number): void {
    this.k.scale(this.x.length, r);
  }
}
