/**
 * The GPU-resident update against the float64 CPU `SMCUpdater` on the same data and the same
 * initial cloud (same prior draw from the same seed), and the device-side Liu–West resampling.
 *
 * Stated tolerances (docs/gpu.md), measured on lavapipe with 2e4 particles and 30 data:
 * - without resampling the two runs are the same computation up to float32: normalisations agree
 *   to 1.2e-6 relative (bound 1e-4), posterior means to 3e-6 posterior standard deviations
 *   (bound 1e-4 sd), standard deviations to 7e-7 relative (bound 1e-4);
 * - with resampling the random streams differ (device hash vs the CPU generator), so the
 *   posteriors agree within Monte Carlo error: measured 0.04 sd apart with standard deviations
 *   13% apart (bounds 0.5 sd and 40%), and both resample at the same data.
 */
import { describe, expect, it } from 'vitest';
import {
  ExpParams, ParticleDistribution, Rng, SMCUpdater, SimplePrecessionModel, UniformDistribution, isQinferError, type Distribution, type Model,
} from '../src/index.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { GpuUpdater, type GpuModelFactory } from '../src/gpu/index.js';
import { RUN_GPU, WHERE } from './gpuGate.js';


async function errorOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => undefined, (e: unknown) => e);
}

const precession = new SimplePrecessionModel();
const t2 = new UnknownT2Model();
const CASES: [string, Model, Distribution, number[], (t: number) => ExpParams][] = [
  ['SimplePrecessionModel', precession, new UniformDistribution([0, 1]), [0.6123], (t) => ExpParams.scalar([t])],
  ['UnknownT2Model', t2, new UniformDistribution([[0, 1], [0, 0.05]]), [0.6123, 0.01], (t) => ExpParams.records(t2.expparamsSchema, [{ t }])],
];

/** Runs both updaters on 30 simulated data; returns the largest relative normalisation gap. */
async function runBoth(model: Model, prior: Distribution, truth: number[], exp: (t: number) => ExpParams, thresh: number) {
  const n = 20_000;
  const cpu = new SMCUpdater(model, n, prior, { rng: 5, resampleThresh: thresh });
  const gpu = await GpuUpdater.create(model, n, prior, { rng: 5, resampleThresh: thresh });
  const data = new Rng(99);
  let relN = 0;
  const resampledAt: [number[], number[]] = [[], []];
  for (let k = 0; k < 30; k++) {
    const t = thresh === 0 ? 1.15 ** k : 1 / Math.sqrt(cpu.estCovarianceMtx().data[0]!);
    const eps = exp(t);
    const o = model.simulateExperiment(Float64Array.from(truth), eps, data).data[0]!;
    const r = await gpu.update(o, eps);
    const before = cpu.resampleCount;
    cpu.update(o, eps);
    if (r.resampled) resampledAt[0].push(k);
    if (cpu.resampleCount > before) resampledAt[1].push(k);
    relN = Math.max(relN, Math.abs(r.normalization / cpu.normalizationRecord[k]! - 1));
  }
  const est = await gpu.estimates();
  const d = model.nModelparams, cm = cpu.estMean(), cc = cpu.estCovarianceMtx().data;
  let meanGap = 0, sdGap = 0;
  for (let p = 0; p < d; p++) {
    const sd = Math.sqrt(cc[p * d + p]!);
    meanGap = Math.max(meanGap, Math.abs(est.mean[p]! - cm[p]!) / sd);
    sdGap = Math.max(sdGap, Math.abs(Math.sqrt(est.covariance[p * d + p]!) / sd - 1));
  }
  expect(gpu.dataRecord).toEqual(cpu.dataRecord);
  await gpu.close();
  return { relN, meanGap, sdGap, resampledAt };
}

describe.runIf(RUN_GPU)(`GpuUpdater vs the float64 SMCUpdater ${WHERE}`, () => {
  it.each(CASES)('%s without resampling: the same posterior up to float32 (N 1e-4 rel, mean 1e-4 sd)', async (_n, model, prior, truth, exp) => {
    const r = await runBoth(model, prior, truth, exp, 0);
    expect(r.relN).toBeLessThan(1e-4);
    expect(r.meanGap).toBeLessThan(1e-4);
    expect(r.sdGap).toBeLessThan(1e-4);
    expect(r.resampledAt).toEqual([[], []]);
  });

  it.each(CASES)('%s with Liu–West resampling: the same posterior within Monte Carlo error', async (_n, model, prior, truth, exp) => {
    const r = await runBoth(model, prior, truth, exp, 0.5);
    expect(r.resampledAt[0].length).toBeGreaterThan(0);
    expect(r.resampledAt[0]).toEqual(r.resampledAt[1]);
    expect(r.meanGap).toBeLessThan(0.5);
    expect(r.sdGap).toBeLessThan(0.4);
  });
});

