import type { DeviceModel } from './deviceModel.js';
import { WGSL_GROUP_INDEX } from './dispatchGrid.js';

/**
 * WGSL shared by every model kernel: the constants `NP`, `NF`, `NH`, the group index, `cos2` and
 * `offsetPhase`, then the model's WGSL.
 *
 * `cos2(y) = cos²(y)` with y reduced modulo π by Cody–Waite in float32 (π = A + B + C, with A
 * holding 8 significant bits so that `k·A` is exact for |k| < 2¹⁶, i.e. |y| < 2·10⁵; beyond, the
 * reduction error grows like 2⁻²⁴|y|, the size of y's own rounding), then the Taylor polynomial
 * of cos on [−π/2, π/2], clamped to ≤ 1. It uses only +, −, × (correctly rounded in WGSL), not
 * the device's `cos`, whose accuracy WGSL bounds only loosely (2⁻¹¹ absolute; hardware
 * approximations such as NVIDIA's are ~2⁻²¹): the float32 tolerance is the same on every device.
 *
 * `offsetPhase(d, c, hi, lo) = (d·c + lo) + hi`: a phase-exact phase, the host's reduced
 * reference phase `hi + lo` (|hi| ≤ π/2) plus the offset phase `d·c` (docs/gpu.md).
 */
export function wgslPrelude(model: Pick<DeviceModel, 'nModelparams' | 'nExpValues' | 'nHostValues' | 'wgsl'>): string {
  return `const NP: u32 = ${model.nModelparams}u;
const NF: u32 = ${Math.max(model.nExpValues, 1)}u;
const NH: u32 = ${Math.max(model.nHostValues, 1)}u;
const PI_A: f32 = 3.140625f;
const PI_B: f32 = 9.67502593994140625e-4f;
const PI_C: f32 = 1.509957990978376432e-7f;
fn cos2(y: f32) -> f32 {
  let k = floor(y * 0.318309886183790671f + 0.5f);
  let r = ((y - k * PI_A) - k * PI_B) - k * PI_C;
  let z = r * r;
  // Taylor series of cos to r¹² (truncation < 7e-9 on [−π/2, π/2]) by Horner
  let c = 1.0f + z * (-0.5f + z * (4.16666666667e-2f + z * (-1.38888888889e-3f + z * (2.48015873016e-5f
        + z * (-2.75573192240e-7f + z * 2.08767569879e-9f)))));
  return min(c * c, 1.0f);
}
fn offsetPhase(d: f32, c: f32, hi: f32, lo: f32) -> f32 { return (d * c + lo) + hi; }
${WGSL_GROUP_INDEX}
${model.wgsl}
`;
}
