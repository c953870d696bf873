import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import { splitF32 } from './exactPhase.js';
import type { GpuModelFactory } from './GpuModel.js';

/**
 * WGSL helpers: `pᵐ` with `p⁰ = 1`, and `log1p` / `expm1` accurate in RELATIVE terms for small
 * arguments (Taylor series below 0.1: WGSL only bounds `log` and `exp` absolutely near 1, 2⁻²¹,
 * which would cost a relative 5e-4 on an offset of 1e-3).
 */
const HELPERS = `fn powm(p: f32, m: f32) -> f32 {
  if (m == 0.0) { return 1.0; }
  if (p <= 0.0) { return 0.0; }
  return exp2(m * log2(p));
}
fn log1pf(x: f32) -> f32 {
  if (abs(x) < 0.1) {
    return x * (1.0 - x * (0.5 - x * (0.33333334 - x * (0.25 - x * (0.2 - x * (0.16666667 - x * (0.14285715 - x * 0.125)))))));
  }
  return log(1.0 + x);
}
fn expm1f(y: f32) -> f32 {
  if (abs(y) < 0.1) {
    return y * (1.0 + y * (0.5 + y * (0.16666667 + y * (0.041666668 + y * (0.008333334 + y * (0.0013888889 + y * 0.0001984127))))));
  }
  return exp(y) - 1.0;
}`;

/**
 * RandomizedBenchmarkingModel on the device: `Pr(0) = 1 − (A pᵐ + B)` (interleaved: `p` is
 * `p_ref` on reference sequences, `p̃ p_ref` on the others); `e = [m]` or `[m, reference]`.
 *
 * Phase-exact form (particles as float32 offsets `d` from a float64 reference `r`): the host
 * computes, per experiment, `c₀ = 1 − r_A r_Pᵐ − r_B` (hi/lo), `P_r = r_pᵐ` and the inverse(s)
 * `1/r_p`; the device forms the relative change of `pᵐ` as
 * `δ = expm1(m (log1p(d_p/r_p) [+ log1p(d_p̃/r_p̃)]))` and
 *
 *   Pr(0) = c₀ − (r_A P_r δ + d_A P_r (1 + δ) + d_B),
 *
 * so that neither `1 − s` for a survival `s` near 1 nor `pᵐ` at large `m` is lost to float32
 * rounding of the particle itself (only its small offset is rounded). A reference with `p ≤ 0`,
 * or a particle farther than half the reference from it (`|d_p/r_p| > ½`, a cloud as wide as the
 * prior) or with `|m log(p/r_p)| > 20` (a relative change past e²⁰), falls back to `pow` of the
 * absolute value. The result is clamped to [0, 1] (float32 rounding at survivals of exactly 1).
 */
