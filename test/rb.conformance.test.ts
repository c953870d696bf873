import { describe, expect, it } from 'vitest';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { BinomialModel } from '../src/models/BinomialModel.js';
import { DifferentiableBinomialModel } from '../src/models/DifferentiableBinomialModel.js';
import { RandomizedBenchmarkingModel } from '../src/models/RandomizedBenchmarkingModel.js';
import { rbDepolarizing, rbFidelity } from '../src/models/rbFidelity.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { codeOf } from './helpers/codeOf.js';
import { fixtureExpParams } from './helpers/fixtureRecords.js';
import { expectClose, flat, loadFixture } from './helpers/fixtures.js';

const fx = loadFixture('parity_rb.json');
const outcomes = flat(fx.produced_by.args.outcomes);

for (const [key, interleaved] of [['standard', false], ['interleaved', true]] as const) {
  describe(`RandomizedBenchmarkingModel (${key}) against QInfer (parity_rb.json)`, () => {
    const d = fx.data[key];
    const m = new RandomizedBenchmarkingModel({ interleaved });
    const mps = d.modelparams.values as number[][];
    const eps = fixtureExpParams(m.expparamsSchema, d.expparams);

    it('has QInfer’s parameters, names and experiment fields', () => {
      expect(m.nModelparams).toBe(d.n_modelparams);
      expect(m.modelparamNames).toEqual(d.modelparam_names);
      expect(m.nOutcomes()).toBe(d.n_outcomes);
      expect(m.isNOutcomesConstant).toBe(d.is_n_outcomes_constant);
      expect(m.expparamsSchema.kind === 'record' && m.expparamsSchema.fields.map((f) => f.name)).toEqual(d.expparams_dtype.map((f: string[]) => f[0]));
    });
    it('likelihood (1e-12), including invalid rows', () => {
      const L = m.likelihood(outcomes, mps, eps);
      expect(L.shape).toEqual(d.L.shape);
      expectClose(L.data, d.L);
    });
    it('are_models_valid', () => {
      expect(Array.from(m.areModelsValid(mps))).toEqual(flat(d.are_models_valid));
    });
    // QInfer computes p^(m−1) with numpy's unsigned m − 1, which wraps to 2⁶⁴ − 1 at m = 0: for an
    // (invalid) particle with p > 1 that is ∞ and A·0·∞ = NaN. The derivative of A p⁰ is exactly 0,
    // which is what we return there (and the Fisher information entries it feeds are 0 too).
    const mCol = eps.field('m'), nE = eps.length, nM = mps.length, pIdx = interleaved ? [0, 1] : [0];
    const wrapped = (j: number, k: number): boolean => mCol[k] === 0 && pIdx.some((q) => mps[j]![q]! > 1);
    function exactExpected(fixture: unknown): number[] {
      const e = flat(fixture);
      return e.map((v, i) => {
        const j = Math.floor(i / nE) % nM, k = i % nE;
        return Number.isNaN(v) && wrapped(j, k) ? 0 : v;
      });
    }
    it('score, with ±Infinity / NaN where a likelihood is 0 (exact 0 where QInfer’s unsigned m − 1 wraps)', () => {
      const S = m.score(outcomes, mps, eps);
      expect(S.shape).toEqual(d.score.shape);
      const want = exactExpected(d.score);
      expect(want.filter((v, i) => v !== flat(d.score)[i] && !Number.isNaN(flat(d.score)[i]!)).length).toBe(0);
      expect(flat(d.score).filter((v, i) => Number.isNaN(v) && want[i] === 0).length).toBeGreaterThan(0); // the quirk is exercised
      expectClose(S.data, want);
    });
    it('Fisher information (NaN where a likelihood is 0, as QInfer; 0 where only the wrap made it NaN)', () => {
      const I = m.fisherInformation(mps, eps);
      expect(I.shape).toEqual(d.fisher_information.shape);
      expectClose(I.data, exactExpected(d.fisher_information));
    });
    it('simulate: shapes, and mean survival within 5 standard errors of A pᵐ + B (and of QInfer’s sample mean)', () => {
      const good = d.simulate_mean_repeat4000.modelparams.values as number[][];
      const R = d.simulate_mean_repeat4000.repeat as number;
      expect(m.simulateExperiment(good, eps, new Rng(1), 3).shape).toEqual(d.simulate_shape_repeat3);
      const sims = m.simulateExperiment(good, eps, new Rng(2), R);
      const surv = m.likelihood(1, good, eps).data;
      const qMean = flat(d.simulate_mean_repeat4000.mean);
      const n = good.length * eps.length;
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let r = 0; r < R; r++) s += sims.data[r * n + c]!;
        const se = Math.sqrt((surv[c]! * (1 - surv[c]!)) / R) + 1e-12;
        expect(Math.abs(s / R - surv[c]!)).toBeLessThanOrEqual(5 * se);
        expect(Math.abs(qMean[c]! - surv[c]!)).toBeLessThanOrEqual(5 * se);
      }
    });
  });
}

