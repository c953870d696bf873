import type { GpuModel } from './GpuModel.js';
import { WORKGROUP_SIZE } from './dispatchGrid.js';
import { wgslPrelude } from './wgslPrelude.js';

/**
 * WGSL of the likelihood kernel for `model` (QInfer's PyOpenCL example, spec §8, extended to the
 * outcome axis): one invocation per element of the Cartesian product outcomes × particles ×
 * experiments, `idx = (i·nM + j)·nE + k`, writing
 *
 *   L[i, j, k] = pr0(x_j, e_k)        if outcomes[i] = 0,
 *              = 1 − pr0(x_j, e_k)    otherwise,
 *
 * in workgroups of 256 folded into a 2-D/3-D grid past 65 535 groups (entry point `likelihood`).
 * Bindings: 0 uniform `{nM, nE, nO}`, 1 particles `[nM·NP]`, 2 experiments `[nE·NF]`,
 * 3 outcomes `[nO]` (u32), 4 output `[nO·nM·nE]`; all float32.
 *
 * @example
 * ```ts
 * device.createShaderModule({ code: likelihoodShader(gpuModelFor(new SimplePrecessionModel())) });
 * ```
 */
export function likelihoodShader(model: GpuModel): string {
  return `${wgslPrelude(model)}
struct Dims { nM: u32, nE: u32, nO: u32, pad: u32 };
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> xs: array<f32>;
@group(0) @binding(2) var<storage, read> es: array<f32>;
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
  var x: array<f32, NP>;
  for (var p = 0u; p < NP; p++) { x[p] = xs[j * NP + p]; }
  var e: array<f32, NF>;
  for (var f = 0u; f < NF; f++) { e[f] = es[k * NF + f]; }
  let p0 = pr0(x, e);
  L[idx] = select(1.0f - p0, p0, outcomes[o] == 0u);
}
`;
}
