import type { DeviceModel } from './deviceModel.js';
import { WORKGROUP_SIZE } from './dispatchGrid.js';
import { wgslPrelude } from './wgslPrelude.js';
import { WGSL_BLOCK_PICK, WGSL_RANDOM, treeReduce } from './wgslCommon.js';

/** Float offsets inside the small state buffer of a resident cloud. */
export const SMALL_STATE = 0; // slot p (p = 0, 1) at 8p: [S, Q, nEss, resampleFlag, invalidCount]
export const SMALL_MEAN = 16; // mean (≤ 4 values)
export const SMALL_EXP = 32; // the current experiment's NH host values
export const SMALL_FLOATS = 128;
/** Most host values per experiment the small buffer holds. */
export const MAX_HOST_VALUES = SMALL_FLOATS - SMALL_EXP;
/** Byte size of the `Params` uniform. */
export const PARAMS_BYTES = 160;
/** Largest `nModelparams` the resident update supports (mean and Liu–West kernel use vec4/mat4x4). */
export const MAX_RESIDENT_PARAMS = 4;

/** Components of the centred second moments: the upper triangle `p ≤ q` of the covariance. */
export function covarianceComponents(nP: number): number {
  return (nP * (nP + 1)) / 2;
}

/**
 * WGSL of the reduction pass with `K` components: workgroup `g` sums inputs `256g … 256g+255`
 * (each `K` floats) by a pairwise tree in workgroup memory and writes one `K`-vector. Passes run
 * until one vector is left, so every sum is a tree of float32 additions (error growing like
 * `log₂ n`, not `n`). Entry point `reduce`; bindings 0 uniform `{count}`, 1 input, 2 output.
 */
export function reduceShader(K: number): string {
  return `struct RP { count: u32, p1: u32, p2: u32, p3: u32 };
@group(0) @binding(0) var<uniform> rp: RP;
@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read_write> outp: array<f32>;
var<workgroup> sh: array<f32, ${WORKGROUP_SIZE * K}>;
fn groupIndex(wid: vec3<u32>, nwg: vec3<u32>) -> u32 { return wid.x + nwg.x * (wid.y + nwg.y * wid.z); }
@compute @workgroup_size(${WORKGROUP_SIZE})
fn reduce(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) li: u32) {
  let g = groupIndex(wid, nwg);
  let i = g * ${WORKGROUP_SIZE}u + li;
  for (var c = 0u; c < ${K}u; c++) { sh[li * ${K}u + c] = select(0.0f, inp[i * ${K}u + c], i < rp.count); }
  ${treeReduce(K)}
  if (li == 0u && g * ${WORKGROUP_SIZE}u < rp.count) {
    for (var c = 0u; c < ${K}u; c++) { outp[g * ${K}u + c] = sh[c]; }
  }
}
`;
}

/**
 * WGSL of the device-resident SMC cloud for `model` (entry points `weigh`, `finishStep`,
 * `moments1`, `meanFinish`, `moments2`, `blockSums`, `resample`). Particles, as float32 offsets
 * `x[n·NP]` from a float64 reference `r` the host keeps (phase-exact, docs/gpu.md), and two
 * halves of unnormalised weights `w[2n]` (ping-pong by `parity`) stay on the device; with
 * `S = Σu` of the current half (kept in `small`),
 *
 *   weigh:   u'_i = u_i · (n / S) · L_i,   L_i = Pr(outcome | r + x_i; e) = pr0d(x_i, h)
 *            with h the experiment's host values for r   (workgroup partials of u', u'², #invalid)
 *   finish:  S' = Σu',  Q' = Σu'²,  N = S'/n (Bayes normalisation),  n_ess = S'²/Q',
 *            resample flag = n_ess < thresh · n          (all on the device; 32 bytes come back)
 *   moments: μ = Σ u x / S,  C = Σ u (x − μ)(x − μ)ᵀ / S  (centred: no E[xx]−μμ cancellation in float32)
 *   resample: Liu–West re-centred on the new reference r + μ: x' = a (x_parent − μ) + h S z
 *            (the affine Liu–West map in offset coordinates), postselected on
 *            valid((r' + x') as float32 hi + lo); parents multinomial within blocks of 256
 *            particles whose child counts the host draws systematically (see ResidentCloud).
 *
 * Weights are rescaled to mean ≈ 1 every step (u ~ 1 rather than 1/n), far from float32
 * underflow; every sum is a pairwise tree.
 */
