import { describe, expect, it } from 'vitest';
import type { QinferWarning } from '../src/errors/warn.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { MultivariateNormalDistribution } from '../src/distributions/MultivariateNormalDistribution.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { normalCdf } from '../src/distributions/normalCdf.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { LiuWestResampler } from '../src/resamplers/LiuWestResampler.js';
import { Rng } from '../src/rng/Rng.js';
import { ParticleDistribution } from '../src/smc/ParticleDistribution.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { sqrtmPsd } from '../src/util/symmetricEigen.js';
import { expectClose, loadFixture } from './helpers/fixtures.js';
import { MockModel } from './helpers/testModels.js';

const fx = loadFixture('liu_west.json');
const det = fx.data.deterministic;

/** Mean and covariance (no Bessel correction) of an equally weighted cloud. */
function cloudMoments(x: Float64Array, n: number, d: number): { mean: number[]; cov: number[] } {
  const pd = new ParticleDistribution(x, undefined, { nRvs: d });
  expect(pd.nParticles).toBe(n);
  return { mean: Array.from(pd.estMean()), cov: Array.from(pd.estCovarianceMtx().data) };
}

function oneHot(n: number, k: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === k ? 1 : 0));
}

describe('LiuWestResampler defaults (liu_west.json)', () => {
  it('has QInfer\'s defaults: a, h = √(1 − a²), maxiter, postselect, zeroCovComp, no default count', () => {
    const d = fx.data.defaults;
    const rs = new LiuWestResampler();
    expect(rs.a).toBe(d.a);
    expectClose(rs.h, d.h, 1e-15);
    expect(rs.maxiter).toBe(d.maxiter);
    expect(rs.postselect).toBe(d.postselect);
    expect(rs.zeroCovComp).toBe(d.zero_cov_comp);
    expect(rs.defaultNParticles).toBe(d.default_n_particles ?? undefined);
    expect(new LiuWestResampler({ a: 0.5 }).h).toBeCloseTo(Math.sqrt(0.75), 15);
    expect(new LiuWestResampler({ a: 0.9, h: 0.1 }).h).toBe(0.1);
  });
});

describe('LiuWestResampler deterministic blocks (liu_west.json)', () => {
  it('weighted mean and covariance of the fixture cloud', () => {
    const pd = new ParticleDistribution(det.x, det.w);
    expectClose(pd.estMean(), det.mean);
    expectClose(pd.estCovarianceMtx().data, det.cov, 1e-12);
  });

  it('sqrtm_psd of the covariance, its reconstruction error, and h·S', () => {
    const C = Float64Array.from(det.cov.flat());
    const { S, error } = sqrtmPsd(C, 2);
    expectClose(S, det.sqrtm_psd_S, 1e-12);
    expect(Number.isFinite(error)).toBe(true);
    expect(error).toBeLessThan(1e-15); // QInfer: 2.9e-17 (a different LAPACK path; only its size is comparable)
    expectClose(S.map((s) => s * new LiuWestResampler().h), det.hS, 1e-12);
  });

  it('each new particle is m_j + h S z_i, with m_j = a x_j + (1 − a) μ and the injected z', () => {
    // z is (n_rvs, n) in the fixture; our kernel fills out[i * d + p] particle-major.
    const z: number[][] = det.z;
    const zT = Float64Array.from({ length: 6 }, (_, k) => z[k % 2]![Math.floor(k / 2)]!);
    const kernel = (out: Float64Array): void => void out.set(zT.subarray(0, out.length));
    const rs = new LiuWestResampler({ kernel });
    const mean = Float64Array.from(det.mean), cov = Float64Array.from(det.cov.flat());
    // A one-hot weight vector pins the parent j, so every row of `mus` is reachable.
    for (let j = 0; j < det.x.length; j++) {
      const dist = new ParticleDistribution(det.x, oneHot(det.x.length, j));
      const cloud = rs.resample(new MockModel(), dist, new Rng(j), { nParticles: 3, precomputedMean: mean, precomputedCov: cov });
      const expected = det.offsets_hSz_T.map((off: number[]) => off.map((o, p) => det.mus[j][p] + o));
      expectClose(cloud.locations, expected, 1e-12);
      expectClose(cloud.weights, [1 / 3, 1 / 3, 1 / 3], 1e-15);
    }
  });

  it('one-hot weights and a fixed kernel: zero covariance falls back to zeroCovComp·I with a resampler warning', () => {
    const r = det.one_hot_fixed_kernel_result;
    const warnings: QinferWarning[] = [];
    const rs = new LiuWestResampler({ kernel: (out) => void out.fill(1), onWarning: (w) => warnings.push(w) });
    const cloud = rs.resample(new MockModel(), new ParticleDistribution(det.x, oneHot(8, 5)), new Rng(0), { nParticles: 4 });
    expectClose(cloud.locations, r.locations, 1e-12);
    expectClose(cloud.weights, r.weights);
    expect(warnings.map((w) => w.category)).toEqual(r.warnings.map(() => 'resampler'));
    expect(warnings[0]!.message).toBe(r.warnings[0].message);
  });
});

