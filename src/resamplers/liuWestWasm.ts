import type { Rng } from '../rng/Rng.js';
import { LW_MAX_D, LW_MAX_N, UpdateKernels } from '../util/wasm/updateKernels.js';
import { finishListedRows } from './liuWestMove.js';

/**
 * A particle cloud in the memory of WebAssembly kernels, ready for the Liu–West kernels: the old
 * locations `x` (nOld·d) and weights `w` (nOld), and where the new locations go (`out`, n·d).
 */
export interface WasmCloud {
  readonly k: UpdateKernels;
  readonly x: Float64Array;
  readonly w: Float64Array;
  readonly out: Float64Array;
  /** True when `out` is the caller's own target (the fused updater's), false when it must be copied out. */
  readonly inPlace: boolean;
}

/**
 * Where the Liu–West kernels can resample this cloud, or undefined (more than {@link LW_MAX_D}
 * parameters, more than {@link LW_MAX_N} particles, no WebAssembly): the kernels the cloud already
 * lives in when the new cloud goes to their scratch `v` (the fused updater: `into` is its
 * `resampleTargets()`, nothing is copied), else `own()`'s instance with the cloud copied in.
 *
 * @example
 * ```ts
 * const c = wasmCloud(dist.locations, dist.particleWeights, n0, n, d, options.into, () => kernels);
 * ```
 */
export function wasmCloud(
  x: Float64Array, w: Float64Array, nOld: number, n: number, d: number,
  into: { readonly locations: Float64Array } | undefined, own: () => UpdateKernels | undefined,
): WasmCloud | undefined {
  if (d > LW_MAX_D || nOld > LW_MAX_N || n > LW_MAX_N) return undefined;
  const k = UpdateKernels.owning(x.buffer);
  if (k !== undefined && d === 1 && into !== undefined && w.buffer === x.buffer && into.locations.buffer === x.buffer
    && x.byteOffset === k.x.byteOffset && w.byteOffset === k.w.byteOffset && into.locations.byteOffset === k.v.byteOffset
    && k.u.length >= n && k.cdf.length > nOld && k.v.length >= n) {
    return { k, x: k.x.subarray(0, nOld), w: k.w.subarray(0, nOld), out: k.v.subarray(0, n), inPlace: true };
  }
  const o = own();
  if (o === undefined) return undefined;
  o.reserve(Math.max(nOld, n), 0, d);
  o.x.set(x.subarray(0, nOld * d));
  o.w.set(w.subarray(0, nOld));
  return { k: o, x: o.x.subarray(0, nOld * d), w: o.w.subarray(0, nOld), out: o.v.subarray(0, n * d), inPlace: false };
}

/**
 * The Liu–West draw and move on a {@link WasmCloud}, the same numbers and the same random stream
 * as the JavaScript path (`guideDrawMove1` / `zigguratMove`): the guide table of the weights, the
 * parents' n uniforms and the normals' n·d uniforms from `rng`'s stream, the fused pass `move<d>`
 * (the parents' walks, their rows gathered, the move), then the rows with a rejected normal
 * finished in JavaScript (the ziggurat's slow path drawing from `rng`). Leaves the new locations in `c.out` and returns the parents (a view, valid until
 * the kernels' memory grows).
 *
 * @example
 * ```ts
 * const parents = wasmDrawMove(c, nOld, n, 1, 0.98, hS, mu, rng);
 * ```
 */
export function wasmDrawMove(c: WasmCloud, nOld: number, n: number, d: number, a: number, hS: Float64Array, mu: Float64Array, rng: Rng): Int32Array {
  const k = c.k;
  let g = 1;
  while (g <= nOld) g *= 2;
  const last = k.prepareGuide(c.w, nOld, g);
  k.kernelWidth.set(hS.subarray(0, d * d), 0);
  k.kernelWidth.set(mu.subarray(0, d), d * d);
  rng.writeState(k.state);
  k.fillUniform(k.u, n);
  k.fillUniform(c.out, n * d);
  const nf = k.liuWestMove(c.out, c.x, n, d, g, last, a);
  rng.readState(k.state);
  if (nf > 0) finishListedRows(c.x, k.parents, mu, a, hS, c.out, d, k.rows, nf, rng);
  return k.parents;
}
