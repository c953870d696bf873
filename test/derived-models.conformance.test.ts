import { describe, expect, it } from 'vitest';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { GaussianHyperparameterizedModel } from '../src/models/GaussianHyperparameterizedModel.js';
import { GaussianRandomWalkModel, type GaussianRandomWalkOptions } from '../src/models/GaussianRandomWalkModel.js';
import type { Model } from '../src/models/Model.js';
import { multinomialCounts, multinomialIndex, multinomialOutcomeCount } from '../src/models/multinomialOutcomes.js';
import { MultinomialModel } from '../src/models/MultinomialModel.js';
import { NDieModel } from '../src/models/NDieModel.js';
import { PoisonedModel, poisonLikelihoods } from '../src/models/PoisonedModel.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { codeOf } from './helpers/codeOf.js';
import { fixtureExpParams } from './helpers/fixtureRecords.js';
import { expectClose, flat, loadFixture } from './helpers/fixtures.js';
import { ScriptedRng } from './helpers/scriptedRng.js';

const fx = loadFixture('parity_derived.json');

describe('MultinomialModel against QInfer (parity_derived.json)', () => {
  const d = fx.data.multinomial;
  const m = new MultinomialModel(new NDieModel({ n: 3 }));
  const mps = d.modelparams.values as number[][];

  it('numbers outcomes in QInfer’s MultinomialDomain order, and back', () => {
    for (const c of d.cases) {
      const counts = c.counts.values as number[][];
      expect(multinomialOutcomeCount(c.n_meas, 3)).toBe(counts.length);
      counts.forEach((k, i) => {
        expect(multinomialIndex(k)).toBe(i);
        expect(Array.from(multinomialCounts(i, c.n_meas, 3))).toEqual(k);
        expect(m.outcomeIndex(k)).toBe(i);
      });
    }
    // a larger case: every index round-trips
    for (let i = 0; i < multinomialOutcomeCount(9, 5); i++) expect(multinomialIndex(multinomialCounts(i, 9, 5))).toBe(i);
  });

  it('likelihood of every outcome for n_meas = 1, 2, 4, 7 (1e-12), zero where a count meets p = 0', () => {
    for (const c of d.cases) {
      const eps = ExpParams.records(m.expparamsSchema, [{ exp_num: 0, n_meas: c.n_meas }]);
      const os = Array.from({ length: c.counts.values.length }, (_, i) => i);
      const L = m.likelihood(os, mps, eps);
      expect(L.shape).toEqual(c.L.shape);
      expectClose(L.data, c.L);
      // and Σ_o L = 1 for every particle
      for (let j = 0; j < mps.length; j++) {
        let s = 0;
        for (const o of os) s += L.get(o, j, 0);
        expect(s).toBeCloseTo(1, 13);
      }
    }
  });

  it('n_outcomes is C(n + D − 1, D − 1) (QInfer raises NameError), validity passes through', () => {
    expect(d.n_outcomes_error.type).toBe('NameError');
    expect(m.nOutcomes(ExpParams.records(m.expparamsSchema, [{ exp_num: 0, n_meas: 4 }]), 0)).toBe(15);
    expect(m.isNOutcomesConstant).toBe(false);
    expect(m.nSides).toBe(d.n_sides);
    expect(Array.from(m.areModelsValid(mps))).toEqual(flat(d.are_models_valid));
  });

  it('simulates counts with the multinomial distribution (χ²-free check: mean counts within 5 SE)', () => {
    const n = 20, R = 4000, x = [[0.5, 0.3, 0.2]];
    const eps = ExpParams.records(m.expparamsSchema, [{ exp_num: 0, n_meas: n }]);
    const sims = m.simulateExperiment(x, eps, new Rng(3), R).data;
    const mean = [0, 0, 0];
    for (const o of sims) multinomialCounts(o, n, 3).forEach((k, dd) => (mean[dd]! += k / R));
    [0.5, 0.3, 0.2].forEach((p, dd) => expect(Math.abs(mean[dd]! - n * p)).toBeLessThan(5 * Math.sqrt((n * p * (1 - p)) / R)));
    expect(sims.every((o) => o >= 0 && o < multinomialOutcomeCount(n, 3))).toBe(true);
  });

  it('bad counts are typed errors', () => {
    expect(codeOf(() => m.outcomeIndex([1, 2]))).toEqual({ cls: QinferArgumentError, code: 'ERR_SHAPE' });
    expect(codeOf(() => m.outcomeIndex([1, -1, 2]))).toEqual({ cls: QinferArgumentError, code: 'ERR_OUTCOME' });
    expect(codeOf(() => m.outcomeCounts(15, 4))).toEqual({ cls: QinferArgumentError, code: 'ERR_OUTCOME' });
    const eps = ExpParams.records(m.expparamsSchema, [{ exp_num: 0, n_meas: 2 }]);
    expect(codeOf(() => m.likelihood(6, mps, eps))).toEqual({ cls: QinferArgumentError, code: 'ERR_OUTCOME' });
  });
});