describe('LiuWestResampler statistics (liu_west.json, R repeats of N-particle resampling)', () => {
  const st = fx.data.statistical;
  const N: number = st.N, R: number = st.R;
  // Our own base cloud with QInfer's mean and covariance, and unequal weights.
  const rng = new Rng(1234);
  const locs = new MultivariateNormalDistribution(st.original_mean, st.original_cov).sample(N, rng).data;
  const weights = Array.from({ length: N }, () => 0.5 + rng.uniform());
  const base = new ParticleDistribution(locs, weights, { nRvs: 2 });
  const mu = Array.from(base.estMean()), C = Array.from(base.estCovarianceMtx().data);

  for (const [name, setting] of Object.entries<Record<string, number & number[] & number[][]>>(st.by_setting)) {
    it(`${name}: E[new mean] = μ and E[new cov] = (a² + h²)(1 − 1/N) C, within 4 sd/√R`, () => {
      const { a, h } = setting as unknown as { a: number; h: number };
      const rs = new LiuWestResampler({ a, h });
      const means: number[][] = [], covs: number[][] = [];
      const r = new Rng(99);
      for (let k = 0; k < R; k++) {
        const cloud = rs.resample(new MockModel(), base, r);
        const m = cloudMoments(cloud.locations, N, 2);
        means.push(m.mean);
        covs.push(m.cov);
      }
      const avg = (rows: number[][], i: number): number => rows.reduce((s, v) => s + v[i]!, 0) / rows.length;
      const sd = (rows: number[][], i: number): number => {
        const m = avg(rows, i);
        return Math.sqrt(rows.reduce((s, v) => s + (v[i]! - m) ** 2, 0) / (rows.length - 1));
      };
      const scale = a * a + h * h;
      for (let p = 0; p < 2; p++) {
        expect(Math.abs(avg(means, p) - mu[p]!), `mean[${p}]`).toBeLessThan((4 * sd(means, p)) / Math.sqrt(R));
        // The spread of the new mean is that of N draws of covariance (a² + h²) C (±20%), as in QInfer.
        expect(sd(means, p) / Math.sqrt((scale * C[p * 3]!) / N)).toBeGreaterThan(0.8);
        expect(sd(means, p) / Math.sqrt((scale * C[p * 3]!) / N)).toBeLessThan(1.2);
        expect(sd(means, p) / setting.sd_of_resampled_mean[p]!).toBeGreaterThan(0.75);
        expect(sd(means, p) / setting.sd_of_resampled_mean[p]!).toBeLessThan(1.33);
      }
      for (let i = 0; i < 4; i++) {
        const target = scale * (1 - 1 / N) * C[i]!;
        expect(Math.abs(avg(covs, i) - target), `cov[${i}]`).toBeLessThan((4 * sd(covs, i)) / Math.sqrt(R));
        // Our ratio to the original covariance agrees with QInfer's (both carry noise of sd/√R).
        const ratio = avg(covs, i) / C[i]!, qRatio = setting.ratio_avg_cov_to_original.flat()[i]!;
        expect(Math.abs(ratio - qRatio), `ratio[${i}]`).toBeLessThan((4 * Math.SQRT2 * sd(covs, i)) / Math.abs(C[i]!) / Math.sqrt(R));
      }
      if (scale < 0.9) expect(avg(covs, 0) / C[0]!).toBeLessThan(0.9); // the covariance really shrinks
    });
  }
});

