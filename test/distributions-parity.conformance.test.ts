import { describe, expect, it } from 'vitest';
import { BetaBinomialDistribution } from '../src/distributions/BetaBinomialDistribution.js';
import { BetaDistribution } from '../src/distributions/BetaDistribution.js';
import { binomialVariate } from '../src/distributions/binomialVariate.js';
import { DiscreteUniformDistribution } from '../src/distributions/DiscreteUniformDistribution.js';
import type { Distribution } from '../src/distributions/Distribution.js';
import { GammaDistribution } from '../src/distributions/GammaDistribution.js';
import { LogNormalDistribution } from '../src/distributions/LogNormalDistribution.js';
import { MixtureDistribution } from '../src/distributions/MixtureDistribution.js';
import { MultivariateNormalDistribution } from '../src/distributions/MultivariateNormalDistribution.js';
import { NormalDistribution } from '../src/distributions/NormalDistribution.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { binomialPmf } from '../src/models/binomialPmf.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { codeOf } from './helpers/codeOf.js';
import { expectClose, flat, loadFixture } from './helpers/fixtures.js';

const fx = loadFixture('parity_distributions.json');
const N = fx.produced_by.args.n_samples as number;

function moments(d: Distribution, n: number, seed: number): { mean: number; var: number; min: number; max: number; x: Float64Array } {
  const x = d.sample(n, new Rng(seed)).data;
  let s = 0, s2 = 0, min = Infinity, max = -Infinity;
  for (const v of x) {
    s += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / n;
  for (const v of x) s2 += (v - mean) ** 2;
  return { mean, var: s2 / n, min, max, x };
}

/** Pearson's χ² of observed counts against probabilities (cells with expectation < 5 pooled into the last). */
function chiSquare(counts: number[], probs: number[], n: number): { stat: number; df: number } {
  let stat = 0, df = -1, poolO = 0, poolE = 0;
  counts.forEach((o, i) => {
    const e = probs[i]! * n;
    if (e < 5) {
      poolO += o;
      poolE += e;
      return;
    }
    stat += (o - e) ** 2 / e;
    df++;
  });
  if (poolE > 0) {
    stat += (poolO - poolE) ** 2 / Math.max(poolE, 1e-300);
    df++;
  }
  return { stat, df };
}

/** χ² below df + 6 √(2 df): far in the tail for a correct sampler (p < 1e-5), a fixed seed decides. */
function expectChiSquareOk(counts: number[], probs: number[], n: number): void {
  const { stat, df } = chiSquare(counts, probs, n);
  expect(stat, `χ² = ${stat} with ${df} degrees of freedom`).toBeLessThan(df + 6 * Math.sqrt(2 * df));
}

describe('parameter conversions against QInfer (parity_distributions.json, exact)', () => {
  const c = fx.data.conversions;
  it('Beta from mean/var and back', () => {
    for (const r of c.beta_mean_var) {
      const b = new BetaDistribution({ mean: r.mean, var: r.var });
      expectClose([b.alpha, b.beta], [r.alpha, r.beta]);
    }
    for (const r of c.beta_alpha_beta) {
      const b = new BetaDistribution({ alpha: r.alpha, beta: r.beta });
      expectClose([b.mean, b.var], [r.mean, r.var]);
    }
  });
  it('Gamma from mean/var and back', () => {
    for (const r of c.gamma_mean_var) {
      const g = new GammaDistribution({ mean: r.mean, var: r.var });
      expectClose([g.alpha, g.beta], [r.alpha, r.beta]);
    }
    for (const r of c.gamma_alpha_beta) {
      const g = new GammaDistribution({ alpha: r.alpha, beta: r.beta });
      expectClose([g.mean, g.var], [r.mean, r.var]);
    }
  });
  it('BetaBinomial from n/mean/var and back', () => {
    for (const r of c.beta_binomial_mean_var) {
      const b = new BetaBinomialDistribution({ n: r.n, mean: r.mean, var: r.var });
      expectClose([b.alpha, b.beta], [r.alpha, r.beta]);
    }
    for (const r of c.beta_binomial_alpha_beta) {
      const b = new BetaBinomialDistribution({ n: r.n, alpha: r.alpha, beta: r.beta });
      expectClose([b.mean, b.var], [r.mean, r.var]);
    }
  });
});

describe('sampling: exact moments, and QInfer’s sample moments (statistical)', () => {
  const s = fx.data.statistical;
  const cases: Array<[string, Distribution, number, number]> = [
    ['beta_2_5', new BetaDistribution({ alpha: 2, beta: 5 }), 2 / 7, 10 / (49 * 8)],
    ['beta_mean0.9_var0.001', new BetaDistribution({ mean: 0.9, var: 0.001 }), 0.9, 0.001],
    ['gamma_8_4', new GammaDistribution({ alpha: 8, beta: 4 }), 2, 0.5],
    ['gamma_0.3_2', new GammaDistribution({ alpha: 0.3, beta: 2 }), 0.15, 0.075],
    ['discrete_uniform_3', new DiscreteUniformDistribution(3), 3.5, 63 / 12],
    ['beta_binomial_10_2_3', new BetaBinomialDistribution({ n: 10, alpha: 2, beta: 3 }), 4, (10 * 2 * 3 * 15) / (25 * 6)],
    ['mixture_normal', new MixtureDistribution([0.3, 0.7], [new NormalDistribution(-1, 0.01), new NormalDistribution(1, 0.04)]), 0.4, 0.3 * 0.01 + 0.7 * 0.04 + 0.3 * 1.4 ** 2 + 0.7 * 0.6 ** 2],
  ];
  for (const [key, dist, mean, variance] of cases) {
    it(`${key}: mean within 5 standard errors of the exact mean and of QInfer's; variance within 3 %`, () => {
      const m = moments(dist, N, 101);
      const se = Math.sqrt(variance / N);
      expect(Math.abs(m.mean - mean)).toBeLessThan(5 * se);
      expect(Math.abs(m.mean - flat(s[key].mean)[0]!)).toBeLessThan(5 * Math.SQRT2 * se);
      expect(Math.abs(flat(s[key].mean)[0]! - mean)).toBeLessThan(5 * se); // QInfer samples the same distribution
      expect(Math.abs(m.var / variance - 1)).toBeLessThan(0.03);
      expect(dist.sample(2, new Rng(0)).shape).toEqual([2, 1]);
    });
  }

  it('LogNormal.fromQInfer(mu, sigma) is QInfer’s X = mu + sigma·e^Z (its exact mean), the usual log-normal is e^(mu + sigma Z)', () => {
    const q = LogNormalDistribution.fromQInfer(0.5, 2);
    const exact = fx.data.lognormal_exact['lognormal_qinfer_0.5_2'];
    expectClose([q.mean, q.var], [exact.mean, exact.var]);
    const m = moments(q, N, 7);
    expect(Math.abs(m.mean - exact.mean)).toBeLessThan(5 * Math.sqrt(exact.var / N));
    expect(Math.abs(flat(s['lognormal_qinfer_0.5_2'].mean)[0]! - exact.mean)).toBeLessThan(5 * Math.sqrt(exact.var / N));
    expect(m.min).toBeGreaterThan(0.5);
    // the usual parametrisation: ln X ~ N(mu, sigma²) exactly
    const l = new LogNormalDistribution({ mu: 1.2, sigma: 0.3 });
    const logs = Array.from(l.sample(N, new Rng(8)).data, Math.log);
    const lm = logs.reduce((a, b) => a + b, 0) / N;
    const lv = logs.reduce((a, b) => a + (b - lm) ** 2, 0) / N;
    expect(Math.abs(lm - 1.2)).toBeLessThan(5 * 0.3 / Math.sqrt(N));
    expect(Math.abs(lv / 0.09 - 1)).toBeLessThan(0.02);
    expect(l.mean).toBeCloseTo(Math.exp(1.2 + 0.045), 12);
    // the defaults agree with QInfer's defaults
    expectClose([new LogNormalDistribution().mean], [fx.data.lognormal_exact.lognormal_qinfer_default.mean]);
  });

  it('supports: Beta in (0, 1) even for small shapes, Gamma > 0, integers where discrete', () => {
    const b = moments(new BetaDistribution({ alpha: 0.01, beta: 0.02 }), 20000, 3);
    expect(b.min).toBeGreaterThanOrEqual(0);
    expect(b.max).toBeLessThanOrEqual(1);
    expect(Number.isNaN(b.mean)).toBe(false);
    expect(moments(new GammaDistribution({ alpha: 0.3, beta: 2 }), 20000, 4).min).toBeGreaterThan(0);
    const du = moments(new DiscreteUniformDistribution(3), 20000, 5);
    expect(du.x.every((v) => Number.isInteger(v) && v >= 0 && v <= 7)).toBe(true);
  });

  it('DiscreteUniform and BetaBinomial pass χ² tests against their exact pmfs', () => {
    const n = 80000;
    const du = new DiscreteUniformDistribution(4).sample(n, new Rng(9)).data;
    const c16 = new Array(16).fill(0);
    for (const v of du) c16[v]++;
    expectChiSquareOk(c16, new Array(16).fill(1 / 16), n);
    const bbn = 12, a = 0.7, bt = 1.9;
    const bb = new BetaBinomialDistribution({ n: bbn, alpha: a, beta: bt }).sample(n, new Rng(10)).data;
    const counts = new Array(bbn + 1).fill(0);
    for (const v of bb) counts[v]++;
    // exact pmf by the ratio recurrence P(k+1)/P(k) = (n−k)(k+α) / ((k+1)(n−k−1+β)), normalised
    const pmf = [1];
    for (let k = 0; k < bbn; k++) pmf.push((pmf[k]! * (bbn - k) * (k + a)) / ((k + 1) * (bbn - k - 1 + bt)));
    const z = pmf.reduce((x, y) => x + y, 0);
    expectChiSquareOk(counts, pmf.map((p) => p / z), n);
  });

  it('binomialVariate is exact for small and large n (χ² against binomialPmf), and at p = 0, 1', () => {
    for (const [n, p, seed] of [[10, 0.35, 1], [1000, 0.3, 2], [5000, 0.001, 3], [200, 0.97, 4]] as const) {
      const draws = 40000, rng = new Rng(seed), counts = new Array(n + 1).fill(0);
      for (let i = 0; i < draws; i++) counts[binomialVariate(n, p, rng)]++;
      expectChiSquareOk(counts, Array.from({ length: n + 1 }, (_, k) => binomialPmf(k, n, p)), draws);
    }
    expect(binomialVariate(50, 0, new Rng(1))).toBe(0);
    expect(binomialVariate(50, 1, new Rng(1))).toBe(50);
    expect(binomialVariate(0, 0.5, new Rng(1))).toBe(0);
  });
});

describe('MixtureDistribution', () => {
  it('draws each component with its weight; shuffle: false groups them as QInfer', () => {
    const mix = new MixtureDistribution([0.25, 0.75], [new UniformDistribution([0, 1]), new UniformDistribution([10, 11])]);
    const x = mix.sample(40000, new Rng(3)).data;
    const low = Array.from(x).filter((v) => v < 5).length / x.length;
    expect(Math.abs(low - 0.25)).toBeLessThan(5 * Math.sqrt((0.25 * 0.75) / 40000));
    // random order: the first 100 are not all of one component
    const head = Array.from(x.subarray(0, 100));
    expect(head.some((v) => v < 5) && head.some((v) => v > 5)).toBe(true);
    const g = new MixtureDistribution([0.25, 0.75], mix.components, { shuffle: false }).sample(1000, new Rng(3)).data;
    const k = Array.from(g).findIndex((v) => v > 5);
    expect(k).toBeGreaterThan(0);
    expect(Array.from(g.subarray(0, k)).every((v) => v < 5) && Array.from(g.subarray(k)).every((v) => v > 5)).toBe(true);
  });
  it('is multivariate when its components are', () => {
    const m = new MixtureDistribution([0.5, 0.5], [new UniformDistribution([[0, 1], [0, 1]]), new UniformDistribution([[2, 3], [2, 3]])]);
    const x = m.sample(50, new Rng(1));
    expect(x.shape).toEqual([50, 2]);
    for (let i = 0; i < 50; i++) expect(Math.floor(x.get(i, 0))).toBe(Math.floor(x.get(i, 1)));
  });
  it('rejects bad weights and mismatched components', () => {
    const u = new UniformDistribution([0, 1]);
    expect(codeOf(() => new MixtureDistribution([0.5, 0.6], [u, u]))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new MixtureDistribution([1], [u, u]))).toEqual({ cls: QinferArgumentError, code: 'ERR_SHAPE' });
    expect(codeOf(() => new MixtureDistribution([0.5, 0.5], [u, new UniformDistribution([[0, 1], [0, 1]])]))).toEqual({ cls: QinferArgumentError, code: 'ERR_SHAPE' });
    expect(codeOf(() => new MixtureDistribution([], []))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new MixtureDistribution([-0.5, 1.5], [u, u]))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
  });
});

