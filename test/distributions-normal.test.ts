import { describe, expect, it } from 'vitest';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { MultivariateNormalDistribution } from '../src/distributions/MultivariateNormalDistribution.js';
import { NormalDistribution } from '../src/distributions/NormalDistribution.js';
import { erfc, normalCdf, normalQuantile } from '../src/distributions/normalCdf.js';
import { truncatedStandardNormal } from '../src/distributions/truncatedStandardNormal.js';
import { Rng } from '../src/rng/Rng.js';

function moments(x: ArrayLike<number>): { mean: number; var: number } {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  const mean = s / x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - mean) ** 2;
  return { mean, var: v / (x.length - 1) };
}

function expectCode(f: () => unknown, code: string): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(QinferArgumentError);
  expect((caught as QinferArgumentError).code).toBe(code);
}

describe('standard normal functions', () => {
  // Tabulated values (Abramowitz & Stegun table 26.1; tails from scipy.stats.norm, independent of this code).
  const table: Array<[number, number]> = [
    [-1, 0.15865525393145707],
    [-1.959963984540054, 0.025],
    [-3, 0.0013498980316300933],
    [-5, 2.866515718791933e-7],
    [-10, 7.61985302416047e-24],
    [-20, 2.7536241186061556e-89],
    [-30, 4.906713927147908e-198],
    [0, 0.5],
    [1, 0.8413447460685429],
    [2, 0.9772498680518208],
  ];
  it('Φ matches tabulated values in relative terms, tails included', () => {
    for (const [x, p] of table) expect(Math.abs(normalCdf(x) - p) / p, `Φ(${x})`).toBeLessThan(x < -15 ? 5e-13 : 2e-14);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
  });

  it('erfc matches tabulated values', () => {
    expect(erfc(0)).toBe(1);
    expect(Math.abs(erfc(1) - 0.15729920705028513) / 0.157).toBeLessThan(5e-15);
    expect(Math.abs(erfc(5) - 1.5374597944280349e-12) / 1.5e-12).toBeLessThan(5e-15);
    expect(Math.abs(erfc(-1) - 1.8427007929497148)).toBeLessThan(5e-15);
  });

  it('Φ⁻¹ inverts Φ from 1e-300 to 1 − 1e-15', () => {
    expect(Math.abs(normalQuantile(0.975) - 1.959963984540054)).toBeLessThan(1e-14);
    expect(Math.abs(normalQuantile(1e-300) + 37.0470962993612)).toBeLessThan(1e-12);
    for (const p of [1e-300, 1e-100, 1e-12, 1e-3, 0.2, 0.5, 0.7, 0.99, 1 - 1e-9]) {
      const x = normalQuantile(p);
      const back = x < 0 ? normalCdf(x) : 1 - normalCdf(-x);
      expect(Math.abs(back - p) / Math.min(p, 1 - p), `p = ${p}`).toBeLessThan(1e-12);
    }
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});

describe('NormalDistribution', () => {
  const n = 40000;

  it('untruncated samples have the requested mean and variance (within 4 sd)', () => {
    const x = new NormalDistribution(-2, 9).sample(n, new Rng(11));
    expect(x.shape).toEqual([n, 1]);
    const m = moments(x.data);
    expect(Math.abs(m.mean + 2)).toBeLessThan(4 * Math.sqrt(9 / n));
    expect(Math.abs(m.var - 9)).toBeLessThan(4 * 9 * Math.sqrt(2 / n));
  });

  // [mean, var, lo, hi, truncated mean, truncated var] — reference moments from scipy.stats.truncnorm.
  const cases: Array<[number, number, number | null, number | null, number, number]> = [
    [1, 4, 0, 3, 1.4132624361230661, 0.6910930363459724],
    [0, 1, 2, null, 2.37321553282284, 0.11427910041408329],
    [0, 1, 10, 11, 10.098068374933055, 0.009420771901972325],
    [0, 1, null, -12, -12.082214175254526, 0.006670726332905996],
    [5, 0.25, null, 4, 3.81339223358858, 0.028569775103520823],
  ];
  for (const [mu, v, lo, hi, tm, tv] of cases) {
    it(`truncated N(${mu}, ${v}) to [${lo}, ${hi}]: bounds respected, moments match truncnorm`, () => {
      const x = new NormalDistribution(mu, v, [lo, hi]).sample(n, new Rng(5)).data;
      let min = Infinity, max = -Infinity;
      for (const xi of x) (min = Math.min(min, xi)), (max = Math.max(max, xi));
      expect(min).toBeGreaterThanOrEqual(lo ?? -Infinity);
      expect(max).toBeLessThanOrEqual(hi ?? Infinity);
      const m = moments(x);
      expect(Math.abs(m.mean - tm)).toBeLessThan(4 * Math.sqrt(tv / n));
      expect(Math.abs(m.var - tv)).toBeLessThan(4 * tv * Math.sqrt(2 / n));
    });
  }

  it('truncated sampling far in a tail (beyond where Φ underflows) stays in range', () => {
    const s = truncatedStandardNormal(40, 40.5);
    const rng = new Rng(2);
    const z = Array.from({ length: 1000 }, () => s.draw(() => rng.uniform()));
    expect(Math.min(...z)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...z)).toBeLessThanOrEqual(40.5);
    const m = new NormalDistribution(0, 1, [null, -50]).sample(1000, new Rng(3)).data;
    expect(Math.max(...m)).toBeLessThanOrEqual(-50);
    expect(Math.min(...m)).toBeGreaterThan(-51); // the mass sits within ~1/50 of the bound
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const d = new NormalDistribution(0, 1, [-1, 2]);
    expect(Array.from(d.sample(50, new Rng(9)).data)).toEqual(Array.from(d.sample(50, new Rng(9)).data));
    expect(Array.from(d.sample(50, new Rng(9)).data)).not.toEqual(Array.from(d.sample(50, new Rng(10)).data));
  });

  it('rejects bad parameters with typed codes', () => {
    expectCode(() => new NormalDistribution(0, -1), 'ERR_ARGUMENT');
    expectCode(() => new NormalDistribution(NaN, 1), 'ERR_ARGUMENT');
    expectCode(() => new NormalDistribution(0, 1, [3, 1]), 'ERR_RANGE');
    expectCode(() => new NormalDistribution(0, 1, [1, 1]), 'ERR_RANGE');
    expectCode(() => new NormalDistribution(0, 1, [1] as unknown as [number, number]), 'ERR_SHAPE');
    expectCode(() => new NormalDistribution(0, 0, [0, 1]), 'ERR_ARGUMENT');
    expectCode(() => new NormalDistribution(0, 1).sample(-1, new Rng(0)), 'ERR_PARTICLE_COUNT');
    expectCode(() => new NormalDistribution(0, 1).sample(2.5, new Rng(0)), 'ERR_PARTICLE_COUNT');
  });
});

describe('MultivariateNormalDistribution', () => {
  it('samples have the requested mean and covariance (within 4 sd)', () => {
    const mean = [1, -2, 0.5];
    const cov = [
      [2, 0.6, -0.3],
      [0.6, 1, 0.2],
      [-0.3, 0.2, 0.5],
    ];
    const n = 40000, d = 3;
    const x = new MultivariateNormalDistribution(mean, cov).sample(n, new Rng(21));
    expect(x.shape).toEqual([n, d]);
    const mu = [0, 0, 0];
    for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) mu[p]! += x.get(i, p) / n;
    for (let p = 0; p < d; p++) expect(Math.abs(mu[p]! - mean[p]!)).toBeLessThan(4 * Math.sqrt(cov[p]![p]! / n));
    for (let p = 0; p < d; p++) {
      for (let q = 0; q < d; q++) {
        let c = 0;
        for (let i = 0; i < n; i++) c += (x.get(i, p) - mu[p]!) * (x.get(i, q) - mu[q]!);
        c /= n - 1;
        const sd = Math.sqrt((cov[p]![p]! * cov[q]![q]! + cov[p]![q]! ** 2) / n);
        expect(Math.abs(c - cov[p]![q]!), `cov[${p}][${q}]`).toBeLessThan(4 * sd);
      }
    }
  });

  it('accepts a singular (semi-definite) covariance: samples lie on its range', () => {
    const x = new MultivariateNormalDistribution([1, 2], [[1, 1], [1, 1]]).sample(200, new Rng(4));
    for (let i = 0; i < 200; i++) expect(Math.abs(x.get(i, 0) - 1 - (x.get(i, 1) - 2))).toBeLessThan(1e-12);
  });

  it('rejects bad shapes and non-symmetric or indefinite covariances', () => {
    expectCode(() => new MultivariateNormalDistribution([], []), 'ERR_SHAPE');
    expectCode(() => new MultivariateNormalDistribution([0, 0], [[1, 0]]), 'ERR_SHAPE');
    expectCode(() => new MultivariateNormalDistribution([0, 0], [[1, 0, 0], [0, 1, 0]]), 'ERR_SHAPE');
    expectCode(() => new MultivariateNormalDistribution([0, 0], [[1, 0.5], [0.4, 1]]), 'ERR_ARGUMENT');
    expectCode(() => new MultivariateNormalDistribution([0, 0], [[1, 2], [2, 1]]), 'ERR_ARGUMENT');
    expectCode(() => new MultivariateNormalDistribution([0, NaN], [[1, 0], [0, 1]]), 'ERR_ARGUMENT');
    expectCode(() => new MultivariateNormalDistribution([0], [[1]]).sample(-3, new Rng(0)), 'ERR_PARTICLE_COUNT');
  });
});