export const rbGpuModel: GpuModelFactory = (model: Model) => {
  const interleaved = model.params['interleaved'] === true;
  const nP = interleaved ? 4 : 3;
  const check = (eps: ExpParams): { m: Float64Array; ref: Float64Array | undefined } => {
    const m = eps.field('m'), ref = interleaved ? eps.field('reference') : undefined;
    for (let k = 0; k < m.length; k++) {
      if (!Number.isInteger(m[k]!) || m[k]! < 0) throw new QinferArgumentError('ERR_EXPPARAMS_FIELD', `sequence length m of experiment ${k} must be a non-negative integer, got ${m[k]}`);
      if (ref !== undefined && ref[k] !== 0 && ref[k] !== 1) throw new QinferArgumentError('ERR_EXPPARAMS_FIELD', `reference of experiment ${k} must be 0 or 1, got ${ref[k]}`);
    }
    return { m, ref };
  };
  const absolute = interleaved
    ? `fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32 {
  let p = select(x[0] * x[1], x[1], e[1] == 1.0);
  return 1.0 - (x[2] * powm(p, e[0]) + x[3]);
}
fn valid(x: array<f32, NP>) -> bool {
  let pc = x[0]; let p = x[1]; let a = x[2]; let b = x[3];
  return p >= 0.0 && p <= 1.0 && pc >= 0.0 && pc <= 1.0 && a >= 0.0 && a <= 1.0 && b >= 0.0 && b <= 1.0 && a + b <= 1.0 && a * p + b <= 1.0 && a * pc + b <= 1.0;
}`
    : `fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32 { return 1.0 - (x[1] * powm(x[0], e[0]) + x[2]); }
fn valid(x: array<f32, NP>) -> bool {
  let p = x[0]; let a = x[1]; let b = x[2];
  return p >= 0.0 && p <= 1.0 && a >= 0.0 && a <= 1.0 && b >= 0.0 && b <= 1.0 && a + b <= 1.0 && a * p + b <= 1.0;
}`;
  // host values: [c0_hi, c0_lo, P_r, m, 1/r_p, 1/r_p̃ (0 on reference sequences), r_A,
  //               absolute (1: a reference p or p̃ of 0, use pr0(r + d)), reference, r (f32, NP values)]
  const offsetWgsl = `fn pr0d(d: array<f32, NP>, h: array<f32, NH>) -> f32 {
  let iP = ${interleaved ? '1' : '0'}; let iA = ${interleaved ? '2' : '1'}; let iB = ${interleaved ? '3' : '2'};
  let xp = d[iP] * h[4];
  ${interleaved ? 'let xt = d[0] * h[5];' : 'let xt = 0.0;'}
  var y = 0.0;
  // near the reference: the relative form; far from it (|d/r| > ½: a cloud as wide as the prior,
  // or |m·log(p/r_p)| > 20, where the relative change overflows) pow of the absolute value
  var far = h[7] == 1.0 || abs(xp) > 0.5 || abs(xt) > 0.5;
  if (!far) {
    y = h[3] * (log1pf(xp) + log1pf(xt));
    far = abs(y) > 20.0;
  }
  if (far) {
    var x: array<f32, NP>;
    for (var i = 0u; i < NP; i++) { x[i] = h[9u + i] + d[i]; }
    var e: array<f32, NF>;
    e[0] = h[3];
    ${interleaved ? 'e[1] = h[8];' : ''}
    return clamp(pr0(x, e), 0.0, 1.0);
  }
  let delta = expm1f(y);
  return clamp((h[0] - (h[6] * h[2] * delta + d[iA] * h[2] * (1.0 + delta) + d[iB])) + h[1], 0.0, 1.0);
}`;
  return {
    name: model.name,
    nModelparams: nP,
    nExpValues: interleaved ? 2 : 1,
    packExperiments(eps: ExpParams, out: Float32Array) {
      const { m, ref } = check(eps);
      for (let k = 0; k < m.length; k++) {
        if (ref === undefined) out[k] = m[k]!;
        else {
          out[2 * k] = m[k]!;
          out[2 * k + 1] = ref[k]!;
        }
      }
    },
    wgsl: `${HELPERS}\n${absolute}`,
    offset: {
      nHostValues: 9 + nP,
      hostValues(r, eps, k, out, at) {
        const { m, ref } = check(eps);
        const mk = m[k]!, isRef = ref === undefined || ref[k] === 1;
        const pRef = interleaved ? r[1]! : r[0]!, pt = interleaved ? r[0]! : 1, A = interleaved ? r[2]! : r[1]!, B = interleaved ? r[3]! : r[2]!;
        const pEff = isRef ? pRef : pt * pRef;
        const Pr = mk === 0 ? 1 : Math.pow(pEff, mk);
        splitF32(1 - (A * Pr + B), out, at);
        out[at + 2] = Pr;
        out[at + 3] = mk;
        out[at + 4] = pRef > 0 ? 1 / pRef : 0;
        out[at + 5] = !isRef && pt > 0 ? 1 / pt : 0;
        out[at + 6] = A;
        out[at + 7] = pRef > 0 && (isRef || pt > 0) ? 0 : 1; // no relative offset from p = 0
        out[at + 8] = isRef ? 1 : 0;
        for (let i = 0; i < nP; i++) out[at + 9 + i] = r[i]!;
      },
      wgsl: offsetWgsl,
    },
  };
};