describe('GaussianHyperparameterizedModel against QInfer and the exact density', () => {
  const d = fx.data.gaussian_hyperparameterized;
  const edges = flat(d.bin_edges);
  const m = new GaussianHyperparameterizedModel(new SimplePrecessionModel(), { edges });
  const mps = d.modelparams.values as number[][];
  const eps = ExpParams.scalar(flat(d.expparams));
  const ys = flat(d.readout_values);

  it('has QInfer’s parameters and validity (σ² > 0)', () => {
    expect(m.nModelparams).toBe(d.n_modelparams);
    expect(m.modelparamNames).toEqual(d.modelparam_names);
    expect(Array.from(m.areModelsValid(d.are_models_valid_modelparams.values))).toEqual(flat(d.are_models_valid));
  });

  it('density() is the true mixture density (1e-12); QInfer’s likelihood lacks the 1/σ_u of each component', () => {
    const D = m.density(ys, mps, eps);
    expect(D.shape).toEqual(d.density_exact.shape);
    expectClose(D.data, d.density_exact);
    // QInfer's value is Σ_u L_u φ(z_u): ours with each component multiplied back by σ_u
    const qinfer = flat(d.L_qinfer);
    const under = new SimplePrecessionModel().likelihood([0, 1], mps.map((r) => [r[0]!]), eps).data;
    const nM = mps.length, nE = eps.length, n = nM * nE;
    const mine = ys.flatMap((y) =>
      mps.flatMap((r, j) =>
        Array.from({ length: nE }, (_, k) => {
          const z0 = (y - r[1]!) / Math.sqrt(r[3]!), z1 = (y - r[2]!) / Math.sqrt(r[4]!);
          return (under[j * nE + k]! * Math.exp(-0.5 * z0 * z0) + under[n + j * nE + k]! * Math.exp(-0.5 * z1 * z1)) / Math.sqrt(2 * Math.PI);
        }),
      ),
    );
    expectClose(mine, qinfer);
    expect(Math.max(...Array.from(D.data).map((v, i) => Math.abs(v - qinfer[i]!)))).toBeGreaterThan(0.1); // the bug is real
  });

  it('bin probabilities are the exact Gaussian masses (1e-12 relative, tails included) and sum to 1', () => {
    const B = edges.length + 1, os = Array.from({ length: B }, (_, b) => b);
    const L = m.likelihood(os, mps, eps);
    expect(L.shape).toEqual(d.bin_probabilities_exact.shape);
    expectClose(L.data, d.bin_probabilities_exact, 1e-11, 1e-16);
    for (let j = 0; j < mps.length; j++) for (let k = 0; k < eps.length; k++) expect(os.reduce((s, o) => s + L.get(o, j, k), 0)).toBeCloseTo(1, 14);
  });

  it('binOf maps readings to bins with left-closed bins; narrow bins give the density times the width', () => {
    expect(m.binOf(-1e9)).toBe(0);
    expect(m.binOf(-0.5)).toBe(1);
    expect(m.binOf(0.1)).toBe(2);
    expect(m.binOf(1e9)).toBe(edges.length);
    const fine = new GaussianHyperparameterizedModel(new SimplePrecessionModel(), { range: [-2, 3], nBins: 50000 }), w = 5 / 50000;
    const y = 0.3, b = fine.binOf(y), centre = -2 + (b + 0.5) * w;
    expect(fine.likelihood(b, mps, eps).data[0]! / w).toBeCloseTo(m.density([centre], mps, eps).data[0]!, 5);
  });

  it('simulates readouts with a fresh draw per repetition (QInfer reuses one), and bins of the same draws', () => {
    const x = [[0.5, 0, 1, 0.04, 0.09]], e = ExpParams.scalar([2]);
    const y = m.simulateReadout(x, e, new Rng(4), 2000).data;
    expect(new Set(Array.from(y)).size).toBe(2000);
    const p0 = Math.cos(0.5) ** 2, mean = Array.from(y).reduce((a, b) => a + b, 0) / 2000;
    const v = p0 * 0.04 + (1 - p0) * 0.09 + p0 * (1 - p0);
    expect(Math.abs(mean - (1 - p0))).toBeLessThan(5 * Math.sqrt(v / 2000));
    expect(Array.from(m.simulateExperiment(x, e, new Rng(4), 2000).data)).toEqual(Array.from(m.binsOf(y)));
  });

  it('bad bins are typed errors', () => {
    const u = new SimplePrecessionModel();
    expect(codeOf(() => new GaussianHyperparameterizedModel(u, { edges: [1, 0] }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new GaussianHyperparameterizedModel(u, { range: [1, 0], nBins: 4 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_RANGE' });
    expect(codeOf(() => new GaussianHyperparameterizedModel(u, {} as never))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new GaussianHyperparameterizedModel(new NDieModel({ n: 3 }), { edges: [0] }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
  });
});

describe('PoisonedModel against QInfer (its formula with QInfer’s own noise), and its frozen noise field', () => {
  const d = fx.data.poisoned;
  const L0 = Float64Array.from(flat(d.L_underlying)), z = flat(d.z);
  it('clip(L + σ z, 0, 1) for ALE and MLE (hedged) matches QInfer', () => {
    for (const c of Object.values(d.cases) as Array<{ kwargs: { tol?: number; n_samples?: number; hedge?: number }; L: unknown }>) {
      const opts = c.kwargs.tol !== undefined ? { tol: c.kwargs.tol } : { nSamples: c.kwargs.n_samples!, hedge: c.kwargs.hedge ?? 0 };
      expectClose(poisonLikelihoods(L0, z, opts), c.L);
    }
  });
  it('the model adds σ·noise() and clips; the noise is N(0, 1) (mean, variance, tails) and differs by particle, experiment, outcome and seed', () => {
    const m = new PoisonedModel(new SimplePrecessionModel(), { tol: 0.05 });
    const mps = d.modelparams.values as number[][], eps = ExpParams.scalar(flat(d.expparams));
    const zz = m.noise([0, 1], Float64Array.from(mps.flat()), eps);
    expectClose(m.likelihood([0, 1], mps, eps).data, Array.from(poisonLikelihoods(L0, zz, { tol: 0.05 })));
    const many = Float64Array.from({ length: 20000 }, (_, i) => 0.1 + i * 1e-4);
    const zs = m.noise([0], many, ExpParams.scalar([1.5]));
    const mean = zs.reduce((a, b) => a + b, 0) / zs.length, v = zs.reduce((a, b) => a + (b - mean) ** 2, 0) / zs.length;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(zs.length));
    expect(Math.abs(v - 1)).toBeLessThan(0.05);
    expect(zs.filter((q) => Math.abs(q) > 1.96).length / zs.length).toBeCloseTo(0.05, 2);
    const other = new PoisonedModel(new SimplePrecessionModel(), { tol: 0.05, seed: 1 }).noise([0], many, ExpParams.scalar([1.5]));
    expect(other[0]).not.toBe(zs[0]);
    expect(m.noise([1], many.subarray(0, 1), ExpParams.scalar([1.5]))[0]).not.toBe(zs[0]);
    expect(m.noise([0], many.subarray(0, 1), ExpParams.scalar([1.6]))[0]).not.toBe(zs[0]);
  });
  it('is the same on any chunking (the likelihood of rows 2..4 alone equals those rows of the whole)', () => {
    const m = new PoisonedModel(new SimplePrecessionModel(), { nSamples: 30 });
    const x = Float64Array.from({ length: 8 }, (_, i) => 0.2 + 0.3 * i), eps = ExpParams.scalar([1, 2]);
    const whole = new Float64Array(2 * 8 * 2), part = new Float64Array(2 * 8 * 2);
    m.likelihoodInto(Int32Array.of(0, 1), x, 8, eps, whole, 0, 8);
    m.likelihoodInto(Int32Array.of(0, 1), x, 8, eps, part, 2, 5);
    for (let i = 0; i < 2; i++) for (let j = 2; j < 5; j++) for (let k = 0; k < 2; k++) expect(part[i * 16 + j * 2 + k]).toBe(whole[i * 16 + j * 2 + k]);
  });
  it('simulation is the underlying model’s; exactly one of tol / nSamples (QInfer accepts neither, then fails with a TypeError)', () => {
    const u = new SimplePrecessionModel(), m = new PoisonedModel(u, { tol: 0.1 });
    const eps = ExpParams.scalar([0.3, 2.2]);
    expect(Array.from(m.simulateExperiment([[0.7]], eps, new Rng(9), 50).data)).toEqual(Array.from(u.simulateExperiment([[0.7]], eps, new Rng(9), 50).data));
    expect(d.neither_tol_nor_n_samples.type).toBe('TypeError');
    expect(codeOf(() => new PoisonedModel(u, {}))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new PoisonedModel(u, { tol: 0.1, nSamples: 3 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new PoisonedModel(u, { tol: -1 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new PoisonedModel(u, { nSamples: 2.5 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
  });
});

describe('GaussianRandomWalkModel against QInfer (scripted normals)', () => {
  const g = fx.data.gaussian_random_walk;
  const under = (name: string): Model => (name === 'UnknownT2Model' ? new UnknownT2Model() : new SimplePrecessionModel());
  const opts = (kw: Record<string, unknown>): GaussianRandomWalkOptions => ({
    ...(kw['random_walk_idxs'] === undefined ? {} : { randomWalkIdxs: kw['random_walk_idxs'] as number[] }),
    ...(kw['fixed_covariance'] === undefined ? {} : { fixedCovariance: kw['fixed_covariance'] as number[] }),
    ...(kw['diagonal'] === undefined ? {} : { diagonal: kw['diagonal'] as boolean }),
    ...(kw['scale_mult'] === undefined ? {} : { scaleMult: kw['scale_mult'] as string }),
  });
  for (const [key, c] of Object.entries(g) as Array<[string, any]>) { // eslint-disable-line @typescript-eslint/no-explicit-any
    it(`${key}: names, validity, expected covariance, likelihood and the step with QInfer's normals`, () => {
      const u = under(c.underlying);
      const m = new GaussianRandomWalkModel(u, opts(c.kwargs));
      const mps = c.modelparams.values as number[][];
      const eps = c.expparams.records === undefined ? ExpParams.scalar(flat(c.expparams)) : fixtureExpParams(m.expparamsSchema, c.expparams);
      expect(m.modelparamNames).toEqual(c.modelparam_names);
      expect(m.nModelparams).toBe(c.n_modelparams);
      expect(Array.from(m.areModelsValid(mps))).toEqual(flat(c.are_models_valid));
      expectClose(m.estUpdateCovariance(mps), c.est_update_covariance);
      expectClose(m.likelihood([0, 1], mps, eps).data, c.likelihood);
      const rng = new ScriptedRng(flat(c.normals));
      const moved = m.updateTimestep(mps, eps, rng);
      expect(moved.shape).toEqual(c.update_timestep.shape);
      expect(rng.used).toBe(flat(c.normals).length);
      expectClose(moved.data, c.update_timestep);
      // rebuilt by name, same step
      const again = builtInRegistry().createModel(JSON.parse(JSON.stringify(m.spec())));
      expect(Array.from(again.updateTimestep(mps, eps, new ScriptedRng(flat(c.normals))).data)).toEqual(Array.from(moved.data));
    });
  }
  it('learns the drift rate: the posterior of σ concentrates near the true one', async () => {
    const { SMCUpdater } = await import('../src/smc/SMCUpdater.js');
    const { ProductDistribution } = await import('../src/distributions/ProductDistribution.js');
    const { UniformDistribution } = await import('../src/distributions/UniformDistribution.js');
    const { BinomialModel } = await import('../src/models/BinomialModel.js');
    const m = new GaussianRandomWalkModel(new BinomialModel(new SimplePrecessionModel()));
    const prior = new ProductDistribution(new UniformDistribution([0.3, 0.7]), new UniformDistribution([0, 0.05]));
    const up = new SMCUpdater(m, 3000, prior, { rng: 11 });
    const rng = new Rng(12), sigma = 0.01;
    let w = 0.5;
    for (let k = 0; k < 150; k++) {
      const eps = ExpParams.records(m.expparamsSchema, [{ x: 4 + (k % 7), n_meas: 50 }]);
      const d = new BinomialModel(new SimplePrecessionModel()).simulateExperiment([[w]], eps, rng).data[0]!;
      up.update(d, eps);
      w += sigma * rng.normal();
    }
    const mean = up.estMean(), cov = up.estCovarianceMtx().data;
    expect(Math.abs(mean[0]! - w)).toBeLessThan(4 * Math.sqrt(cov[0]!) + 0.01);
    expect(Math.abs(mean[1]! - sigma)).toBeLessThan(0.004);
  });
  it('bad options are typed errors', () => {
    const u = new UnknownT2Model();
    expect(codeOf(() => new GaussianRandomWalkModel(u, { randomWalkIdxs: [] }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new GaussianRandomWalkModel(u, { randomWalkIdxs: [2] }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new GaussianRandomWalkModel(u, { fixedCovariance: [1] }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new GaussianRandomWalkModel(u, { diagonal: false, fixedCovariance: [[1, 2], [2, 1]] }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new GaussianRandomWalkModel(u).updateTimestep([[0, 0, 0, 0]], ExpParams.records(u.expparamsSchema, [{ t: 1 }])))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
  });
});