describe('BinomialModel(RB) and DifferentiableBinomialModel(RB) against QInfer', () => {
  const rb = new RandomizedBenchmarkingModel();
  it('binomial likelihood of survival counts', () => {
    const b = fx.data.binomial;
    const bm = new BinomialModel(rb);
    const L = bm.likelihood(flat(b.counts), b.modelparams.values, fixtureExpParams(bm.expparamsSchema, b.expparams));
    expect(L.shape).toEqual(b.L.shape);
    expectClose(L.data, b.L);
  });
  it('Fisher information = n_meas × the one-shot information', () => {
    const b = fx.data.differentiable_binomial;
    const dm = new DifferentiableBinomialModel(rb);
    const I = dm.fisherInformation(b.modelparams.values, fixtureExpParams(dm.expparamsSchema, b.expparams));
    expect(I.shape).toEqual(b.fisher_information.shape);
    expectClose(I.data, b.fisher_information);
  });
  it('score k s₁ + (n − k) s₀ equals a central difference of ln Binom(k; n, A pᵐ + B), and Σ_k L_k s_k² is the Fisher information', () => {
    const dm = new DifferentiableBinomialModel(rb);
    const x = [0.97, 0.45, 0.5], nMeas = 12;
    const eps = ExpParams.records(dm.expparamsSchema, [{ m: 7, n_meas: nMeas }]);
    const ks = Array.from({ length: nMeas + 1 }, (_, k) => k);
    const S = dm.score(ks, [x], eps).data;
    const L = dm.likelihood(ks, [x], eps).data;
    const h = 1e-7;
    for (let q = 0; q < 3; q++) {
      const up = [...x], dn = [...x];
      up[q]! += h;
      dn[q]! -= h;
      const Lu = dm.likelihood(ks, [up], eps).data, Ld = dm.likelihood(ks, [dn], eps).data;
      ks.forEach((k) => expect(S[q * ks.length + k]!).toBeCloseTo((Math.log(Lu[k]!) - Math.log(Ld[k]!)) / (2 * h), 4));
    }
    const I = dm.fisherInformation([x], eps).data;
    for (let p = 0; p < 3; p++) {
      for (let q = 0; q < 3; q++) {
        let s = 0;
        ks.forEach((k) => (s += L[k]! * S[p * ks.length + k]! * S[q * ks.length + k]!));
        expect(s).toBeCloseTo(I[p * 3 + q]!, 8);
      }
    }
  });
  it('needs a differentiable underlying model', () => {
    expect(codeOf(() => new DifferentiableBinomialModel(new BinomialModel(new SimplePrecessionModel()) as never))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
  });
});

describe('RB score against finite differences (standard and interleaved)', () => {
  for (const interleaved of [false, true]) {
    it(`interleaved = ${interleaved}`, () => {
      const m = new RandomizedBenchmarkingModel({ interleaved });
      const x = interleaved ? [0.97, 0.985, 0.45, 0.5] : [0.97, 0.45, 0.5];
      const eps = ExpParams.records(m.expparamsSchema, interleaved ? [{ m: 5, reference: 0 }, { m: 5, reference: 1 }, { m: 0, reference: 0 }] : [{ m: 5 }, { m: 30 }, { m: 0 }]);
      const S = m.score([0, 1], [x], eps).data, h = 1e-7, nE = eps.length;
      for (let q = 0; q < x.length; q++) {
        const up = [...x], dn = [...x];
        up[q]! += h;
        dn[q]! -= h;
        const Lu = m.likelihood([0, 1], [up], eps).data, Ld = m.likelihood([0, 1], [dn], eps).data;
        for (let i = 0; i < 2 * nE; i++) expect(S[q * 2 * nE + i]!).toBeCloseTo((Math.log(Lu[i]!) - Math.log(Ld[i]!)) / (2 * h), 4);
      }
    });
  }
});

describe('p ↔ F conversions against qinfer.rb.p / qinfer.rb.F', () => {
  it('match and invert each other', () => {
    for (const r of fx.data.conversions.F_to_p) expectClose([rbDepolarizing(r.F, r.d)], [r.p]);
    for (const r of fx.data.conversions.p_to_F) expectClose([rbFidelity(r.p, r.d)], [r.F]);
    for (const d of [2, 3, 4, 8]) expect(rbDepolarizing(rbFidelity(0.987, d), d)).toBeCloseTo(0.987, 14);
    expect(codeOf(() => rbFidelity(0.9, 1))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
  });
});

describe('RB experiments, errors and the registry', () => {
  it('rejects non-integer m, a reference other than 0/1, and orders other than 0', () => {
    const m = new RandomizedBenchmarkingModel(), mi = new RandomizedBenchmarkingModel({ interleaved: true });
    expect(codeOf(() => m.likelihood(0, [[0.9, 0.5, 0.5]], ExpParams.records(m.expparamsSchema, [{ m: 2.5 }])))).toEqual({ cls: QinferArgumentError, code: 'ERR_EXPPARAMS_FIELD' });
    expect(codeOf(() => m.likelihood(0, [[0.9, 0.5, 0.5]], ExpParams.records(m.expparamsSchema, [{ m: -1 }])))).toEqual({ cls: QinferArgumentError, code: 'ERR_EXPPARAMS_FIELD' });
    expect(codeOf(() => mi.likelihood(0, [[0.9, 0.9, 0.5, 0.5]], ExpParams.records(mi.expparamsSchema, [{ m: 2, reference: 2 }])))).toEqual({ cls: QinferArgumentError, code: 'ERR_EXPPARAMS_FIELD' });
    expect(codeOf(() => new RandomizedBenchmarkingModel({ order: 1 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
  });
  it('is rebuilt by name with the same likelihood', () => {
    const reg = builtInRegistry();
    for (const interleaved of [false, true]) {
      const m = new RandomizedBenchmarkingModel({ interleaved });
      const r = reg.createModel(JSON.parse(JSON.stringify(m.spec())));
      const x = interleaved ? [[0.97, 0.98, 0.5, 0.4]] : [[0.97, 0.5, 0.4]];
      const eps = ExpParams.records(m.expparamsSchema, interleaved ? [{ m: 9, reference: 0 }] : [{ m: 9 }]);
      expect(Array.from(r.likelihood([0, 1], x, eps).data)).toEqual(Array.from(m.likelihood([0, 1], x, eps).data));
    }
    const d = reg.createModel({ name: 'DifferentiableBinomialModel', params: { underlyingModel: { name: 'RandomizedBenchmarkingModel', params: {} } } });
    expect(d.name).toBe('DifferentiableBinomialModel');
  });
});