export function residentShader(model: DeviceModel): string {
  const nP = model.nModelparams;
  const K2 = covarianceComponents(nP);
  const KSH = Math.max(3, nP, K2);
  const W = WORKGROUP_SIZE;
  const pairs: string[] = [];
  for (let p = 0; p < nP; p++) for (let q = p; q < nP; q++) pairs.push(`d[${p}] * d[${q}]`);
  return `${wgslPrelude(model)}
struct Params {
  n: u32, outcome: u32, parity: u32, nBlocks: u32,
  seed0: u32, seed1: u32, maxiter: u32, postselect: u32,
  thresh: f32, a: f32, tol: f32, mhalf: u32,
  mu: vec4<f32>,
  hs: mat4x4<f32>,
  refHi: vec4<f32>,
  refLo: vec4<f32>,
};
const STATE: u32 = ${SMALL_STATE}u;
const MEAN: u32 = ${SMALL_MEAN}u;
const EXP: u32 = ${SMALL_EXP}u;
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> small: array<f32>;
@group(0) @binding(4) var<storage, read_write> part: array<f32>;
@group(0) @binding(5) var<storage, read_write> fin: array<f32>;
@group(0) @binding(6) var<storage, read_write> blocks: array<f32>;
@group(0) @binding(7) var<storage, read> offsets: array<u32>;
@group(0) @binding(8) var<storage, read_write> xNew: array<f32>;
var<workgroup> sh: array<f32, ${W * KSH}>;

fn particle(i: u32) -> array<f32, NP> {
  var v: array<f32, NP>;
  for (var p = 0u; p < NP; p++) { v[p] = x[i * NP + p]; }
  return v;
}
fn current(i: u32) -> f32 { return w[P.parity * P.n + i]; }
/** The weights the moment passes read: the current half, or the new one right after a step or a resampling. */
fn mcur(i: u32) -> f32 { return w[P.mhalf * P.n + i]; }

@compute @workgroup_size(${W})
fn weigh(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) li: u32) {
  let g = groupIndex(wid, nwg);
  let i = g * ${W}u + li;
  var un = 0.0f;
  var bad = 0.0f;
  if (i < P.n) {
    var h: array<f32, NH>;
    for (var f = 0u; f < NH; f++) { h[f] = small[EXP + f]; }
    let p0 = pr0d(particle(i), h);
    var l = select(1.0f - p0, p0, P.outcome == 0u);
    let bits = bitcast<u32>(l) & 0x7fffffffu;
    if (bits > 0x7f800000u || l > 1.0f + P.tol || l < -P.tol) { bad = 1.0f; l = 0.0f; }
    l = max(l, 0.0f);
    un = current(i) * (f32(P.n) / small[STATE + 8u * P.parity]) * l;
    w[(1u - P.parity) * P.n + i] = un;
  }
  sh[li * 3u] = un;
  sh[li * 3u + 1u] = un * un;
  sh[li * 3u + 2u] = bad;
  ${treeReduce(3)}
  if (li == 0u && g * ${W}u < P.n) {
    for (var c = 0u; c < 3u; c++) { part[g * 3u + c] = sh[c]; }
  }
}

@compute @workgroup_size(1)
fn finishStep() {
  let S = fin[0];
  let Q = fin[1];
  let o = STATE + 8u * (1u - P.parity);
  let ness = (S / Q) * S;
  small[o] = S;
  small[o + 1u] = Q;
  small[o + 2u] = ness;
  small[o + 3u] = select(0.0f, 1.0f, ness < P.thresh * f32(P.n));
  small[o + 4u] = fin[2];
}

@compute @workgroup_size(${W})
fn moments1(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) li: u32) {
  let g = groupIndex(wid, nwg);
  let i = g * ${W}u + li;
  for (var p = 0u; p < NP; p++) { sh[li * NP + p] = 0.0f; }
  if (i < P.n) {
    let u = mcur(i);
    for (var p = 0u; p < NP; p++) { sh[li * NP + p] = u * x[i * NP + p]; }
  }
  ${treeReduce(nP)}
  if (li == 0u && g * ${W}u < P.n) {
    for (var c = 0u; c < NP; c++) { part[g * NP + c] = sh[c]; }
  }
}

@compute @workgroup_size(1)
fn meanFinish() {
  let S = small[STATE + 8u * P.mhalf];
  for (var p = 0u; p < NP; p++) { small[MEAN + p] = fin[p] / S; }
}

@compute @workgroup_size(${W})
fn moments2(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) li: u32) {
  let g = groupIndex(wid, nwg);
  let i = g * ${W}u + li;
  for (var c = 0u; c < ${K2}u; c++) { sh[li * ${K2}u + c] = 0.0f; }
  if (i < P.n) {
    let u = mcur(i);
    var d: array<f32, NP>;
    for (var p = 0u; p < NP; p++) { d[p] = x[i * NP + p] - small[MEAN + p]; }
    var v = array<f32, ${K2}>(${pairs.join(', ')});
    for (var c = 0u; c < ${K2}u; c++) { sh[li * ${K2}u + c] = u * v[c]; }
  }
  ${treeReduce(K2)}
  if (li == 0u && g * ${W}u < P.n) {
    for (var c = 0u; c < ${K2}u; c++) { part[g * ${K2}u + c] = sh[c]; }
  }
}

@compute @workgroup_size(${W})
fn blockSums(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) li: u32) {
  let g = groupIndex(wid, nwg);
  let i = g * ${W}u + li;
  sh[li] = select(0.0f, current(min(i, P.n - 1u)), i < P.n);
  ${treeReduce(1)}
  if (li == 0u && g < P.nBlocks) { blocks[g] = sh[0]; }
}

${WGSL_RANDOM}
${WGSL_BLOCK_PICK}
fn seeds() -> vec2<u32> { return vec2<u32>(P.seed0, P.seed1); }

@compute @workgroup_size(${W})
fn resample(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) li: u32) {
  let b = groupIndex(wid, nwg);
  if (b >= P.nBlocks) { return; }
  let base = b * ${W}u;
  let j = base + li;
  blockScan(li, select(0.0f, current(min(j, P.n - 1u)), j < P.n));
  let total = sh[${W - 1}u];
  let start = offsets[b];
  let end = offsets[b + 1u];
  for (var c = start + li; c < end; c += ${W}u) {
    let lo = pickInBlock(runit(seeds(), c, 0u) * total);
    let xp = particle(min(base + lo, P.n - 1u));
    var cand: array<f32, NP>;
    var xa: array<f32, NP>;
    for (var it = 0u; it < max(P.maxiter, 1u); it++) {
      let z = normals4(seeds(), c, it);
      for (var p = 0u; p < NP; p++) {
        var s = 0.0f;
        for (var q = 0u; q < NP; q++) { s += P.hs[q][p] * z[q]; }
        cand[p] = P.a * (xp[p] - P.mu[p]) + s;
        xa[p] = (P.refHi[p] + cand[p]) + P.refLo[p];
      }
      if (P.postselect == 0u || valid(xa)) { break; }
    }
    for (var p = 0u; p < NP; p++) { xNew[c * NP + p] = cand[p]; }
    w[(1u - P.parity) * P.n + c] = 1.0f;
  }
}
`;
}
