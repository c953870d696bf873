import { describe, expect, it } from 'vitest';
import { poissonVariate } from '../src/distributions/poissonVariate.js';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { BinomialModel } from '../src/models/BinomialModel.js';
import { MultinomialModel } from '../src/models/MultinomialModel.js';
import { NDieModel } from '../src/models/NDieModel.js';
import { PoissonCountModel } from '../src/models/PoissonCountModel.js';
import { poissonPmf } from '../src/models/poissonPmf.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { bayesRisk, expectedInformationGain } from '../src/smc/designQuantities.js';
import { designByOutcomeEnumeration, designByOutcomeSampling } from '../src/smc/outcomeDesignQuantities.js';
import { logFactorial } from '../src/util/logFactorial.js';
import { codeOf } from './helpers/codeOf.js';
import { expectClose, loadFixture } from './helpers/fixtures.js';

const fx = loadFixture('parity_poisson.json');

describe('poissonPmf against exact decimal values (parity_poisson.json)', () => {
  it('is accurate to 1e-13 relative where scipy’s log form loses up to 1e-12', () => {
    for (const v of fx.data.values) {
      const p = poissonPmf(v.k, v.lambda);
      if (v.pmf < 1e-300) expect(Math.abs(p - v.pmf)).toBeLessThan(1e-320);
      else expect(Math.abs(p - v.pmf) / v.pmf, `k=${v.k} λ=${v.lambda}`).toBeLessThan(1e-13);
    }
    expect(poissonPmf(0, 0)).toBe(1);
    expect(poissonPmf(2, 0)).toBe(0);
    expect(poissonPmf(1.5, 2)).toBe(0);
  });
  it('logFactorial is exact enough at the table edge and beyond', () => {
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(10)).toBeCloseTo(Math.log(3628800), 13);
    let s = 0;
    for (let i = 2; i <= 300; i++) s += Math.log(i);
    expect(Math.abs(logFactorial(300) - s) / s).toBeLessThan(1e-13);
    expect(Math.abs(logFactorial(171) - logFactorial(170) - Math.log(171))).toBeLessThan(1e-11);
  });
});

describe('poissonVariate', () => {
  it('passes χ² tests against the pmf for small, medium and huge means', () => {
    for (const [lam, seed] of [[0.5, 1], [12.5, 2], [1000, 3], [1e6, 4]] as const) {
      const n = 40000, rng = new Rng(seed), counts = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const k = poissonVariate(lam, rng);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      // cells of expectation ≥ 5 around the mean, the rest pooled
      let stat = 0, df = -1, poolO = n, poolE = n;
      for (let k = Math.max(0, Math.floor(lam - 8 * Math.sqrt(lam) - 5)); k <= lam + 8 * Math.sqrt(lam) + 5; k++) {
        const e = n * poissonPmf(k, lam);
        if (e < 5) continue;
        const o = counts.get(k) ?? 0;
        stat += (o - e) ** 2 / e;
        df++;
        poolO -= o;
        poolE -= e;
      }
      if (poolE > 1) {
        stat += (poolO - poolE) ** 2 / poolE;
        df++;
      }
      expect(stat, `λ = ${lam}: χ² ${stat}, df ${df}`).toBeLessThan(df + 6 * Math.sqrt(2 * df));
    }
    expect(poissonVariate(0, new Rng(1))).toBe(0);
  });
});

