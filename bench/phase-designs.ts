/**
 * The numerical designs of a GPU phase at ExpSparse's times, measured in exact float32
 * emulation (`Math.fround` rounds every operation as a correctly rounded float32 device would,
 * with no FMA contraction — the best case for the error-free transformations of double-float):
 *
 *   npx tsx bench/phase-designs.ts
 *
 * For phases y = x·t/2 of 10² … 10¹⁵ (x ∈ [0.2, 0.9], a posterior of width σ = 1/t around it),
 * the worst phase error |ŷ − y| modulo π of
 *
 * - float32: ŷ = f32(x)·f32(t/2), the original kernels;
 * - double-float: x and t/2 as hi + lo float32 pairs, the product by Dekker's TwoProduct in
 *   float32 (Veltkamp split with 4097) plus the cross terms — before any reduction, which can
 *   only add error: this is the design's floor;
 * - offset (what qinfer-rx does): ŷ = (d·c + lo) + hi with d = f32(x − r), c = f32(t/2) and
 *   hi + lo the host's exact reduced reference phase, r the cloud's centre.
 *
 * The reference is `phaseModPi` (float64 with error-free products, checked against BigInt in
 * test/exact-phase.test.ts to 3e-15).
 */
import { Rng } from '../src/index.js';
import { phaseModPi, splitF32 } from '../src/gpu/exactPhase.js';

const f = Math.fround;
const SPLIT = 4097; // 2^12 + 1: Veltkamp's splitter for float32

/** Dekker's TwoProduct in float32: [p, e] with p + e = a·b exactly (no FMA). */
function twoProduct32(a: number, b: number): [number, number] {
  const p = f(a * b);
  let c = f(SPLIT * a);
  const ah = f(c - f(c - a)), al = f(a - ah);
  c = f(SPLIT * b);
  const bh = f(c - f(c - b)), bl = f(b - bh);
  return [p, f(f(f(f(ah * bh) - p) + f(ah * bl)) + f(al * bh)) + f(al * bl)];
}

/** Distance modulo π. */
function gapModPi(a: number, b: number): number {
  const d = Math.abs(a - b) % Math.PI;
  return Math.min(d, Math.PI - d);
}

const rng = new Rng(13);
const rows: string[] = ['phase     float32      double-float  offset (qinfer-rx)'];
for (let e = 2; e <= 15; e++) {
  let w32 = 0, wdf = 0, woff = 0;
  for (let i = 0; i < 2000; i++) {
    const x = 0.2 + 0.7 * rng.uniform();
    const y = 10 ** (e + rng.uniform() - 0.5);
    const t = (2 * y) / x;
    const exact = phaseModPi(x, t, 0.5);
    // float32
    w32 = Math.max(w32, gapModPi(f(f(x) * f(t / 2)), exact));
    // double-float product (its floor: the reduction would add more)
    const xh = f(x), xl = f(x - xh), th = f(t / 2), tl = f(t / 2 - th);
    const [p, pe] = twoProduct32(xh, th);
    const cross = f(f(xh * tl) + f(xl * th));
    const yhi = p, ylo = f(pe + cross); // double-float y = yhi + ylo
    const df = phaseModPi(yhi, 1) + phaseModPi(ylo, 1); // reduce the pair exactly: only the product's error remains
    wdf = Math.max(wdf, gapModPi(df, exact));
    // offset: the particle 0.5σ … 3σ from the cloud's centre r, σ = 1/t
    const r = x + (0.5 + 2.5 * rng.uniform()) / t;
    const out = new Float32Array(2);
    splitF32(phaseModPi(r, t, 0.5), out, 0);
    const yoff = f(f(f(f(x - r) * f(t / 2)) + out[1]!) + out[0]!);
    woff = Math.max(woff, gapModPi(yoff, exact));
  }
  rows.push(`1e${String(e).padEnd(7)} ${w32.toExponential(1).padEnd(12)} ${wdf.toExponential(1).padEnd(13)} ${woff.toExponential(1)}`);
}
console.log('worst phase error (rad, modulo π) over 2000 draws per decade; cos² moves by at most as much\n');
console.log(rows.join('\n'));
