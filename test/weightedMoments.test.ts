import { describe, expect, it } from 'vitest';
import { Rng } from '../src/rng/Rng.js';
import { centeredCovariance, weightedMean } from '../src/util/weightedMoments.js';

/** A cloud of n particles in d columns with unequal normalised weights (some exactly zero). */
function cloud(n: number, d: number, seed: number): { x: Float64Array; w: Float64Array } {
  const rng = new Rng(seed);
  const x = rng.fillUniform(new Float64Array(n * d)).map((v) => 3 * v - 1);
  const w = rng.fillUniform(new Float64Array(n)).map((v, i) => (i % 7 === 3 ? 0 : v));
  const s = w.reduce((a, b) => a + b, 0);
  return { x, w: w.map((v) => v / s) };
}

describe('weightedMean / centeredCovariance', () => {
  for (const d of [1, 3]) {
    it(`d = ${d}: Σ w x and Σ w (x − μ)(x − μ)ᵀ, symmetric, written into the given buffers`, () => {
      const n = 500, { x, w } = cloud(n, d, d);
      const mu = weightedMean(x, w, n, d, new Float64Array(d));
      const C = centeredCovariance(x, w, n, d, new Float64Array(d * d), new Float64Array(2 * d));
      for (let p = 0; p < d; p++) {
        let m = 0;
        for (let i = 0; i < n; i++) m += w[i]! * x[i * d + p]!;
        expect(mu[p]).toBe(m); // the same order as the plain loop: identical, not just close
      }
      for (let p = 0; p < d; p++) {
        for (let q = 0; q < d; q++) {
          let c = 0;
          for (let i = 0; i < n; i++) c += w[i]! * (x[i * d + p]! - mu[p]!) * (x[i * d + q]! - mu[q]!);
          expect(C[p * d + q]!).toBeCloseTo(c, 14);
          expect(C[p * d + q]).toBe(C[q * d + p]);
        }
      }
      expect(C[0]!).toBeGreaterThan(0.5); // the spread of U[−1, 2] is 0.75
    });
  }

  it('identical particles give exactly zero covariance, whatever the weights', () => {
    for (const d of [1, 2]) {
      const n = 300, x = new Float64Array(n * d).fill(0.1), { w } = cloud(n, 1, 9);
      expect(Array.from(centeredCovariance(x, w, n, d))).toEqual(new Array(d * d).fill(0));
    }
  });
});
