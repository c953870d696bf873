import { describe, expect, it } from 'vitest';
import { compensatedDot, neumaierError } from '../src/util/compensatedSum.js';
import { ParticleDistribution } from '../src/smc/ParticleDistribution.js';

describe('compensated summation (Neumaier)', () => {
  it('recovers the rounding error of each addition exactly', () => {
    let s = 0, c = 0;
    for (const v of [0.1, 0.2, 0.3]) {
      const t = s + v;
      c += neumaierError(s, v, t);
      s = t;
    }
    expect(s).toBe(0.6000000000000001); // the naive sum
    expect(s + c).toBe(0.6);
  });

  it('gives Σ w² = 1/n for n equal weights, where a naive loop does not', () => {
    const w = new Float64Array(500).fill(1 / 500);
    let naive = 0;
    for (const x of w) naive += x * x;
    expect(1 / naive).not.toBe(500);
    expect(1 / compensatedDot(w, w)).toBe(500);
    expect(new ParticleDistribution(new Float64Array(500)).nEss).toBe(500); // uniform weights 1/500
  });

  it('counts negative entries of the second factor as 0 and honours start/end', () => {
    expect(compensatedDot(Float64Array.of(0.5, 0.5), Float64Array.of(0.2, -1e-13))).toBe(0.1);
    expect(compensatedDot(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1, 1, 1), 1, 3)).toBe(5);
    expect(compensatedDot(new Float64Array(0), new Float64Array(0))).toBe(0);
    expect(compensatedDot(Float64Array.of(1, Number.NaN), Float64Array.of(1, 1))).toBeNaN();
  });
});
