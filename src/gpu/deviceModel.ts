import type { ExpParams } from '../expparams/ExpParams.js';
import type { GpuModel } from './GpuModel.js';

/**
 * What the device needs of a {@link GpuModel}: its parameter count, how many host values each
 * experiment gives (`NH`) and WGSL defining `pr0d(d, h)` (phase-exact, on offsets `d` from the
 * host's reference) and `valid(x)` (absolute float32 coordinates). Built by {@link deviceModel};
 * data only, so it crosses to the GPU host process as is.
 */
export interface DeviceModel {
  readonly name: string;
  readonly nModelparams: number;
  readonly nExpValues: number;
  readonly nHostValues: number;
  readonly wgsl: string;
  /** True when the model has a phase-exact form (else `pr0` sees `f32(r) + d`). */
  readonly exact: boolean;
}

/**
 * The device form of `gm`: its phase-exact `offset` form when it has one, else an adapter
 * `pr0d(d, h) = pr0(h[0..NP) + d, h[NP..))` over host values `[f32(r), …packExperiments]`.
 *
 * @example
 * ```ts
 * deviceModel(gpuModelFor(new SimplePrecessionModel())).nHostValues; // 3
 * ```
 */
export function deviceModel(gm: GpuModel): DeviceModel {
  const nF = Math.max(gm.nExpValues, 1);
  if (gm.offset !== undefined) {
    return { name: gm.name, nModelparams: gm.nModelparams, nExpValues: gm.nExpValues, nHostValues: gm.offset.nHostValues, wgsl: `${gm.wgsl}\n${gm.offset.wgsl}`, exact: true };
  }
  const adapter = `fn pr0d(d: array<f32, NP>, h: array<f32, NH>) -> f32 {
  var x: array<f32, NP>;
  for (var p = 0u; p < NP; p++) { x[p] = h[p] + d[p]; }
  var e: array<f32, NF>;
  for (var f = 0u; f < NF; f++) { e[f] = h[NP + f]; }
  return pr0(x, e);
}`;
  return { name: gm.name, nModelparams: gm.nModelparams, nExpValues: gm.nExpValues, nHostValues: gm.nModelparams + nF, wgsl: `${gm.wgsl}\n${adapter}`, exact: false };
}

/**
 * Writes every experiment's host values for reference `ref` to `out[k·NH …]` (`out` holds at
 * least `eps.length · NH` floats).
 */
export function packHostValues(gm: GpuModel, ref: Float64Array, eps: ExpParams, out: Float32Array, at = 0): void {
  const nE = eps.length;
  if (gm.offset !== undefined) {
    const nH = gm.offset.nHostValues;
    for (let k = 0; k < nE; k++) gm.offset.hostValues(ref, eps, k, out, at + k * nH);
    return;
  }
  const nP = gm.nModelparams, nF = Math.max(gm.nExpValues, 1), nH = nP + nF;
  const e = new Float32Array(nE * nF);
  gm.packExperiments(eps, e);
  for (let k = 0; k < nE; k++) {
    for (let p = 0; p < nP; p++) out[at + k * nH + p] = ref[p]!;
    for (let f = 0; f < nF; f++) out[at + k * nH + nP + f] = e[k * nF + f]!;
  }
}

/**
 * The reference of a likelihood call, per parameter: the midpoint `m` of the particles' range
 * `[lo, hi]`, moved toward 0 until no offset exceeds its particle — `r = min(m, 2·lo)` for a
 * positive range, `max(m, 2·hi)` for a negative one, 0 when the range holds 0 — so that
 * `|x − r| ≤ |x|` for every particle: the offset phase, which sets the float32 error
 * (docs/gpu.md), is never larger than the whole phase, and for a narrow cloud (`hi ≤ 3·lo`) it
 * is as small as it can be (`max |x − r| = (hi − lo)/2`). All zeros for a model without a
 * phase-exact form (its `pr0` then sees `f32(x)` exactly as before).
 *
 * @example
 * ```ts
 * callReference(gm, Float64Array.of(0.61, 0.62, 0.63), 3); // [0.62]
 * callReference(gm, Float64Array.of(0.01, 0.5, 0.99), 3);  // [0.02]
 * ```
 */
export function callReference(gm: GpuModel, x: Float64Array, nM: number): Float64Array {
  const nP = gm.nModelparams, ref = new Float64Array(nP);
  if (gm.offset === undefined || nM === 0) return ref;
  for (let p = 0; p < nP; p++) {
    let lo = Infinity, hi = -Infinity;
    for (let j = 0; j < nM; j++) {
      const v = x[j * nP + p]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(Number.isFinite(lo) && Number.isFinite(hi)) || (lo <= 0 && hi >= 0)) continue;
    const m = lo + (hi - lo) / 2;
    ref[p] = lo > 0 ? Math.min(m, 2 * lo) : Math.max(m, 2 * hi);
  }
  return ref;
}

/** Float32 offsets `d = f32(x − r)` of `nM` particles, into `out`. */
export function offsetsFrom(x: Float64Array, nM: number, ref: Float64Array, out: Float32Array): void {
  const nP = ref.length;
  for (let j = 0; j < nM; j++) for (let p = 0; p < nP; p++) out[j * nP + p] = x[j * nP + p]! - ref[p]!;
}
