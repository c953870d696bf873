import { describe, expect, it } from 'vitest';
import { ExpParams, recordSchema } from '../src/expparams/ExpParams.js';
import { pr0ToLikelihoodArray } from '../src/models/pr0ToLikelihoodArray.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { Rng } from '../src/rng/Rng.js';
import { expectClose, flat, loadFixture } from './helpers/fixtures.js';
import type { Model } from '../src/models/Model.js';

// QInfer's reference vectors, relative error ≤ 1e-12 (absolute 1e-14) unless stated.

function expectMetadata(m: Model, meta: { n_modelparams: number; Q: number[]; modelparam_names: string[]; n_outcomes: number; is_n_outcomes_constant: boolean; domain_values: number[] }): void {
  expect(m.nModelparams).toBe(meta.n_modelparams);
  expect(Array.from(m.Q)).toEqual(meta.Q);
  expect(m.modelparamNames).toEqual(meta.modelparam_names);
  expect(m.nOutcomes()).toBe(meta.n_outcomes);
  expect(m.isNOutcomesConstant).toBe(meta.is_n_outcomes_constant);
  expect(Array.from({ length: m.nOutcomes() }, (_, i) => i)).toEqual(meta.domain_values);
}

describe('SimplePrecessionModel against QInfer (likelihood_simple_precession.json)', () => {
  const fx = loadFixture('likelihood_simple_precession.json');
  const d = fx.data;
  const eps = ExpParams.scalar(d.expparams);
  const mps = d.modelparams as number[][];

  it('has QInfer metadata', () => {
    const m = new SimplePrecessionModel();
    expectMetadata(m, d.model);
    expect(m.expparamsSchema.kind).toBe('scalar');
  });

  it('likelihood for outcomes [0, 1], [1] and the scalar outcome 1', () => {
    const m = new SimplePrecessionModel();
    const L = m.likelihood(d.outcomes, mps, eps);
    expect(L.shape).toEqual(d.L.shape);
    expectClose(L.data, d.L);
    const L1 = m.likelihood([1], mps, eps);
    expect(L1.shape).toEqual(d.L_outcome1.shape);
    expectClose(L1.data, d.L_outcome1);
    const Ls = m.likelihood(1, mps, eps);
    expect(Ls.shape).toEqual(d.L_scalar_outcome.shape);
    expectClose(Ls.data, d.L_scalar_outcome);
  });

  it('accepts records with a t field and gives the same likelihood', () => {
    const m = new SimplePrecessionModel();
    const rec = ExpParams.records(recordSchema({ name: 't', type: 'float' }), (d.expparams as number[]).map((t) => ({ t })));
    expectClose(m.likelihood(d.outcomes, mps, rec).data, d.L);
  });

  it('are_models_valid (strict: ω = 0 invalid)', () => {
    expect(Array.from(new SimplePrecessionModel().areModelsValid(mps))).toEqual(flat(d.are_models_valid));
  });

  it('score, including NaN / ±Infinity where t = 0 or ω = 0', () => {
    const S = new SimplePrecessionModel().score(d.outcomes, mps, eps);
    expect(S.shape).toEqual(d.score.shape);
    expectClose(S.data, d.score);
  });

  it('fisher_information = Σ_o L s², NaN where the score is not finite', () => {
    const I = new SimplePrecessionModel().fisherInformation(mps, eps);
    expect(I.shape).toEqual(d.fisher_information.shape);
    expectClose(I.data, d.fisher_information);
  });

  it('simulate_experiment shapes; we always return [repeat, nM, nE] where QInfer squeezes 1×1×1 to a scalar', () => {
    const m = new SimplePrecessionModel();
    const rng = new Rng(5);
    expect(m.simulateExperiment(mps, eps, rng, 3).shape).toEqual(d.simulate_experiment_shape_repeat3);
    const t0 = m.simulateExperiment([[0.5]], ExpParams.scalar([0]), rng);
    expect(t0.shape).toEqual([1, 1, 1]); // QInfer: a bare int64 scalar
    expect(t0.get(0, 0, 0)).toBe(d.simulate_experiment_scalar_t0);
    const pi = m.simulateExperiment([[Math.PI]], ExpParams.scalar([1]), rng);
    expect(pi.get(0, 0, 0)).toBe(d.simulate_experiment_scalar_pi);
  });
});

describe('UnknownT2Model against QInfer (likelihood_unknown_t2.json)', () => {
  const fx = loadFixture('likelihood_unknown_t2.json');
  const args = fx.produced_by.args;
  const m = new UnknownT2Model();
  const eps = ExpParams.records(m.expparamsSchema, args.expparams.records);

  it('has QInfer metadata and the record schema [(t, float)]', () => {
    expectMetadata(m, fx.data.model);
    expect(m.expparamsSchema).toEqual({ kind: 'record', fields: [{ name: 't', type: 'float' }] });
  });

  it('likelihood grid', () => {
    const L = m.likelihood(args.outcomes, args.modelparams, eps);
    expect(L.shape).toEqual(fx.data.L.shape);
    expectClose(L.data, fx.data.L);
  });

  it('are_models_valid (all params ≥ 0, non-strict)', () => {
    expect(Array.from(m.areModelsValid(args.modelparams))).toEqual(flat(fx.data.are_models_valid));
  });
});

describe('pr0ToLikelihoodArray against QInfer (pr0_to_likelihood_array.json)', () => {
  const fx = loadFixture('pr0_to_likelihood_array.json');
  const pr0 = Float64Array.from(flat(fx.data.pr0));
  for (const c of fx.data.cases) {
    it(`outcomes ${JSON.stringify(c.outcomes)}`, () => {
      const L = pr0ToLikelihoodArray(c.outcomes, pr0, 2, 3);
      expect(L.shape).toEqual(c.result.shape);
      expectClose(L.data, c.result);
    });
  }

  it('the TwoOutcomeModel kernel stacks outcomes the same way (outcome order [1, 1, 0])', () => {
    // Two particles of SimplePrecession whose Pr(0) we can read back through outcome 0.
    const m = new SimplePrecessionModel();
    const mps = [[0.3], [1.7]], eps = ExpParams.scalar([0.5, 2, 9]);
    const p0 = m.likelihood(0, mps, eps).data;
    const L = m.likelihood([1, 1, 0], mps, eps);
    expect(Array.from(L.data)).toEqual(Array.from(pr0ToLikelihoodArray([1, 1, 0], p0, 2, 3).data));
  });
});
