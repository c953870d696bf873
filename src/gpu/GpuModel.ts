import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';

/**
 * The device side of a two-outcome model: WGSL for `Pr(0 | x; e)` plus how its experiments are
 * packed for the device. The GPU backend and the GPU-resident updater dispatch the pair
 * (particle, experiment) — and, for the likelihood, the outcome — onto the device's grid and call
 *
 * ```wgsl
 * fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32   // Pr(outcome 0 | x; e)
 * fn valid(x: array<f32, NP>) -> bool                   // areModelsValid for one particle
 * ```
 *
 * where `NP = nModelparams` and `NF = max(nExpValues, 1)` are WGSL constants the framework
 * declares, together with `fn cos2(y: f32) -> f32` (cos² with its argument reduced modulo π, so
 * that the device's `cos` is only used on [−π/2, π/2], where WGSL bounds its error). Model
 * parameters (e.g. `minFreq`) are baked into the WGSL text. Everything is float32 on the device.
 *
 * @example
 * ```ts
 * const coin: GpuModel = {
 *   name: 'MyCoin', nModelparams: 1, nExpValues: 0,
 *   packExperiments() {},
 *   wgsl: 'fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32 { return x[0]; }\n' +
 *         'fn valid(x: array<f32, NP>) -> bool { return x[0] >= 0.0 && x[0] <= 1.0; }',
 * };
 * ```
 */
export interface GpuModel {
  /** Name of the CPU model it mirrors (`model.name`). */
  readonly name: string;
  /** `NP`: parameters per particle (≥ 1). */
  readonly nModelparams: number;
  /** Float32 values per experiment (`NF` is this, or 1 when it is 0). */
  readonly nExpValues: number;
  /** Writes experiment `k`'s values to `out[k * nExpValues + f]` (validates the fields). */
  packExperiments(eps: ExpParams, out: Float32Array): void;
  /** WGSL defining `pr0` and `valid` (see above). */
  readonly wgsl: string;
  /**
   * The phase-exact form (built-in models have one): particles reach the device as float32
   * offsets `d = x − r` from a float64 reference `r` kept on the host, and each experiment as
   * `nHostValues` float32 values that the host computes from `r` in float64 — e.g. the reduced
   * reference phase `(r·t/2 mod π)` as a hi/lo pair and the offset's coefficient `t/2`. Without
   * it the framework passes `[f32(r), …packExperiments]` and calls `pr0(f32(r) + d, e)`.
   */
  readonly offset?: GpuOffsetForm;
}

/**
 * The phase-exact device form of a {@link GpuModel}. Its WGSL defines
 *
 * ```wgsl
 * fn pr0d(d: array<f32, NP>, h: array<f32, NH>) -> f32   // Pr(0 | r + d; e), h = hostValues(r, e)
 * ```
 *
 * where `NH = nHostValues`; it may call `pr0`/`valid` of the absolute form, `cos2` and
 * `offsetPhase(d, c, hi, lo) = (d·c + lo) + hi` from the prelude.
 */
export interface GpuOffsetForm {
  readonly nHostValues: number;
  /**
   * Writes experiment `k`'s host values for the reference `ref` (`[nModelparams]`, float64) to
   * `out[at … at + nHostValues)` (validates the fields).
   */
  hostValues(ref: Float64Array, eps: ExpParams, k: number, out: Float32Array, at: number): void;
  readonly wgsl: string;
}

/** Builds the {@link GpuModel} of a CPU model (reading its parameters), keyed by model name. */
export type GpuModelFactory = (model: Model) => GpuModel;

/**
 * A float32 WGSL literal for `v` (rounded to float32 first), for baking model parameters into WGSL.
 *
 * @example
 * ```ts
 * wgslF32(0.25); // '2.5e-1f'
 * ```
 */
export function wgslF32(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`WGSL literal must be finite, got ${v}`);
  return `${Math.fround(v).toExponential()}f`;
}