describe('PoissonCountModel', () => {
  const nv = new PoissonCountModel(new SimplePrecessionModel());
  const x = [[1, 20, 14], [0.4, 5, 0.5]];
  const eps = ExpParams.scalar([0.3, Math.PI / 2, 7]);
  it('L(k) = Poisson(k; α p₀ + β p₁); names, validity, unbounded outcomes', () => {
    const ks = [0, 3, 17, 40];
    const L = nv.likelihood(ks, x, eps);
    const lam = nv.meanCounts(x, eps).data;
    ks.forEach((k, i) => x.forEach((r, j) => [0.3, Math.PI / 2, 7].forEach((t, e) => {
      const p0 = Math.cos((r[0]! * t) / 2) ** 2;
      expect(lam[j * 3 + e]).toBeCloseTo(r[1]! * p0 + r[2]! * (1 - p0), 12);
      expect(L.get(i, j, e)).toBe(poissonPmf(k, lam[j * 3 + e]!));
    })));
    expect(nv.modelparamNames).toEqual(['\\omega', '\\alpha', '\\beta']);
    expect(nv.nOutcomes()).toBe(Infinity);
    expect(Array.from(nv.areModelsValid([[1, 20, 14], [1, 14, 20], [1, 3, -1], [0, 3, 1], [1, 2, 2]]))).toEqual([1, 0, 0, 0, 1]);
    // Σ_k L = 1
    for (let j = 0; j < 2; j++) {
      let s = 0;
      for (let k = 0; k < 200; k++) s += nv.likelihood(k, [x[j]!], eps.at(1)).data[0]!;
      expect(s).toBeCloseTo(1, 13);
    }
  });
  it('references: bright λ = α, dark λ = β, signal the mixture', () => {
    const m = new PoissonCountModel(new SimplePrecessionModel(), { references: true });
    const e = ExpParams.records(m.expparamsSchema, [{ x: 1, mode: 0 }, { x: 1, mode: 1 }, { x: 1, mode: 2 }]);
    const lam = m.meanCounts([[1, 20, 14]], e).data;
    expect(lam[1]).toBe(20);
    expect(lam[2]).toBe(14);
    expect(lam[0]).toBeCloseTo(20 * Math.cos(0.5) ** 2 + 14 * Math.sin(0.5) ** 2, 12);
    expect(codeOf(() => m.likelihood(0, [[1, 2, 1]], ExpParams.records(m.expparamsSchema, [{ x: 1, mode: 3 }])))).toEqual({ cls: QinferArgumentError, code: 'ERR_EXPPARAMS_FIELD' });
    expect(builtInRegistry().createModel(JSON.parse(JSON.stringify(m.spec()))).expparamsSchema).toEqual(m.expparamsSchema);
  });
  it('simulates Poisson counts (mean and variance λ)', () => {
    const R = 20000, s = nv.simulateExperiment([[1, 20, 14]], eps.at(1), new Rng(5), R).data;
    const mean = s.reduce((a, b) => a + b, 0) / R, v = s.reduce((a, b) => a + (b - mean) ** 2, 0) / R;
    expect(Math.abs(mean - 17)).toBeLessThan(5 * Math.sqrt(17 / R));
    expect(Math.abs(v / 17 - 1)).toBeLessThan(0.04);
  });
  it('score = (k/λ − 1) ∇λ matches finite differences; Fisher information ∇λ∇λᵀ/λ equals Σ_k L s sᵀ', () => {
    const r = [1.1, 20, 14], e = ExpParams.scalar([2.3]), h = 1e-6, ks = Array.from({ length: 120 }, (_, k) => k);
    const S = nv.score(ks, [r], e).data, L = nv.likelihood(ks, [r], e).data;
    for (let q = 0; q < 3; q++) {
      const up = [...r], dn = [...r];
      up[q]! += h;
      dn[q]! -= h;
      const Lu = nv.likelihood(ks, [up], e).data, Ld = nv.likelihood(ks, [dn], e).data;
      for (const k of [0, 5, 17, 30]) expect(S[q * ks.length + k]!).toBeCloseTo((Math.log(Lu[k]!) - Math.log(Ld[k]!)) / (2 * h), 4);
    }
    const I = nv.fisherInformation([r], e).data;
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) {
      let s = 0;
      for (const k of ks) s += L[k]! * S[p * ks.length + k]! * S[q * ks.length + k]!;
      expect(s).toBeCloseTo(I[p * 3 + q]!, 9);
    }
  });
});