describe.runIf(RUN_GPU)(`GpuUpdater on the device ${WHERE}`, () => {
  it('reads back the cloud and estimates it like the float64 ParticleDistribution', async () => {
    const rng = new Rng(4), n = 5000;
    const x = new Float64Array(2 * n), w = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      x[2 * j] = 0.3 + 0.1 * rng.normal();
      x[2 * j + 1] = 0.02 + 0.3 * x[2 * j]! + 0.005 * rng.normal();
      w[j] = rng.uniform();
    }
    const up = await GpuUpdater.fromParticles(t2, x, w);
    const ref = new ParticleDistribution(x.map((v) => Math.fround(v)), w, { nRvs: 2 });
    const { mean, covariance } = await up.estimates();
    const C = ref.estCovarianceMtx().data, mu = ref.estMean();
    for (let p = 0; p < 2; p++) expect(Math.abs(mean[p]! - mu[p]!)).toBeLessThan(1e-5 * Math.sqrt(C[p * 3]!));
    for (let i = 0; i < 4; i++) expect(Math.abs(covariance[i]! - C[i]!)).toBeLessThan(1e-4 * Math.sqrt(C[0]! * C[3]!));
    expect(covariance[1]).toBe(covariance[2]);
    const cloud = await up.particles();
    // stored as float32 offsets from a float64 reference r with |x − r| ≤ |x|: every location is
    // at least as close to x as its float32 rounding, and the narrow second column (all > 0, so
    // r ≠ 0) much closer
    let worstOffset = 0, worstRounding = 0;
    for (let i = 0; i < 2 * n; i++) {
      const gap = Math.abs(cloud.locations[i]! - x[i]!);
      expect(gap).toBeLessThanOrEqual(2 ** -24 * Math.abs(x[i]!));
      if (i % 2 === 1) (worstOffset = Math.max(worstOffset, gap)), (worstRounding = Math.max(worstRounding, Math.abs(Math.fround(x[i]!) - x[i]!)));
    }
    expect(worstOffset).toBeLessThan(worstRounding);
    const s = w.reduce((a, b) => a + b, 0);
    for (let j = 0; j < n; j += 499) expect(cloud.weights[j]).toBeCloseTo(w[j]! / s, 9);
    await up.close();
  });

  it('resamples on the device keeping mean and covariance (Liu–West), with uniform weights', async () => {
    const rng = new Rng(8), n = 100_000;
    const x = new Float64Array(2 * n), w = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      x[2 * j] = 0.5 + 0.05 * rng.normal();
      x[2 * j + 1] = 0.02 + 0.004 * rng.normal() + 0.05 * (x[2 * j]! - 0.5);
      w[j] = Math.exp(-((x[2 * j]! - 0.52) ** 2) / (2 * 0.03 ** 2));
    }
    const up = await GpuUpdater.fromParticles(t2, x, w, { rng: 3, postselect: false });
    const before = await up.estimates();
    await up.resample();
    expect(up.resampleCount).toBe(1);
    expect(up.nEss).toBe(n);
    const after = await up.estimates();
    const cloud = await up.particles();
    expect(Math.max(...cloud.weights) - Math.min(...cloud.weights)).toBeLessThan(1e-12);
    for (let p = 0; p < 2; p++) {
      const sd = Math.sqrt(before.covariance[p * 3]!);
      expect(Math.abs(after.mean[p]! - before.mean[p]!)).toBeLessThan((5 * sd) / Math.sqrt(n) + 1e-6 * sd);
    }
    for (let i = 0; i < 4; i++) expect(Math.abs(after.covariance[i]! - before.covariance[i]!)).toBeLessThan(0.05 * Math.sqrt(before.covariance[0]! * before.covariance[3]!));
    await up.close();
  });

  it('draws parents with probability w: across blocks (systematic) and within a block (multinomial)', async () => {
    const n = 1000, x = Float64Array.from({ length: n }, (_, i) => 0.1 + i / 2000);
    const across = new Float64Array(n), within = new Float64Array(n);
    across[5] = 0.75; across[300] = 0.25; // blocks 0 and 1
    within[3] = 0.5; within[7] = 0.5; // one block
    const count = async (w: Float64Array, j: number): Promise<number> => {
      const up = await GpuUpdater.fromParticles(precession, x, w, { rng: 11, a: 1, h: 0 });
      await up.resample();
      const { locations } = await up.particles();
      await up.close();
      // children are their parents' float32 offsets from the new reference: equal to ~1e-8
      return locations.filter((v) => Math.abs(v - x[j]!) < 1e-6).length;
    };
    const c5 = await count(across, 5), c300 = await count(across, 300);
    expect(Math.abs(c5 - 750)).toBeLessThanOrEqual(1);
    expect(c5 + c300).toBe(n);
    const c3 = await count(within, 3), c7 = await count(within, 7);
    expect(c3 + c7).toBe(n);
    expect(Math.abs(c3 - 500)).toBeLessThan(5 * Math.sqrt(250)); // Binomial(1000, ½): sd 15.8
  });

  it('is reproducible from its seed and redraws invalid particles (postselection)', async () => {
    const model = new SimplePrecessionModel({ minFreq: 0.5 });
    const n = 4000, x = Float64Array.from({ length: n }, (_, i) => 0.5 + 1e-4 + (0.05 * i) / n);
    const run = async (postselect: boolean, seed: number): Promise<Float64Array> => {
      const up = await GpuUpdater.fromParticles(model, x, undefined, { rng: seed, a: 0.5, postselect });
      await up.resample();
      const { locations } = await up.particles();
      await up.close();
      return locations;
    };
    const a = await run(true, 21), b = await run(true, 21), c = await run(true, 22);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(a.every((v) => v > 0.5)).toBe(true);
    const loose = await run(false, 21);
    expect(loose.some((v) => v <= 0.5)).toBe(true);
  });

  it('applies the zero-weight policies: error keeps the old weights, skip skips', async () => {
    const x = Float64Array.from({ length: 256 }, () => 0.5);
    const eps0 = ExpParams.scalar([0]); // θ = 0: Pr(1) = 0 exactly for every particle
    const up = await GpuUpdater.fromParticles(precession, x, undefined);
    await up.update(0, ExpParams.scalar([1]));
    const before = await up.estMean();
    expect(isQinferError(await errorOf(up.update(1, eps0)), 'ERR_ZERO_WEIGHTS')).toBe(true);
    expect(up.dataRecord).toEqual([0]);
    expect(Array.from(await up.estMean())).toEqual(Array.from(before));
    await up.close();
    const skip = await GpuUpdater.fromParticles(precession, x, undefined, { zeroWeightPolicy: 'skip' });
    const r = await skip.update(1, eps0);
    expect(r.accepted).toBe(false);
    expect(skip.dataRecord).toEqual([]);
    expect((await skip.update(0, ExpParams.scalar([1]))).accepted).toBe(true);
    await skip.close();
  });

  it('rejects invalid likelihoods, bad data and bad options with typed errors', async () => {
    const bad: GpuModelFactory = (m) => ({
      name: m.name, nModelparams: 1, nExpValues: 1, packExperiments() {},
      wgsl: 'fn pr0(x: array<f32, NP>, e: array<f32, NF>) -> f32 { return 1.5; }\nfn valid(x: array<f32, NP>) -> bool { return true; }',
    });
    const up = await GpuUpdater.fromParticles(precession, Float64Array.of(0.1, 0.2, 0.3), undefined, { gpuModels: { SimplePrecessionModel: bad } });
    expect(isQinferError(await errorOf(up.update(0, ExpParams.scalar([1]))), 'ERR_INVALID_LIKELIHOOD')).toBe(true);
    expect(isQinferError(await errorOf(up.update(2, ExpParams.scalar([1]))), 'ERR_OUTCOME')).toBe(true);
    expect(isQinferError(await errorOf(up.update(0, ExpParams.scalar([1, 2]))), 'ERR_SHAPE')).toBe(true);
    expect(up.dataRecord).toEqual([]);
    await up.close();
    await up.close();
    expect(isQinferError(await errorOf(up.estMean()), 'ERR_CLOSED')).toBe(true);
    await expect(GpuUpdater.create(precession, 10, new UniformDistribution([0, 1]), { resampleThresh: 2 })).rejects.toMatchObject({ code: 'ERR_ARGUMENT' });
    await expect(GpuUpdater.create(precession, 0, new UniformDistribution([0, 1]))).rejects.toMatchObject({ code: 'ERR_PARTICLE_COUNT' });
  });
});