describe('gradLogPdf against QInfer’s grad_log_pdf', () => {
  const g = fx.data.grad_log_pdf;
  it('Normal and MultivariateNormal (exact)', () => {
    expectClose(new NormalDistribution(0.5, 4).gradLogPdf(Float64Array.of(-1, 0.25, 2), 3), g['normal_0.5_4']);
    const m = g.mvn;
    const cov = m.cov.values as number[][];
    const mvn = new MultivariateNormalDistribution(flat(m.mean), cov);
    expectClose(mvn.gradLogPdf(Float64Array.from(flat(m.x)), 3), m.g);
  });
  it('Uniform gives zeros (QInfer: zeros for several points; its one-point value 12/Δ² is a quirk not copied)', () => {
    expectClose(new UniformDistribution([[0, 1], [0, 2]]).gradLogPdf(new Float64Array(6), 3), g.uniform_many_points);
  });
  it('Beta, Gamma and LogNormal match a central difference of their log densities', () => {
    const lnBeta = (x: number) => 1.5 * Math.log(x) + 3 * Math.log(1 - x);
    const lnGamma = (x: number) => 2 * Math.log(x) - 4 * x;
    const lnLogN = (x: number) => -Math.log(x - 0.5) - (Math.log(x - 0.5) - 0.2) ** 2 / (2 * 0.09);
    const h = 1e-6, cd = (f: (x: number) => number, x: number) => (f(x + h) - f(x - h)) / (2 * h);
    const xs = [0.2, 0.5, 0.8];
    const b = new BetaDistribution({ alpha: 2.5, beta: 4 }).gradLogPdf(Float64Array.from(xs), 3);
    const gm = new GammaDistribution({ alpha: 3, beta: 4 }).gradLogPdf(Float64Array.from(xs), 3);
    const ln = new LogNormalDistribution({ mu: 0.2, sigma: 0.3, loc: 0.5 }).gradLogPdf(Float64Array.of(0.7, 1, 2), 3);
    xs.forEach((x, i) => {
      expect(b[i]).toBeCloseTo(cd(lnBeta, x), 5);
      expect(gm[i]).toBeCloseTo(cd(lnGamma, x), 5);
    });
    [0.7, 1, 2].forEach((x, i) => expect(ln[i]).toBeCloseTo(cd(lnLogN, x), 5));
  });
});

