import { describe, expect, it } from 'vitest';
import type { QinferWarning } from '../src/errors/warn.js';
import { LiuWestResampler } from '../src/resamplers/LiuWestResampler.js';
import { Rng } from '../src/rng/Rng.js';
import { ParticleDistribution } from '../src/smc/ParticleDistribution.js';
import { robustSqrtmPsd } from '../src/util/robustSqrtmPsd.js';
import { expectClose, flat, loadFixture } from './helpers/fixtures.js';
import { MockModel } from './helpers/testModels.js';

const fx = loadFixture('parity_liu_west_robust.json');

function mul(A: ArrayLike<number>, B: ArrayLike<number>, d: number): Float64Array {
  const C = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) C[i * d + j] += A[i * d + k]! * B[k * d + j]!;
  return C;
}
const frob = (A: ArrayLike<number>): number => Math.sqrt(Array.from(A).reduce((s, v) => s + v * v, 0));
const diff = (A: ArrayLike<number>, B: ArrayLike<number>): number[] => Array.from(A, (v, i) => v - B[i]!);
const allFinite = (x: ArrayLike<number>): boolean => Array.from(x).every(Number.isFinite);

/** Resamples `pd` with a warning sink; returns the new cloud's weighted two-pass covariance. */
function resampleCov(pd: ParticleDistribution, seed: number, options: { precomputedCov?: Float64Array } = {}) {
  const warnings: QinferWarning[] = [];
  const rs = new LiuWestResampler({ a: 0.98, onWarning: (w) => void warnings.push(w) });
  const cloud = rs.resample(new MockModel({ nMps: pd.nRvs }), pd, new Rng(seed), options);
  const out = new ParticleDistribution(cloud.locations, cloud.weights, { nRvs: pd.nRvs });
  return { cloud, cov: out.estCovarianceCentered(), mean: out.estMean(), warnings };
}

describe('robustSqrtmPsd', () => {
  it('clips an indefinite matrix exactly as QInfer’s sqrtm_psd (1e-12) and counts the clipped eigenvalue', () => {
    const c = fx.data.indefinite;
    const r = robustSqrtmPsd(Float64Array.from(flat(c.cov)), 3, 1e-10);
    expectClose(r.S, c.qinfer_sqrtm_psd.result.S);
    expect(r.clipped).toBe(1);
    expect(r.minEigenvalue).toBeCloseTo(-1, 14);
    expect(r.fallback).toBe('none');
  });
  it('symmetrises, and keeps its accuracy for covariances of 1e-300 and 1e+300 (scaled before the rotations)', () => {
    const asym = Float64Array.of(4, 1 + 1e-9, 1 - 1e-9, 3);
    const r = robustSqrtmPsd(asym, 2, 1e-10);
    expect(r.S[1]).toBe(r.S[2]);
    expectClose(mul(r.S, r.S, 2), [4, 1, 1, 3], 1e-12);
    for (const s of [1e-300, 1e300]) {
      const A = Float64Array.of(2, 0.5, 0.5, 1).map((v) => v * s);
      const R = robustSqrtmPsd(A, 2, 1e-10);
      expect(allFinite(R.S)).toBe(true);
      const SS = mul(R.S, R.S, 2);
      expect(Math.max(...Array.from(SS, (v, i) => Math.abs(v - A[i]!) / s))).toBeLessThan(1e-13);
    }
  });
  it('states its fallbacks: zero or non-finite → √fallback · I; a negative semidefinite matrix → its diagonal or the identity', () => {
    expect(robustSqrtmPsd(new Float64Array(4), 2, 1e-10)).toMatchObject({ fallback: 'identity' });
    const nan = robustSqrtmPsd(Float64Array.of(1, 0, 0, NaN), 2, 1e-10);
    expect(nan.fallback).toBe('identity');
    expect(Array.from(nan.S)).toEqual([1e-5, 0, 0, 1e-5]);
    expect(fx.data.non_finite.qinfer_sqrtm_psd.type).toBe('ValueError'); // QInfer raises
    const neg = robustSqrtmPsd(Float64Array.of(-1, 0, 0, -2), 2, 1e-10);
    expect(neg.fallback).toBe('identity');
    expect(allFinite(neg.S)).toBe(true);
  });
});

