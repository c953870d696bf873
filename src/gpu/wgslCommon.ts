import { WORKGROUP_SIZE } from './dispatchGrid.js';

/**
 * WGSL: sum `K` values per invocation held in `sh[li*K + c]` over the workgroup by a pairwise
 * tree (so float32 rounding grows like log₂ 256, not 256). Ends with every lane synchronised;
 * the sums are in `sh[0 … K)`.
 */
export function treeReduce(K: number): string {
  return `workgroupBarrier();
  for (var s = ${WORKGROUP_SIZE / 2}u; s > 0u; s >>= 1u) {
    if (li < s) { for (var c = 0u; c < ${K}u; c++) { sh[li * ${K}u + c] += sh[(li + s) * ${K}u + c]; } }
    workgroupBarrier();
  }`;
}

/**
 * WGSL: a counter-based generator (no state): `rbits(s, c, k)` hashes the seed pair `s`, a
 * counter `c` (e.g. the particle) and a key `k` (the draw) into 32 random bits; `runit` is
 * uniform on [0, 1) and `rpos` on (0, 1] with 24-bit resolution, `normals4` four standard
 * normals by Box–Muller (draws `1 + 4·it …`).
 */
export const WGSL_RANDOM = `fn hash32(v: u32) -> u32 {
  var h = v;
  h ^= h >> 16u; h *= 0x21f0aaadu;
  h ^= h >> 15u; h *= 0x735a2d97u;
  h ^= h >> 15u;
  return h;
}
fn rbits(s: vec2<u32>, c: u32, k: u32) -> u32 { return hash32(hash32(hash32(k ^ s.y) ^ c) + s.x); }
fn runit(s: vec2<u32>, c: u32, k: u32) -> f32 { return f32(rbits(s, c, k) >> 8u) * (1.0f / 16777216.0f); }
fn rpos(s: vec2<u32>, c: u32, k: u32) -> f32 { return (f32(rbits(s, c, k) >> 8u) + 1.0f) * (1.0f / 16777216.0f); }
fn normals4(s: vec2<u32>, c: u32, it: u32) -> vec4<f32> {
  let k = 1u + 4u * it;
  let r1 = sqrt(-2.0f * log(rpos(s, c, k)));
  let t1 = 6.283185307179586f * runit(s, c, k + 1u);
  let r2 = sqrt(-2.0f * log(rpos(s, c, k + 2u)));
  let t2 = 6.283185307179586f * runit(s, c, k + 3u);
  return vec4<f32>(r1 * cos(t1), r1 * sin(t1), r2 * cos(t2), r2 * sin(t2));
}`;

/**
 * WGSL for resampling within a block of 256 particles (the workgroup's `sh: array<f32, …>`):
 * `blockScan(li, w)` leaves the inclusive prefix sums of the lanes' weights in `sh[0 … 256)`
 * (call from uniform control flow: it has barriers); `pickInBlock(goal)` is the first lane whose
 * prefix sum exceeds `goal` — when rounding put `goal` at the block's total, the last lane with
 * weight.
 */
export const WGSL_BLOCK_PICK = `fn blockScan(li: u32, wl: f32) {
  sh[li] = wl;
  workgroupBarrier();
  for (var s = 1u; s < ${WORKGROUP_SIZE}u; s <<= 1u) {
    var v = 0.0f;
    if (li >= s) { v = sh[li - s]; }
    workgroupBarrier();
    sh[li] += v;
    workgroupBarrier();
  }
}
fn pickInBlock(goal: f32) -> u32 {
  var lo = 0u;
  var hi = ${WORKGROUP_SIZE - 1}u;
  loop {
    if (lo >= hi) { break; }
    let mid = (lo + hi) / 2u;
    if (sh[mid] > goal) { hi = mid; } else { lo = mid + 1u; }
  }
  if (!(sh[lo] > goal)) {
    loop {
      if (lo == 0u) { break; }
      if (sh[lo] > sh[lo - 1u]) { break; }
      lo -= 1u;
    }
  }
  return lo;
}`;
