import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import { differencePhaseModPi, phaseModPi, splitF32 } from './exactPhase.js';
import { wgslF32, type GpuModel, type GpuModelFactory } from './GpuModel.js';
import { rbGpuModel } from './rbGpuModel.js';

function minFreqOf(model: Model): number {
  const m = model.params['minFreq'];
  return typeof m === 'number' ? m : 0;
}

/** The evolution times of scalar experiments, or their `t` field. */
function timesOf(eps: ExpParams): Float64Array {
  return eps.isScalar ? eps.values() : eps.field('t');
}

/** Copies `col[k] * scale` into `out[k * stride + at]`. */
function packColumn(col: Float64Array, out: Float32Array, stride: number, at: number, scale = 1): void {
  for (let k = 0; k < col.length; k++) out[k * stride + at] = col[k]! * scale;
}

/**
 * SimplePrecessionModel: `Pr(0) = cos²(ω t / 2)`; `e = [t/2]` (scalar experiments or a `t` field).
 * Phase-exact: `h = [φ_hi, φ_lo, t/2]` with `φ = r t/2 mod π` (host, exact), and on the device
 * `cos²((d·t/2 + φ_lo) + φ_hi)`.
 */
const simplePrecession: GpuModelFactory = (model) => ({
  name: model.name,
  nModelparams: 1,
  nExpValues: 1,
  packExperiments(eps: ExpParams, out: Float32Array) {
    packColumn(timesOf(eps), out, 1, 0, 0.5);
  },
  wgsl: `const MIN_FREQ: f32 = ${wgslF32(minFreqOf(model))};
fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32 { return cos2(x[0] * e[0]); }
fn valid(x: array<f32, NP>) -> bool { return x[0] > MIN_FREQ; }`,
  offset: {
    nHostValues: 3,
    hostValues(ref, eps, k, out, at) {
      const t = timesOf(eps)[k]!;
      splitF32(phaseModPi(ref[0]!, t, 0.5), out, at);
      out[at + 2] = t / 2;
    },
    wgsl: 'fn pr0d(d: array<f32, NP>, h: array<f32, NH>) -> f32 { return cos2(offsetPhase(d[0], h[2], h[0], h[1])); }',
  },
});

/**
 * SimpleInversionModel: `Pr(0) = cos²(t (ω − ω₋) / 2)`; `e = [t/2, ω₋]`. Phase-exact:
 * `h = [φ_hi, φ_lo, t/2]` with `φ = t (r − ω₋)/2 mod π` (the difference and product exact).
 */
const simpleInversion: GpuModelFactory = (model) => ({
  name: model.name,
  nModelparams: 1,
  nExpValues: 2,
  packExperiments(eps: ExpParams, out: Float32Array) {
    packColumn(eps.field('t'), out, 2, 0, 0.5);
    packColumn(eps.field('w_'), out, 2, 1);
  },
  wgsl: `const MIN_FREQ: f32 = ${wgslF32(minFreqOf(model))};
fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32 { return cos2(e[0] * (x[0] - e[1])); }
fn valid(x: array<f32, NP>) -> bool { return x[0] > MIN_FREQ; }`,
  offset: {
    nHostValues: 3,
    hostValues(ref, eps, k, out, at) {
      const t = eps.field('t')[k]!;
      splitF32(differencePhaseModPi(ref[0]!, eps.field('w_')[k]!, t, 0.5), out, at);
      out[at + 2] = t / 2;
    },
    wgsl: 'fn pr0d(d: array<f32, NP>, h: array<f32, NH>) -> f32 { return cos2(offsetPhase(d[0], h[2], h[0], h[1])); }',
  },
});

/**
 * UnknownT2Model: `Pr(0) = v cos²(ω t/2) + (1 − v)/2`, `v = exp(−t T₂⁻¹)`; `e = [t]`.
 * Phase-exact: `h = [φ_hi, φ_lo, t/2, A_hi, A_lo, t]` with `φ = r₀ t/2 mod π` and `A = r₁ t`
 * (the reference's decay exponent), `v = exp(−((d₁ t + A_lo) + A_hi))` on the device.
 */
const unknownT2: GpuModelFactory = (model) => ({
  name: model.name,
  nModelparams: 2,
  nExpValues: 1,
  packExperiments(eps: ExpParams, out: Float32Array) {
    packColumn(eps.field('t'), out, 1, 0);
  },
  wgsl: `fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32 {
  let v = exp(-e[0] * x[1]);
  return v * cos2(0.5 * x[0] * e[0]) + 0.5 * (1.0 - v);
}
fn valid(x: array<f32, NP>) -> bool { return x[0] >= 0.0 && x[1] >= 0.0; }`,
  offset: {
    nHostValues: 6,
    hostValues(ref, eps, k, out, at) {
      const t = eps.field('t')[k]!;
      splitF32(phaseModPi(ref[0]!, t, 0.5), out, at);
      out[at + 2] = t / 2;
      splitF32(ref[1]! * t, out, at + 3);
      out[at + 5] = t;
    },
    wgsl: `fn pr0d(d: array<f32, NP>, h: array<f32, NH>) -> f32 {
  let v = exp(-offsetPhase(d[1], h[5], h[3], h[4]));
  return min(v * cos2(offsetPhase(d[0], h[2], h[0], h[1])) + 0.5 * (1.0 - v), 1.0);
}`,
  },
});

