import type { DeviceModel } from './deviceModel.js';
import { WORKGROUP_SIZE } from './dispatchGrid.js';
import { wgslPrelude } from './wgslPrelude.js';

/**
 * WGSL of the likelihood kernel for `model` (QInfer's PyOpenCL example, `qinfer/gpu_models.py`, extended to the
 * outcome axis, phase-exact): one invocation per element of the Cartesian product
 * outcomes × particles × experiments, `idx = (i·nM + j)·nE + k`, writing
 *
 *   L[i, j, k] = pr0d(d_j, h_k)        if outcomes[i] = 0,
 *              = 1 − pr0d(d_j, h_k)    otherwise,
 *
 * with `d_j = f32(x_j − r)` the particles' offsets from the call's reference `r` and `h_k` the
 * host values of experiment k for `r` (see `GpuOffsetForm`), in workgroups of 256 folded into a
 * 2-D/3-D grid past 65 535 groups (entry point `likelihood`). Bindings: 0 uniform `{nM, nE, nO}`,
 * 1 offsets `[nM·NP]`, 2 host values `[nE·NH]`, 3 outcomes `[nO]` (u32), 4 output `[nO·nM·nE]`;
 * all float32.
 *
 * @example
 * ```ts
 * device.createShaderModule({ code: likelihoodShader(deviceModel(gpuModelFor(new SimplePrecessionModel()))) });
 * ```
 */
export function likelihoodShader(model: Pick<DeviceModel, 'nModelparams' | 'nExpValues' | 'nHostValues' | 'wgsl'>): string {
  return `${wgslPrelude(model)}
struct Dims { nM: u32, nE: u32, nO: u32, pad: u32 };
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> ds: array<f32>;
@group(0) @binding(2) var<storage, read> hs: array<f32>;
@group(0) @binding(3) var<storage, read> outcomes: array<u32>;
@group(0) @binding(4) var<storage, read_write> L: array<f32>;

@compute @workgroup_size(${WORKGROUP_SIZE})
fn likelihood(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) li: u32) {
  let idx = groupIndex(wid, nwg) * ${WORKGROUP_SIZE}u + li;
  let perOutcome = dims.nM * dims.nE;
  if (idx >= dims.nO * perOutcome) { return; }
  let o = idx / perOutcome;
  let jk = idx - o * perOutcome;
  let j = jk / dims.nE;
  let k = jk - j * dims.nE;
  var d: array<f32, NP>;
  for (var p = 0u; p < NP; p++) { d[p] = ds[j * NP + p]; }
  var h: array<f32, NH>;
  for (var f = 0u; f < NH; f++) { h[f] = hs[k * NH + f]; }
  let p0 = pr0d(d, h);
  L[idx] = select(1.0f - p0, p0, outcomes[o] == 0u);
}
`;
}