describe('Liu–West on QInfer’s failure cases (#108, #151): finite clouds with the right moments', () => {
  it('#108 — a posterior dominated by one direction: scipy’s sqrtm of QInfer’s one-pass covariance goes complex; here the cloud keeps its covariance in every direction', () => {
    const c = fx.data.issue108_low_dim_subspace;
    expect(flat(c.eigenvalues_one_pass).some((v) => v < 0)).toBe(true); // QInfer's estimate is indefinite
    expect(c.scipy_linalg_sqrtm.result.imag_norm).toBeGreaterThan(1e-10); // scipy's root is complex
    const pd = new ParticleDistribution(c.locations.values, flat(c.weights));
    const truth = flat(c.two_pass_covariance);
    expectClose(pd.estCovarianceCentered(), truth, 1e-6, 1e-24);
    const { cloud, cov, warnings } = resampleCov(pd, 8);
    expect(allFinite(cloud.locations)).toBe(true);
    expect(warnings.filter((w) => w.category === 'resampler')).toEqual([]);
    // the wide direction keeps its variance (within the Monte Carlo error of 2000 particles) …
    const top = Math.max(...truth);
    expect(Math.abs(cov[0]! / truth[0]! - 1)).toBeLessThan(0.1);
    // … and the thin ones stay ~1e-18 (a clipped one-pass covariance would put noise of 1e-16 there)
    const e = new ParticleDistribution(cloud.locations, cloud.weights, { nRvs: 4 });
    const resid = diff(e.estCovarianceCentered(), truth);
    expect(frob(resid) / top).toBeLessThan(0.1);
  });

  it('#151 — a narrow correlated posterior far from the origin: QInfer’s one-pass covariance is indefinite and its resampled cloud ~10× too wide; ours matches the posterior', () => {
    const c = fx.data.issue151_narrow_correlated;
    expect(c.one_pass_covariance.warnings[0]).toMatch(/positive semidefinite violation/);
    expect(flat(c.eigenvalues_one_pass).some((v) => v < 0)).toBe(true);
    const truth = flat(c.two_pass_covariance);
    const theirs = flat(c.qinfer_liu_west.result.covariance_two_pass);
    expect(frob(theirs) / frob(truth)).toBeGreaterThan(3);
    const pd = new ParticleDistribution(c.locations.values, flat(c.weights));
    // our one-pass estimate (QInfer's formula, kept for conformance) warns like QInfer's …
    const warned: QinferWarning[] = [];
    new ParticleDistribution(c.locations.values, flat(c.weights), { onWarning: (w) => void warned.push(w) }).estCovarianceMtx();
    expect(warned.some((w) => w.category === 'approximation')).toBe(true);
    // … but the resampler uses the two-pass covariance: positive definite, and the moments survive
    const { values } = { values: flat(c.eigenvalues_two_pass) };
    expect(values.every((v) => v > 0)).toBe(true);
    const { cloud, cov, mean, warnings } = resampleCov(pd, 151);
    expect(allFinite(cloud.locations)).toBe(true);
    expect(warnings).toEqual([]);
    expect(frob(diff(cov, truth)) / frob(truth)).toBeLessThan(0.15);
    expectClose(mean, Array.from(pd.estMean()), 1e-9, 1e-12);
  });

  it('an indefinite precomputed covariance is clipped with a warning (no NaN, no error); a non-finite one is ERR_RESAMPLER', () => {
    const pd = new ParticleDistribution(Array.from({ length: 300 }, (_, i) => [Math.sin(i), Math.cos(i), i / 300]));
    const C = Float64Array.from(flat(fx.data.indefinite.cov));
    const { cloud, warnings } = resampleCov(pd, 3, { precomputedCov: C });
    expect(allFinite(cloud.locations)).toBe(true);
    expect(warnings.some((w) => w.category === 'resampler' && /positive semidefinite/.test(w.message))).toBe(true);
    expect(() => resampleCov(pd, 3, { precomputedCov: Float64Array.of(1, 0, 0, 0, Infinity, 0, 0, 0, 1) })).toThrow(expect.objectContaining({ code: 'ERR_RESAMPLER' }));
  });

  it('a long run of resamplings of a collapsing cloud stays finite and positive semidefinite', () => {
    // shrink a 4-D cloud towards a point far from the origin, resampling each time (a posterior
    // narrowing over many data): the covariance goes down to ~1e-30 relative without a NaN
    let pd = new ParticleDistribution(Array.from({ length: 400 }, (_, i) => [0.7 + 1e-3 * Math.sin(i), 0.5 + 1e-3 * Math.cos(3 * i), -0.3 + 1e-3 * Math.sin(7 * i), 0.2]));
    const rng = new Rng(4);
    for (let k = 0; k < 60; k++) {
      const x = pd.locations, mu = pd.estMean(), n = pd.nParticles;
      const shrunk = x.map((v, i) => mu[i % 4]! + 0.5 * (v - mu[i % 4]!));
      const next = new LiuWestResampler({ a: 0.98 }).resample(new MockModel({ nMps: 4 }), new ParticleDistribution(shrunk, undefined, { nRvs: 4 }), rng);
      expect(allFinite(next.locations)).toBe(true);
      pd = new ParticleDistribution(next.locations, next.weights, { nRvs: 4 });
      expect(n).toBe(pd.nParticles);
    }
    const r = robustSqrtmPsd(pd.estCovarianceCentered(), 4, 1e-10);
    expect(allFinite(r.S)).toBe(true);
    expect(r.minEigenvalue).toBeGreaterThanOrEqual(-1e-12 * Math.abs(r.maxEigenvalue));
  });
});
