import { describe, expect, it } from 'vitest';
import type { DifferentiableDistribution } from '../src/distributions/DifferentiableDistribution.js';
import { NormalDistribution } from '../src/distributions/NormalDistribution.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { DifferentiableBinomialModel } from '../src/models/DifferentiableBinomialModel.js';
import { RandomizedBenchmarkingModel } from '../src/models/RandomizedBenchmarkingModel.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import type { Rng } from '../src/rng/Rng.js';
import { SMCUpdaterBCRB } from '../src/smc/SMCUpdaterBCRB.js';
import { matrix } from '../src/util/particles.js';
import { codeOf } from './helpers/codeOf.js';
import { fixtureExpParams } from './helpers/fixtureRecords.js';
import { expectClose, flat, loadFixture } from './helpers/fixtures.js';

const fx = loadFixture('parity_bcrb.json');

/** QInfer's FixedNormalCloud: every sample is the fixed cloud; the gradient is that of N(mean, diag(var)). */
function fixedNormalCloud(rows: number[][], mean: number[], variance: number[]): DifferentiableDistribution {
  const d = rows[0]!.length, x = Float64Array.from(rows.flat());
  return {
    nRvs: d,
    sample: (n: number, _rng: Rng) => (expect(n).toBe(rows.length), matrix(x.slice(), n, d)),
    gradLogPdf: (y: Float64Array, n: number) => Float64Array.from({ length: n * d }, (_, i) => -(y[i]! - mean[i % d]!) / variance[i % d]!),
  };
}

describe('SMCUpdaterBCRB against QInfer (parity_bcrb.json)', () => {
  it('SimplePrecessionModel: J₀, prior and posterior Bayes information, current and adaptive BIM after each datum', () => {
    const c = fx.data.simple_precession;
    const cloud = c.cloud.values as number[][];
    const up = new SMCUpdaterBCRB(new SimplePrecessionModel(), cloud.length, fixedNormalCloud(cloud, c.prior_mean, c.prior_var), { adaptive: true, resampleThresh: 0 });
    expectClose(up.currentBim, c.initial_bim);
    (c.expparams as number[]).forEach((t, k) => {
      const e = ExpParams.scalar([t]);
      expectClose(up.priorBayesInformation(e), c.prior_bi[k]);
      expectClose(up.posteriorBayesInformation(e), c.posterior_bi[k]);
      up.update(c.outcomes[k], e);
      expectClose(up.currentBim, c.current[k]);
      expectClose(up.adaptiveBim, c.adaptive[k]);
    });
    expectClose(up.particleWeights, c.weights);
    expectClose(up.bayesianCramerRaoBound(), [1 / flat(c.current.at(-1))[0]!]);
  });

  it('DifferentiableBinomialModel(RB), three parameters: the same through the pipeline’s two-stage path (applyLikelihood)', () => {
    const c = fx.data.binomial_rb;
    const cloud = c.cloud.values as number[][];
    const model = new DifferentiableBinomialModel(new RandomizedBenchmarkingModel());
    const up = new SMCUpdaterBCRB(model, cloud.length, fixedNormalCloud(cloud, flat(c.prior_mean), flat(c.prior_var)), { adaptive: true, resampleThresh: 0 });
    expectClose(up.currentBim, c.initial_bim);
    const eps = fixtureExpParams(model.expparamsSchema, c.expparams);
    (c.outcomes as number[]).forEach((o, k) => {
      const e = eps.at(k);
      up.applyLikelihood(o, e, Float64Array.from(up.likelihoodOf(o, e))); // as operators/update does
      expectClose(up.currentBim, c.current[k], 1e-11);
      expectClose(up.adaptiveBim, c.adaptive[k], 1e-11);
    });
    expectClose(up.particleWeights, c.weights, 1e-11, 1e-15);
    // the bound is the inverse of the information
    const J = up.currentBim, B = up.bayesianCramerRaoBound();
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += J[i * 3 + k]! * B[k * 3 + j]!;
      expect(s).toBeCloseTo(i === j ? 1 : 0, 9);
    }
  });
});

describe('SMCUpdaterBCRB behaviour', () => {
  it('a normal prior: J₀ ≈ 1/σ², then J grows by exactly t² per datum (SimplePrecession)', () => {
    const up = new SMCUpdaterBCRB(new SimplePrecessionModel(), 3000, new NormalDistribution(0.5, 0.01), { rng: 4 });
    const J0 = up.currentBim[0]!;
    expect(Math.abs(J0 - 100) / 100).toBeLessThan(0.1); // E[(x − μ)²]/σ⁴ over 3000 draws
    for (const t of [1, 2, 4]) up.update(0, ExpParams.scalar([t]));
    expect(up.currentBim[0]).toBeCloseTo(J0 + 1 + 4 + 16, 8);
  });
  it('the SMC random stream is untouched: the same posterior as a plain SMCUpdater with the same seed', async () => {
    const { SMCUpdater } = await import('../src/smc/SMCUpdater.js');
    const prior = new NormalDistribution(0.5, 0.01);
    const a = new SMCUpdaterBCRB(new SimplePrecessionModel(), 500, prior, { rng: 9, adaptive: true });
    const b = new SMCUpdater(new SimplePrecessionModel(), 500, prior, { rng: 9 });
    for (const [o, t] of [[0, 1], [1, 5], [0, 9], [1, 14]] as const) {
      a.update(o, ExpParams.scalar([t]));
      b.update(o, ExpParams.scalar([t]));
    }
    expect(Array.from(a.locations)).toEqual(Array.from(b.locations));
    expect(a.resampleCount).toBe(b.resampleCount);
  });
  it('a uniform prior starts with J₀ = 0 (no bound yet); initialBim replaces it; non-differentiable models and priors are typed errors', () => {
    const up = new SMCUpdaterBCRB(new SimplePrecessionModel(), 100, new UniformDistribution([0, 1]), { rng: 1 });
    expect(Array.from(up.currentBim)).toEqual([0]);
    expect(codeOf(() => up.bayesianCramerRaoBound())).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(Array.from(new SMCUpdaterBCRB(new SimplePrecessionModel(), 100, new UniformDistribution([0, 1]), { initialBim: [[12]] }).currentBim)).toEqual([12]);
    expect(codeOf(() => up.adaptiveBim)).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new SMCUpdaterBCRB(new UnknownT2Model(), 100, new UniformDistribution([[0, 1], [0, 1]])))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    const noGrad = { nRvs: 1, sample: (n: number, r: Rng) => new UniformDistribution([0, 1]).sample(n, r) };
    expect(codeOf(() => new SMCUpdaterBCRB(new SimplePrecessionModel(), 100, noGrad))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => new SMCUpdaterBCRB(new SimplePrecessionModel(), 100, new UniformDistribution([0, 1]), { initialBim: [1, 2] }))).toEqual({ cls: QinferArgumentError, code: 'ERR_SHAPE' });
  });
});