describe('design quantities over large and unbounded outcome spaces', () => {
  const rng = new Rng(21);
  it('bayesRisk / expectedInformationGain refuse unbounded outcomes with a typed error', () => {
    const nv = new PoissonCountModel(new SimplePrecessionModel());
    const x = Float64Array.of(1, 20, 14, 0.5, 20, 14), w = Float64Array.of(0.5, 0.5);
    expect(codeOf(() => bayesRisk(nv, x, w, 2, ExpParams.scalar([1])))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => expectedInformationGain(nv, x, w, 2, ExpParams.scalar([1])))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
  });

  // A posterior-like cloud: 400 particles, non-uniform weights.
  function cloud(nP: number, gen: (i: number, r: Rng) => number[], n = 400): { x: Float64Array; w: Float64Array } {
    const r = new Rng(7), x = new Float64Array(n * nP), w = new Float64Array(n);
    let s = 0;
    for (let i = 0; i < n; i++) {
      x.set(gen(i, r), i * nP);
      w[i] = 0.2 + r.uniform();
      s += w[i]!;
    }
    return { x, w: w.map((v) => v / s) };
  }

  it('binomial (21 outcomes): enumeration equals the exact sum; the sampled estimate is within 4 of its standard errors', () => {
    const m = new BinomialModel(new SimplePrecessionModel());
    const { x, w } = cloud(1, (_i, r) => [0.3 + 0.4 * r.uniform()]);
    const eps = ExpParams.records(m.expparamsSchema, [{ x: 3, n_meas: 20 }, { x: 11, n_meas: 20 }]);
    const exactR = bayesRisk(m, x, w, 400, eps), exactG = expectedInformationGain(m, x, w, 400, eps);
    const en = designByOutcomeEnumeration(m, x, w, 400, eps, { massTolerance: 0 });
    expectClose(en.bayesRisk, Array.from(exactR), 1e-10);
    expectClose(en.informationGain, Array.from(exactG), 1e-10);
    expect(Array.from(en.nOutcomes)).toEqual([21, 21]);
    const s = designByOutcomeSampling(m, x, w, 400, eps, { nSamples: 3000, rng });
    for (let k = 0; k < 2; k++) {
      expect(Math.abs(s.bayesRisk[k]! - exactR[k]!)).toBeLessThan(4 * s.bayesRiskError[k]!);
      expect(Math.abs(s.informationGain[k]! - exactG[k]!)).toBeLessThan(4 * s.informationGainError[k]!);
      expect(s.bayesRiskError[k]!).toBeGreaterThan(0);
      expect(s.bayesRiskError[k]! / s.bayesRisk[k]!).toBeLessThan(0.05);
    }
  });

  it('multinomial (3 sides, 30 shots, 496 outcomes): sampled within 4 standard errors of the exact sum', () => {
    const m = new MultinomialModel(new NDieModel({ n: 3 }));
    const { x, w } = cloud(3, (_i, r) => {
      const a = 0.2 + 0.2 * r.uniform(), b = 0.2 + 0.2 * r.uniform();
      return [a, b, 1 - a - b];
    });
    const eps = ExpParams.records(m.expparamsSchema, [{ exp_num: 0, n_meas: 30 }]);
    const exactR = bayesRisk(m, x, w, 400, eps)[0]!, exactG = expectedInformationGain(m, x, w, 400, eps)[0]!;
    const s = designByOutcomeSampling(m, x, w, 400, eps, { nSamples: 2000, rng });
    expect(Math.abs(s.bayesRisk[0]! - exactR)).toBeLessThan(4 * s.bayesRiskError[0]!);
    expect(Math.abs(s.informationGain[0]! - exactG)).toBeLessThan(4 * s.informationGainError[0]!);
    expect(s.distinctOutcomes[0]!).toBeLessThan(496);
  });

  it('Poisson counts: enumeration to a neglected mass of 1e-14 agrees with sampling within 4 standard errors, and with a tighter cutoff', () => {
    const nv = new PoissonCountModel(new SimplePrecessionModel());
    const { x, w } = cloud(3, (_i, r) => [0.8 + 0.4 * r.uniform(), 18 + 4 * r.uniform(), 10 + 3 * r.uniform()]);
    const eps = ExpParams.scalar([1.2, 3.1]);
    const en = designByOutcomeEnumeration(nv, x, w, 400, eps, { massTolerance: 1e-14 });
    const tight = designByOutcomeEnumeration(nv, x, w, 400, eps, { massTolerance: 1e-15 });
    expect(Array.from(en.neglectedMass).every((m) => m <= 1e-14)).toBe(true);
    expectClose(en.bayesRisk, Array.from(tight.bayesRisk), 1e-12);
    expect(Math.max(...en.bayesRiskBound)).toBeLessThan(1e-11);
    const s = designByOutcomeSampling(nv, x, w, 400, eps, { nSamples: 3000, rng });
    for (let k = 0; k < 2; k++) {
      expect(Math.abs(s.bayesRisk[k]! - en.bayesRisk[k]!)).toBeLessThan(4 * s.bayesRiskError[k]!);
      expect(Math.abs(s.informationGain[k]! - en.informationGain[k]!)).toBeLessThan(4 * s.informationGainError[k]!);
    }
    // the standard error shrinks as 1/√S
    const s4 = designByOutcomeSampling(nv, x, w, 400, eps.at(0), { nSamples: 12000, rng });
    expect(s4.bayesRiskError[0]! / s.bayesRiskError[0]!).toBeGreaterThan(0.35);
    expect(s4.bayesRiskError[0]! / s.bayesRiskError[0]!).toBeLessThan(0.65);
  });

  it('bad options are typed errors; the same seed gives the same estimate', () => {
    const m = new BinomialModel(new SimplePrecessionModel());
    const x = Float64Array.of(0.3, 0.5), w = Float64Array.of(0.5, 0.5), eps = ExpParams.records(m.expparamsSchema, [{ x: 2, n_meas: 5 }]);
    expect(codeOf(() => designByOutcomeSampling(m, x, w, 2, eps, { nSamples: 1, rng: new Rng(1) }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => designByOutcomeSampling(m, x, w, 2, eps, {} as never))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    expect(codeOf(() => designByOutcomeEnumeration(m, x, w, 2, eps, { massTolerance: 1 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    const nv = new PoissonCountModel(new SimplePrecessionModel());
    expect(codeOf(() => designByOutcomeEnumeration(nv, Float64Array.of(1, 2e6, 1e6), Float64Array.of(1), 1, ExpParams.scalar([1]), { maxOutcomes: 100 }))).toEqual({ cls: QinferArgumentError, code: 'ERR_ARGUMENT' });
    const a = designByOutcomeSampling(m, x, w, 2, eps, { nSamples: 50, rng: new Rng(3) });
    const b = designByOutcomeSampling(m, x, w, 2, eps, { nSamples: 50, rng: new Rng(3) });
    expect(Array.from(a.bayesRisk)).toEqual(Array.from(b.bayesRisk));
  });
});
