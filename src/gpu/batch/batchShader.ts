import type { DeviceModel } from '../deviceModel.js';
import { WORKGROUP_SIZE } from '../dispatchGrid.js';
import { WGSL_BLOCK_PICK, WGSL_RANDOM, treeReduce } from '../wgslCommon.js';
import { wgslPrelude } from '../wgslPrelude.js';
import { ST, S, inputFloats, maxComponents, triangle, weighComponents } from './batchLayout.js';

/** Invocations per workgroup of the per-trial kernels (one invocation per trial). */
export const TRIAL_GROUP = 64;

/** The kernels of one batched step, in dispatch order (see {@link batchShader}). */
export const BATCH_ENTRIES = [
  'simulate', 'weigh', 'reduceW', 'finish', 'moments2', 'reduceC', 'prepResample', 'resample', 'postResample',
  'moments1r', 'reduceM', 'estFinish', 'moments1', 'pghDraw',
] as const;
export type BatchEntry = (typeof BATCH_ENTRIES)[number];

/** The per-trial kernels (dispatched over ⌈K/64⌉ groups); the others run over the K·G particle blocks or K trials × 256. */
export const TRIAL_KERNELS: readonly BatchEntry[] = ['simulate', 'finish', 'prepResample', 'postResample', 'estFinish', 'pghDraw'];
/** The per-trial reductions (one workgroup of 256 per trial). */
export const REDUCE_KERNELS: readonly BatchEntry[] = ['reduceW', 'reduceM', 'reduceC'];

/**
 * WGSL of the batched performance-test engine for `model`: K trials' clouds resident together,
 * each trial its own float64 reference on the host (phase-exact offsets, docs/gpu.md), advanced
 * by one submission per experiment over the trial × particle grid. With `t` the trial, `b` its
 * block of 256 particles (G blocks per trial), per step:
 *
 *   simulate:    o_t = [pr0d(0, h_true,t) ≤ u_t]  (the true parameters' outcome, u_t from the trial's simulation stream)
 *   weigh:       u'_i = u_i · (n / S_t) · Pr(o_t | r_t + d_i; e_t)    (partials Σu', Σu'², #invalid, Σu' d; block sums)
 *   finish:      N_t = Σu'/n, n_ess = (Σu')²/Σu'², μ_t = Σu' d / Σu', accept (zero-weight policy),
 *                resample iff n_ess < thresh · n
 *   moments2:    (flagged trials) C_t = Σu (d − μ)(d − μ)ᵀ / Σu
 *   resample:    (flagged trials) L = h·chol(C) (zeroCovComp·I when C = 0), children per block systematic
 *                from one device uniform, parents multinomial within the block, Liu–West re-centred on
 *                r_t + μ_t: d' = a (d_parent − μ) + L z, postselected on valid((r + μ) + d') in float32
 *   estimate:    μ'_t = μ_t, or after a resampling Σu d / Σu of the new cloud (the estimate is r_t + μ'_t on the host)
 *   pghDraw:     (PGH, a submission of its own) two particles per trial from the weights, retried
 *                while ‖Q (d_a − d_b)‖₁ = 0
 *
 * Bindings: 0 `Params`, 1 offsets `x[2][K][n][NP]`, 2 weights `w[2][K][n]` (halves by the trial's
 * parities), 3 state `st[K][ST]`, 4 per-step inputs `inp[K][IN]` (host values of the cloud and
 * of the truth, the simulation uniform, the reference hi/lo), 5 partial sums (K·G·C, then K·G
 * block sums), 6 `offs` (u32: seeds `[K][2]`, then block child offsets `[K][G+1]`). Sums are
 * pairwise trees; weights stay ~1 (rescaled by n/S every step).
 */
