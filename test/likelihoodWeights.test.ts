import { describe, expect, it } from 'vitest';
import { laneSum, scaleWeights, UPDATE_SUMS, WEIGH_CLIPPED, WEIGH_OK, weighLikelihood } from '../src/smc/likelihoodWeights.js';
import { neumaierError } from '../src/util/compensatedSum.js';
import { Rng } from '../src/rng/Rng.js';

/** The lane sums the straightforward way: each lane its own Neumaier loop over its indices. */
function reference(L: Float64Array, w: Float64Array, x: Float64Array, n: number): number[] {
  const out = new Array<number>(UPDATE_SUMS).fill(0);
  for (let j = 0; j < 2; j++) {
    let N = 0, c = 0, S = 0, d = 0, M = 0;
    for (let i = j; i < n; i += 2) {
      const v = w[i]! * Math.max(L[i]!, 0), q = v * v;
      let t = N + v;
      c += neumaierError(N, v, t);
      N = t;
      t = S + q;
      d += neumaierError(S, q, t);
      S = t;
      M += v * x[i]!;
    }
    [out[j], out[2 + j], out[4 + j], out[6 + j], out[8 + j]] = [N, c, S, d, M];
  }
  return out;
}

describe('weighLikelihood', () => {
  it('sums even and odd indices in their own compensated lanes (odd and even n)', () => {
    for (const n of [1, 2, 7, 1000]) {
      const r = new Rng(n), L = r.fillUniform(new Float64Array(n)), w = r.fillUniform(new Float64Array(n)), x = r.fillUniform(new Float64Array(n));
      const sums = new Float64Array(UPDATE_SUMS);
      expect(weighLikelihood(L, w, x, n, sums)).toBe(WEIGH_OK);
      expect(Array.from(sums)).toEqual(reference(L, w, x, n));
      weighLikelihood(L, w, undefined, n, sums);
      expect([sums[8], sums[9]]).toEqual([0, 0]);
    }
  });

  it('clips likelihoods in [−1e-12, 0) to 0 and returns the index of the first one out of range', () => {
    const w = Float64Array.of(0.25, 0.25, 0.25, 0.25), x = new Float64Array(4), sums = new Float64Array(UPDATE_SUMS);
    expect(weighLikelihood(Float64Array.of(1, -1e-13, 0.5, 1), w, x, 4, sums)).toBe(WEIGH_CLIPPED);
    expect(laneSum(sums[0]!, sums[1]!, sums[2]!, sums[3]!)).toBe(0.625);
    expect(weighLikelihood(Float64Array.of(1, 0.5, NaN, 2), w, x, 4, sums)).toBe(2);
    expect(weighLikelihood(Float64Array.of(1, 0.5, 0.5, 1 + 1e-11), w, x, 4, sums)).toBe(3);
    expect(weighLikelihood(Float64Array.of(-1e-11, 0.5, 0.5), w, x, 3, sums)).toBe(0);
  });

  it('scaleWeights writes (w·L⁺)·r', () => {
    const w = Float64Array.of(0.5, 0.25, 0.25);
    scaleWeights(Float64Array.of(0.5, -1e-13, 1), w, 3, 2);
    expect(Array.from(w)).toEqual([0.5, 0, 0.5]);
  });
});