/**
 * MultiCosModel: `Pr(0) = (cos(ω₁ t₁) cos(ω₂ t₂))² = cos²(ω₁ t₁) · cos²(ω₂ t₂)`; `e = [t₁, t₂]`.
 * Phase-exact: `h = [φ₁_hi, φ₁_lo, t₁, φ₂_hi, φ₂_lo, t₂]` with `φᵢ = rᵢ tᵢ mod π`.
 */
const multiCos: GpuModelFactory = (model) => ({
  name: model.name,
  nModelparams: 2,
  nExpValues: 2,
  packExperiments(eps: ExpParams, out: Float32Array) {
    const ts = eps.field('ts');
    if (ts.length !== 2 * eps.length) throw new QinferArgumentError('ERR_SHAPE', `MultiCosModel needs 2 values of 'ts' per experiment`);
    for (let i = 0; i < ts.length; i++) out[i] = ts[i]!;
  },
  wgsl: `fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32 { return cos2(x[0] * e[0]) * cos2(x[1] * e[1]); }
fn valid(x: array<f32, NP>) -> bool { return x[0] > 0.0 && x[0] <= 1.0 && x[1] > 0.0 && x[1] <= 1.0; }`,
  offset: {
    nHostValues: 6,
    hostValues(ref, eps, k, out, at) {
      const ts = eps.field('ts');
      if (ts.length !== 2 * eps.length) throw new QinferArgumentError('ERR_SHAPE', `MultiCosModel needs 2 values of 'ts' per experiment`);
      for (let i = 0; i < 2; i++) {
        const t = ts[2 * k + i]!;
        splitF32(phaseModPi(ref[i]!, t), out, at + 3 * i);
        out[at + 3 * i + 2] = t;
      }
    },
    wgsl: `fn pr0d(d: array<f32, NP>, h: array<f32, NH>) -> f32 {
  return cos2(offsetPhase(d[0], h[2], h[0], h[1])) * cos2(offsetPhase(d[1], h[5], h[3], h[4]));
}`,
  },
});

/**
 * The built-in GPU models, keyed by the CPU model's name: SimplePrecessionModel,
 * SimpleInversionModel, UnknownT2Model, MultiCosModel and RandomizedBenchmarkingModel (all
 * two-outcome, float32 on the device).
 *
 * @example
 * ```ts
 * import { BUILTIN_GPU_MODELS } from 'qinfer-rx/gpu';
 * Object.keys(BUILTIN_GPU_MODELS); // ['SimplePrecessionModel', …]
 * ```
 */
export const BUILTIN_GPU_MODELS: Readonly<Record<string, GpuModelFactory>> = Object.freeze({
  SimplePrecessionModel: simplePrecession,
  SimpleInversionModel: simpleInversion,
  UnknownT2Model: unknownT2,
  MultiCosModel: multiCos,
  RandomizedBenchmarkingModel: rbGpuModel,
});

/**
 * The {@link GpuModel} of `model`, from `extra` (user factories) or the built-ins, by
 * `model.name`. Throws `QinferArgumentError` (`ERR_UNKNOWN_MODEL`) when there is none, and
 * `ERR_SHAPE` when the factory disagrees with the model's parameter count.
 *
 * @example
 * ```ts
 * import { SimplePrecessionModel } from 'qinfer-rx';
 * import { gpuModelFor } from 'qinfer-rx/gpu';
 * gpuModelFor(new SimplePrecessionModel()).nExpValues; // 1
 * ```
 */
export function gpuModelFor(model: Model, extra: Readonly<Record<string, GpuModelFactory>> = {}): GpuModel {
  const factory = extra[model.name] ?? BUILTIN_GPU_MODELS[model.name];
  if (factory === undefined) {
    throw new QinferArgumentError('ERR_UNKNOWN_MODEL', `no GPU (WGSL) version of model '${model.name}'; built-in: ${Object.keys(BUILTIN_GPU_MODELS).join(', ')}`, {
      details: { model: model.name },
    });
  }
  const g = factory(model);
  if (g.nModelparams !== model.nModelparams) {
    throw new QinferArgumentError('ERR_SHAPE', `GPU model '${g.name}' has ${g.nModelparams} parameters, the model ${model.nModelparams}`);
  }
  if (model.nOutcomes() !== 2) throw new QinferArgumentError('ERR_ARGUMENT', `GPU models must have two outcomes; '${model.name}' has ${model.nOutcomes()}`);
  return g;
}