describe('registry and determinism', () => {
  const reg = builtInRegistry();
  const dists: Distribution[] = [
    new BetaDistribution({ alpha: 2, beta: 3 }),
    new GammaDistribution({ alpha: 0.5, beta: 2 }),
    new LogNormalDistribution({ mu: 0.1, sigma: 0.4, loc: -1 }),
    new DiscreteUniformDistribution(5),
    new BetaBinomialDistribution({ n: 20, alpha: 1.5, beta: 2.5 }),
    new MixtureDistribution([0.4, 0.6], [new GammaDistribution({ alpha: 2, beta: 1 }), new BetaDistribution({ alpha: 1, beta: 1 })]),
  ];
  for (const d of dists) {
    it(`${d.spec!().name} is rebuilt by name and samples the same stream for the same seed`, () => {
      const spec = JSON.parse(JSON.stringify(d.spec!()));
      const rebuilt = reg.createDistribution(spec);
      expect(rebuilt.spec!()).toEqual(d.spec!());
      expect(Array.from(rebuilt.sample(64, new Rng(42)).data)).toEqual(Array.from(d.sample(64, new Rng(42)).data));
      expect(Array.from(d.sample(64, new Rng(43)).data)).not.toEqual(Array.from(d.sample(64, new Rng(42)).data));
    });
  }

  it('bad parameters are typed errors', () => {
    expect(codeOf(() => new BetaDistribution({ mean: 0.5, var: 0.3 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new BetaDistribution({ alpha: 0, beta: 1 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new BetaDistribution({} as never))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new GammaDistribution({ mean: -1, var: 1 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new GammaDistribution({ alpha: 1, beta: NaN }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new LogNormalDistribution({ sigma: 0 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new DiscreteUniformDistribution(54))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new DiscreteUniformDistribution(2.5))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new BetaBinomialDistribution({ n: 10, mean: 4, var: 1 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new BetaBinomialDistribution({ n: -1, alpha: 1, beta: 1 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new GammaDistribution({ alpha: 1, beta: 1 }).sample(-1, new Rng(0)))).toEqual({ cls: QinferArgumentError, code: 'ERR_PARTICLE_COUNT' });
  });
});