describe('LiuWestResampler postselection and degenerate clouds (liu_west.json)', () => {
  const ps = fx.data.postselection_simple_precession;
  const n = 200;
  const grid = Array.from({ length: n }, (_, i) => [0.0005 + (i * (0.02 - 0.0005)) / (n - 1)]);
  const model = new SimplePrecessionModel();

  it('with postselection every resampled particle is valid', () => {
    const cloud = new LiuWestResampler({ a: 0.5 }).resample(model, new ParticleDistribution(grid), new Rng(5));
    expect(ps.postselect_true_all_valid).toBe(true);
    expect(Array.from(model.areModelsValid(cloud.locations)).every((v) => v === 1)).toBe(true);
  });

  it('without it some are invalid, at the rate Σ_j Φ(−m_j / (h σ)) / n predicts (QInfer: 4.5%)', () => {
    const dist = new ParticleDistribution(grid);
    const a = 0.5, h = Math.sqrt(1 - a * a);
    const mu = dist.estMean()[0]!, sigma = Math.sqrt(dist.estCovarianceMtx().data[0]!);
    const expected = grid.reduce((s, [x]) => s + normalCdf(-(a * x! + (1 - a) * mu) / (h * sigma)), 0) / n;
    const rs = new LiuWestResampler({ a, postselect: false });
    const reps = 50, rng = new Rng(5);
    let invalid = 0;
    for (let k = 0; k < reps; k++) {
      const cloud = rs.resample(model, dist, rng);
      invalid += Array.from(model.areModelsValid(cloud.locations)).filter((v) => v === 0).length;
    }
    const frac = invalid / (n * reps);
    expect(frac).toBeGreaterThan(0);
    expect(Math.abs(frac - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / (n * reps)));
    // QInfer's single run (200 particles) is consistent with the same rate.
    expect(Math.abs(ps.postselect_false_fraction_invalid - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / n));
  });

  it('identical particles: zero covariance → spread h·√zeroCovComp, with a resampler warning', () => {
    const zc = fx.data.zero_covariance;
    const warnings: QinferWarning[] = [];
    const same = Array.from({ length: 500 }, () => [0.5]);
    const cloud = new LiuWestResampler({ onWarning: (w) => warnings.push(w) }).resample(new MockModel({ nMps: 1 }), new ParticleDistribution(same), new Rng(3));
    expect(warnings.map((w) => [w.category, w.message])).toEqual(zc.warnings.map((w: QinferWarning) => ['resampler', w.message]));
    const m = cloudMoments(cloud.locations, 500, 1);
    const sd = Math.sqrt(m.cov[0]!), want = new LiuWestResampler().h * Math.sqrt(1e-10);
    expect(want).toBeCloseTo(zc.expected_std_about, 18);
    const tol = 4 * want * Math.sqrt(1 / (2 * 500));
    expect(Math.abs(sd - want)).toBeLessThan(tol);
    expect(Math.abs(zc.std_of_new_locations - want)).toBeLessThan(tol);
  });
});

describe('SMCUpdater.resample (liu_west.json updater_resample)', () => {
  const ur = fx.data.updater_resample;
  it('counts, flags, uniform weights, same count, moments kept', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 300, new UniformDistribution([0, 1]), { rng: 9 });
    up.update(0, ExpParams.scalar([3.0]), false);
    const preMean = up.estMean()[0]!, preVar = up.estCovarianceMtx().data[0]!;
    expect(up.resampleCount).toBe(0);
    up.resample();
    expect(up.resampleCount).toBe(ur.resample_count);
    expect(up.justResampled).toBe(ur.just_resampled);
    expect(up.nParticles).toBe(ur.n_particles_after);
    let dev = 0;
    for (const w of up.particleWeights) dev = Math.max(dev, Math.abs(w - 1 / 300));
    expect(dev).toBeLessThanOrEqual(Math.max(ur.weights_max_abs_dev_from_1_over_n, 1e-18));
    expect(Math.abs(up.estMean()[0]! - preMean)).toBeLessThan(4 * Math.sqrt(preVar / 300));
    expect(Math.abs(up.estCovarianceMtx().data[0]! / preVar - 1)).toBeLessThan(4 * Math.sqrt(2 / 300));
    expect(Array.from(up.model.areModelsValid(up.particleLocations)).every((v) => v === 1)).toBe(true);
  });
});
