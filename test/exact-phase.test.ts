/**
 * The host half of the phase-exact GPU kernels (src/gpu/exactPhase.ts) against an independent
 * BigInt reference (π from decimal digits): phases `a·t·s mod π` for doubles a, t up to 1e22 —
 * far beyond the 2e15 a 300-experiment ExpSparse run reaches — are right to the bound
 * 8·2⁻⁵³·(π/2 + 2⁻⁵⁰|y|) on the double-double path (|y| < 2⁵¹) and to 2⁻⁵¹ on the Payne–Hanek
 * path. Needs no GPU.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/index.js';
import { differencePhaseModPi, phaseModPi, reduceModPi, splitF32, twoProduct, twoSum } from '../src/gpu/exactPhase.js';
import { fixed, productFixed, reduceFixed } from './helpers/exactReference.js';

/** Distance on the circle of period π (a result may sit at either end of [−π/2, π/2]). */
function circleGap(a: number, b: number): number {
  const d = Math.abs(a - b);
  return Math.min(d, Math.abs(d - Math.PI));
}

function bound(y: number): number {
  return Math.abs(y) < 2 ** 51 ? 8 * 2 ** -53 * (Math.PI / 2 + 2 ** -50 * Math.abs(y)) : 2 ** -51;
}

describe('exact phases on the host', () => {
  it('twoProduct and twoSum are error-free', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const a = rng.uniform() * 2 ** (rng.uniform() * 80 - 40), b = rng.uniform() * 2 ** (rng.uniform() * 80 - 40);
      const [p, e] = twoProduct(a, b);
      expect(fixed(p) + fixed(e)).toBe(productFixed(a, b));
      const [s, f] = twoSum(a, -b);
      expect(fixed(s) + fixed(f)).toBe(fixed(a) - fixed(b));
    }
  });

  it('a·t·s mod π for a ∈ (0, 1), t up to 1e22, s ∈ {1, ½}: within the stated bound', () => {
    const rng = new Rng(11);
    let worstFast = 0, worstSlow = 0, slow = 0;
    for (let i = 0; i < 3000; i++) {
      const a = rng.uniform(), t = Math.exp(rng.uniform() * Math.log(1e22)), s = i % 2 === 0 ? 1 : 0.5;
      const y = a * t * s;
      const ref = reduceFixed(productFixed(a, t, s === 1 ? 0 : -1));
      const got = phaseModPi(a, t, s);
      expect(Math.abs(got)).toBeLessThanOrEqual(Math.PI / 2 + 1e-15);
      const gap = circleGap(got, ref);
      expect(gap, `a=${a} t=${t} s=${s}`).toBeLessThanOrEqual(bound(y));
      if (Math.abs(y) < 2 ** 51) worstFast = Math.max(worstFast, gap / bound(y));
      else {
        slow++;
        worstSlow = Math.max(worstSlow, gap);
      }
    }
    expect(slow).toBeGreaterThan(100); // both paths are exercised
    console.log(`phaseModPi: worst ${worstFast.toFixed(3)} of the double-double bound; Payne–Hanek worst ${worstSlow.toExponential(2)} rad`);
  });

  it('(a − b)·t/2 mod π (SimpleInversion) and double-double input', () => {
    const rng = new Rng(12);
    for (let i = 0; i < 1000; i++) {
      const a = rng.uniform(), b = rng.uniform(), t = Math.exp(rng.uniform() * Math.log(1e18));
      const ref = reduceFixed(((fixed(a) - fixed(b)) * fixed(t)) >> 401n);
      const y = (a - b) * t * 0.5;
      expect(circleGap(differencePhaseModPi(a, b, t, 0.5), ref), `a=${a} b=${b} t=${t}`).toBeLessThanOrEqual(bound(y));
      const [p, e] = twoProduct(a, t);
      expect(circleGap(reduceModPi(p, e), reduceFixed(productFixed(a, t)))).toBeLessThanOrEqual(bound(a * t));
    }
    expect(reduceModPi(NaN)).toBeNaN();
    expect(phaseModPi(Infinity, 2)).toBeNaN();
    expect(phaseModPi(0.3, 0)).toBe(0);
  });

  it('splitF32 keeps a double to 2⁻⁴⁸ relative in two float32', () => {
    const out = new Float32Array(2);
    for (const v of [Math.PI / 3, -1.2345678901234567, 1e-9, 0]) {
      splitF32(v, out, 0);
      expect(Math.abs(out[0]! + out[1]! - v)).toBeLessThanOrEqual(2 ** -48 * Math.abs(v));
      expect(out[0]).toBe(Math.fround(v));
    }
  });
});