export function batchShader(model: DeviceModel): string {
  const nP = model.nModelparams, nH = Math.max(1, model.nHostValues), W = WORKGROUP_SIZE;
  const K2 = triangle(nP), CM = maxComponents(nP), IN = inputFloats(nP, nH), CW = weighComponents(nP);
  const pairs: string[] = [];
  for (let p = 0; p < nP; p++) for (let q = p; q < nP; q++) pairs.push(`d[${p}] * d[${q}]`);
  const moments1 = (name: string, cond: string): string => `
@compute @workgroup_size(${W})
fn ${name}(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let g = groupIndex(wid, nwg);
  let t = g / P.G;
  let i = (g - t * P.G) * ${W}u + li;
  for (var c = 0u; c <= NP; c++) { sh[li * (NP + 1u) + c] = 0.0f; }
  if (t < P.K && i < P.n && alive(t) && ${cond}) {
    let u = w[widx(wpar(t), t, i)];
    let d = particle(t, i);
    for (var p = 0u; p < NP; p++) { sh[li * (NP + 1u) + p] = u * d[p]; }
    sh[li * (NP + 1u) + NP] = u;
  }
  ${treeReduce(nP + 1)}
  if (li == 0u && t < P.K) {
    for (var c = 0u; c <= NP; c++) { part[g * (NP + 1u) + c] = sh[c]; }
    part[blockBase() + g] = sh[NP];
  }
}`;
  const reduce = (name: string, C: number, dest: number): string => `
@compute @workgroup_size(${W})
fn ${name}(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = groupIndex(wid, nwg);
  var acc: array<f32, ${C}>;
  for (var c = 0u; c < ${C}u; c++) { acc[c] = 0.0f; }
  if (t < P.K) {
    for (var b = li; b < P.G; b += ${W}u) { for (var c = 0u; c < ${C}u; c++) { acc[c] += part[(t * P.G + b) * ${C}u + c]; } }
  }
  for (var c = 0u; c < ${C}u; c++) { sh[li * ${C}u + c] = acc[c]; }
  ${treeReduce(C)}
  if (li == 0u && t < P.K) { for (var c = 0u; c < ${C}u; c++) { st[t * ST + ${dest}u + c] = sh[c]; } }
}`;
  return `${wgslPrelude(model)}
const ST: u32 = ${ST}u;
const IN: u32 = ${IN}u;
const CM: u32 = ${CM}u;
struct Params {
  n: u32, K: u32, G: u32, step: u32,
  maxiter: u32, postselect: u32, acceptZero: u32, zeroError: u32,
  pghIters: u32, p9: u32, p10: u32, p11: u32,
  thresh: f32, a: f32, h: f32, zeroThresh: f32,
  zcc: f32, tol: f32, p18: f32, p19: f32,
  Q: vec4<f32>,
};
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> st: array<f32>;
@group(0) @binding(4) var<storage, read> inp: array<f32>;
@group(0) @binding(5) var<storage, read_write> part: array<f32>;
@group(0) @binding(6) var<storage, read_write> offs: array<u32>;
var<workgroup> sh: array<f32, ${W * CM}>;
var<workgroup> go: u32;
${WGSL_RANDOM}
${WGSL_BLOCK_PICK}

fn alive(t: u32) -> bool { return st[t * ST + ${S.DEAD}u] == 0.0f; }
fn wpar(t: u32) -> u32 { return u32(st[t * ST + ${S.WPAR}u]); }
fn xpar(t: u32) -> u32 { return u32(st[t * ST + ${S.XPAR}u]); }
fn widx(half: u32, t: u32, i: u32) -> u32 { return (half * P.K + t) * P.n + i; }
fn xidx(half: u32, t: u32, i: u32) -> u32 { return ((half * P.K + t) * P.n + i) * NP; }
fn particle(t: u32, i: u32) -> array<f32, NP> {
  var d: array<f32, NP>;
  let o = xidx(xpar(t), t, i);
  for (var p = 0u; p < NP; p++) { d[p] = x[o + p]; }
  return d;
}
/** The trial's seed pair for this step and purpose (salt). */
fn seedOf(t: u32, salt: u32) -> vec2<u32> { return vec2<u32>(offs[2u * t], offs[2u * t + 1u] ^ hash32(P.step * 0x9e3779b9u + salt)); }
fn blockBase() -> u32 { return P.K * P.G * CM; }
fn offBase(t: u32) -> u32 { return 2u * P.K + t * (P.G + 1u); }

@compute @workgroup_size(${TRIAL_GROUP})
fn simulate(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = groupIndex(wid, nwg) * ${TRIAL_GROUP}u + li;
  if (t >= P.K || !alive(t)) { return; }
  var zero: array<f32, NP>;
  for (var p = 0u; p < NP; p++) { zero[p] = 0.0f; }
  var h: array<f32, NH>;
  for (var f = 0u; f < NH; f++) { h[f] = inp[t * IN + NH + f]; }
  let p0 = pr0d(zero, h);
  st[t * ST + ${S.OUTCOME}u] = select(1.0f, 0.0f, p0 > inp[t * IN + 2u * NH]);
}

@compute @workgroup_size(${W})
fn weigh(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let g = groupIndex(wid, nwg);
  let t = g / P.G;
  let i = (g - t * P.G) * ${W}u + li;
  var un = 0.0f;
  var bad = 0.0f;
  var d: array<f32, NP>;
  for (var p = 0u; p < NP; p++) { d[p] = 0.0f; }
  if (t < P.K && i < P.n && alive(t)) {
    var h: array<f32, NH>;
    for (var f = 0u; f < NH; f++) { h[f] = inp[t * IN + f]; }
    d = particle(t, i);
    let p0 = pr0d(d, h);
    var l = select(1.0f - p0, p0, st[t * ST + ${S.OUTCOME}u] == 0.0f);
    let bits = bitcast<u32>(l) & 0x7fffffffu;
    if (bits > 0x7f800000u || l > 1.0f + P.tol || l < -P.tol) { bad = 1.0f; l = 0.0f; }
    l = max(l, 0.0f);
    let hw = wpar(t);
    un = w[widx(hw, t, i)] * (f32(P.n) / st[t * ST + ${S.SUM}u]) * l;
    w[widx(1u - hw, t, i)] = un;
  }
  sh[li * ${CW}u] = un;
  sh[li * ${CW}u + 1u] = un * un;
  sh[li * ${CW}u + 2u] = bad;
  for (var p = 0u; p < NP; p++) { sh[li * ${CW}u + 3u + p] = un * d[p]; }
  ${treeReduce(CW)}
  if (li == 0u && t < P.K) {
    for (var c = 0u; c < ${CW}u; c++) { part[g * ${CW}u + c] = sh[c]; }
    part[blockBase() + g] = sh[0];
  }
}
${reduce('reduceW', CW, S.SNEW)}

@compute @workgroup_size(${TRIAL_GROUP})
fn finish(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = groupIndex(wid, nwg) * ${TRIAL_GROUP}u + li;
  if (t >= P.K) { return; }
  let o = t * ST;
  st[o + ${S.ACCEPTED}u] = 0.0f;
  st[o + ${S.RESAMPLE}u] = 0.0f;
  if (!alive(t)) { return; }
  let S1 = st[o + ${S.SNEW}u];
  let Q1 = st[o + ${S.QNEW}u];
  let bad = st[o + ${S.BAD}u];
  let N = S1 / f32(P.n);
  st[o + ${S.NORM}u] = N;
  st[o + ${S.INVALID}u] = bad;
  let positive = N > P.zeroThresh;
  if (bad > 0.0f) { st[o + ${S.DEAD}u] = 1.0f; return; }
  if (!positive && P.zeroError == 1u) { st[o + ${S.DEAD}u] = 2.0f; return; }
  if (!(positive || P.acceptZero == 1u)) { return; }
  st[o + ${S.ACCEPTED}u] = 1.0f;
  st[o + ${S.WPAR}u] = f32(1u - wpar(t));
  st[o + ${S.SUM}u] = S1;
  for (var p = 0u; p < NP; p++) {
    let mu = st[o + ${S.WSUM}u + p] / S1;
    st[o + ${S.MU}u + p] = mu;
    st[o + ${S.MUEST}u + p] = mu;
  }
  let ness = (S1 / Q1) * S1;
  st[o + ${S.NESS}u] = ness;
  st[o + ${S.RESAMPLE}u] = select(0.0f, 1.0f, ness < P.thresh * f32(P.n));
}

${moments1('moments1', 'true')}
${moments1('moments1r', `st[t * ST + ${S.RESAMPLE}u] == 1.0f`)}
${reduce('reduceM', nP + 1, S.MSUM)}

@compute @workgroup_size(${W})
fn moments2(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let g = groupIndex(wid, nwg);
  let t = g / P.G;
  let i = (g - t * P.G) * ${W}u + li;
  for (var c = 0u; c < ${K2}u; c++) { sh[li * ${K2}u + c] = 0.0f; }
  if (t < P.K && i < P.n && alive(t) && st[t * ST + ${S.RESAMPLE}u] == 1.0f) {
    let u = w[widx(wpar(t), t, i)];
    var d = particle(t, i);
    for (var p = 0u; p < NP; p++) { d[p] -= st[t * ST + ${S.MU}u + p]; }
    var v = array<f32, ${K2}>(${pairs.join(', ')});
    for (var c = 0u; c < ${K2}u; c++) { sh[li * ${K2}u + c] = u * v[c]; }
  }
  ${treeReduce(K2)}
  if (li == 0u && t < P.K) { for (var c = 0u; c < ${K2}u; c++) { part[g * ${K2}u + c] = sh[c]; } }
}
${reduce('reduceC', K2, S.CSUM)}

@compute @workgroup_size(${TRIAL_GROUP})
fn prepResample(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = groupIndex(wid, nwg) * ${TRIAL_GROUP}u + li;
  if (t >= P.K || !alive(t) || st[t * ST + ${S.RESAMPLE}u] != 1.0f) { return; }
  let o = t * ST;
  let su = st[o + ${S.SUM}u];
  // covariance of the offsets, full matrix from the upper triangle; zeroCovComp·I when it is 0
  var C: array<f32, 16>;
  var nonzero = false;
  var c = 0u;
  for (var p = 0u; p < NP; p++) {
    for (var q = p; q < NP; q++) {
      let v = st[o + ${S.CSUM}u + c] / su;
      C[p * 4u + q] = v;
      C[q * 4u + p] = v;
      nonzero = nonzero || v != 0.0f; // not Σv² > 0: that underflows in float32 for the narrow posteriors of long runs
      c++;
    }
  }
  if (!nonzero) {
    for (var p = 0u; p < NP; p++) { for (var q = 0u; q < NP; q++) { C[p * 4u + q] = select(0.0f, P.zcc, p == q); } }
  }
  // Cholesky C = L Lᵀ (L z ~ N(0, C), the same law as sqrtm(C) z); negative pivots from rounding count as 0
  var L: array<f32, 16>;
  for (var k = 0u; k < 16u; k++) { L[k] = 0.0f; }
  for (var j = 0u; j < NP; j++) {
    var s = C[j * 4u + j];
    for (var k = 0u; k < j; k++) { s -= L[j * 4u + k] * L[j * 4u + k]; }
    let piv = sqrt(max(s, 0.0f));
    L[j * 4u + j] = piv;
    for (var i = j + 1u; i < NP; i++) {
      var r = C[i * 4u + j];
      for (var k = 0u; k < j; k++) { r -= L[i * 4u + k] * L[j * 4u + k]; }
      L[i * 4u + j] = select(0.0f, r / piv, piv > 0.0f);
    }
  }
  for (var p = 0u; p < NP; p++) { for (var q = 0u; q < NP; q++) { st[o + ${S.LCH}u + p * NP + q] = P.h * L[p * 4u + q]; } }
  // children per block: systematic over the blocks' weight fractions
  let bb = blockBase() + t * P.G;
  var total = 0.0f;
  for (var b = 0u; b < P.G; b++) { total += part[bb + b]; }
  let U = runit(seedOf(t, 2u), 0u, 0u);
  let ob = offBase(t);
  offs[ob] = 0u;
  var cum = 0.0f;
  for (var b = 0u; b < P.G; b++) {
    cum += part[bb + b];
    let k = u32(clamp(floor(f32(P.n) * (cum / total) + U), 0.0f, f32(P.n)));
    offs[ob + b + 1u] = max(offs[ob + b], min(P.n, k));
  }
  offs[ob + P.G] = P.n;
}

@compute @workgroup_size(${W})
fn resample(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let g = groupIndex(wid, nwg);
  let t = g / P.G;
  let b = g - t * P.G;
  // one trial per workgroup: lane 0 decides for all (a uniform load, so the barriers below stay uniform)
  if (li == 0u) { go = select(0u, 1u, t < P.K && alive(min(t, P.K - 1u)) && st[min(t, P.K - 1u) * ST + ${S.RESAMPLE}u] == 1.0f); }
  if (workgroupUniformLoad(&go) == 0u) { return; }
  let hw = wpar(t);
  let hx = xpar(t);
  let base = b * ${W}u;
  let j = base + li;
  blockScan(li, select(0.0f, w[widx(hw, t, min(j, P.n - 1u))], j < P.n));
  let total = sh[${W - 1}u];
  let ob = offBase(t);
  let start = offs[ob + b];
  let end = offs[ob + b + 1u];
  let seed = seedOf(t, 1u);
  let o = t * ST;
  for (var c = start + li; c < end; c += ${W}u) {
    let lo = pickInBlock(runit(seed, c, 0u) * total);
    let par = xidx(hx, t, min(base + lo, P.n - 1u));
    var cand: array<f32, NP>;
    var xa: array<f32, NP>;
    for (var it = 0u; it < max(P.maxiter, 1u); it++) {
      let z = normals4(seed, c, it);
      for (var p = 0u; p < NP; p++) {
        var s = 0.0f;
        for (var q = 0u; q < NP; q++) { s += st[o + ${S.LCH}u + p * NP + q] * z[q]; }
        let mu = st[o + ${S.MU}u + p];
        cand[p] = P.a * (x[par + p] - mu) + s;
        xa[p] = ((inp[t * IN + 2u * NH + 1u + p] + mu) + cand[p]) + inp[t * IN + 2u * NH + 1u + NP + p];
      }
      if (P.postselect == 0u || valid(xa)) { break; }
    }
    let dst = xidx(1u - hx, t, c);
    for (var p = 0u; p < NP; p++) { x[dst + p] = cand[p]; }
    w[widx(1u - hw, t, c)] = 1.0f;
  }
}

@compute @workgroup_size(${TRIAL_GROUP})
fn postResample(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = groupIndex(wid, nwg) * ${TRIAL_GROUP}u + li;
  if (t >= P.K || !alive(t) || st[t * ST + ${S.RESAMPLE}u] != 1.0f) { return; }
  let o = t * ST;
  st[o + ${S.WPAR}u] = f32(1u - wpar(t));
  st[o + ${S.XPAR}u] = f32(1u - xpar(t));
  st[o + ${S.SUM}u] = f32(P.n);
  st[o + ${S.NESS}u] = f32(P.n);
  st[o + ${S.RCOUNT}u] += 1.0f;
}

@compute @workgroup_size(${TRIAL_GROUP})
fn estFinish(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = groupIndex(wid, nwg) * ${TRIAL_GROUP}u + li;
  if (t >= P.K || !alive(t) || st[t * ST + ${S.RESAMPLE}u] != 1.0f) { return; }
  let o = t * ST;
  for (var p = 0u; p < NP; p++) { st[o + ${S.MUEST}u + p] = st[o + ${S.MSUM}u + p] / st[o + ${S.MSUM}u + NP]; }
}

/** One particle drawn with probability ∝ its weight: a block from the block sums, then within it. */
fn drawParticle(t: u32, goalIn: f32) -> u32 {
  let bb = blockBase() + t * P.G;
  var goal = goalIn;
  var b = 0u;
  loop {
    if (b + 1u >= P.G) { break; }
    let s = part[bb + b];
    if (goal < s) { break; }
    goal -= s;
    b++;
  }
  let hw = wpar(t);
  let base = b * ${W}u;
  let last = min(base + ${W}u, P.n);
  var pick = base;
  for (var i = base; i < last; i++) {
    let u = w[widx(hw, t, i)];
    if (u > 0.0f) { pick = i; }
    if (goal < u) { break; }
    goal -= u;
  }
  return pick;
}

@compute @workgroup_size(${TRIAL_GROUP})
fn pghDraw(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = groupIndex(wid, nwg) * ${TRIAL_GROUP}u + li;
  if (t >= P.K || !alive(t)) { return; }
  let o = t * ST;
  let total = st[o + ${S.MSUM}u + NP];
  let seed = seedOf(t, 3u);
  st[o + ${S.PGH_OK}u] = 0.0f;
  for (var it = 0u; it < P.pghIters; it++) {
    let a = particle(t, drawParticle(t, runit(seed, 2u * it, 0u) * total));
    let b = particle(t, drawParticle(t, runit(seed, 2u * it + 1u, 0u) * total));
    var dist = 0.0f;
    for (var p = 0u; p < NP; p++) { dist += abs(P.Q[p] * (a[p] - b[p])); }
    if (dist > 0.0f) {
      for (var p = 0u; p < NP; p++) {
        st[o + ${S.PGH_A}u + p] = a[p];
        st[o + ${S.PGH_B}u + p] = b[p];
      }
      st[o + ${S.PGH_OK}u] = 1.0f;
      return;
    }
  }
}
`;
}
