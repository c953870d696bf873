import { describe, expect, it } from 'vitest';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { ExpParams, type ExpRecord } from '../src/expparams/ExpParams.js';
import { BinomialModel } from '../src/models/BinomialModel.js';
import { CoinModel } from '../src/models/CoinModel.js';
import type { Model } from '../src/models/Model.js';
import { MultiCosModel } from '../src/models/MultiCosModel.js';
import { NDieModel } from '../src/models/NDieModel.js';
import { NoisyCoinModel } from '../src/models/NoisyCoinModel.js';
import { RandomWalkModel } from '../src/models/RandomWalkModel.js';
import { SimpleInversionModel } from '../src/models/SimpleInversionModel.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { Rng } from '../src/rng/Rng.js';

interface Case {
  model: Model;
  xs: number[][];
  eps: ExpParams;
}

const rec = (m: Model, rs: ExpRecord[]): ExpParams => ExpParams.records(m.expparamsSchema, rs);
const binom = new BinomialModel(new SimplePrecessionModel());
const cases: Case[] = [
  { model: new SimplePrecessionModel(), xs: [[0.4], [2.2]], eps: ExpParams.scalar([1.5, 3]) },
  { model: new SimpleInversionModel(), xs: [[0.4], [2.2]], eps: rec(new SimpleInversionModel(), [{ t: 1.5, w_: 0.3 }, { t: 3, w_: -1 }]) },
  { model: new UnknownT2Model(), xs: [[0.4, 0.1], [2.2, 0.5]], eps: rec(new UnknownT2Model(), [{ t: 1.5 }, { t: 3 }]) },
  { model: new MultiCosModel(), xs: [[0.4, 0.9], [0.7, 0.2]], eps: rec(new MultiCosModel(), [{ ts: [1.5, 0.5] }, { ts: [3, 2] }]) },
  { model: new CoinModel(), xs: [[0.15], [0.6]], eps: rec(new CoinModel(), [{}, {}]) },
  { model: new NoisyCoinModel(), xs: [[0.15], [0.6]], eps: rec(new NoisyCoinModel(), [{ alpha: 0.9, beta: 0.2 }, { alpha: 0.7, beta: 0.4 }]) },
  { model: new NDieModel({ n: 4 }), xs: [[0.1, 0.2, 0.3, 0.4], [0.5, 0, 0.25, 0.25]], eps: rec(new NDieModel({ n: 4 }), [{ exp_num: 0 }, { exp_num: 1 }]) },
  { model: binom, xs: [[0.4], [2.2]], eps: rec(binom, [{ x: 1.5, n_meas: 6 }, { x: 3, n_meas: 2 }]) },
  { model: new RandomWalkModel(new UnknownT2Model(), new UniformDistribution([[0, 1], [0, 1]])), xs: [[0.4, 0.1], [2.2, 0.5]], eps: rec(new UnknownT2Model(), [{ t: 1.5 }, { t: 3 }]) },
];

const REPEAT = 20000;

describe.each(cases)('simulateExperiment of $model.name', ({ model, xs, eps }) => {
  it(`outcome frequencies of ${REPEAT} draws match the likelihood within 5 sd`, () => {
    const nM = xs.length, nE = eps.length;
    const sims = model.simulateExperiment(xs, eps, new Rng(2024), REPEAT);
    expect(sims.shape).toEqual([REPEAT, nM, nE]);
    for (let k = 0; k < nE; k++) {
      const nO = model.nOutcomes(eps, k);
      const L = model.likelihood(Array.from({ length: nO }, (_, o) => o), xs, eps.at(k));
      for (let j = 0; j < nM; j++) {
        const counts = new Float64Array(nO);
        let outside = 0;
        for (let r = 0; r < REPEAT; r++) {
          const o = sims.data[(r * nM + j) * nE + k]!;
          if (o >= 0 && o < nO) counts[o]! += 1;
          else outside++;
        }
        expect(outside).toBe(0);
        for (let o = 0; o < nO; o++) {
          const p = L.get(o, j, 0), sd = Math.sqrt((p * (1 - p)) / REPEAT);
          expect(Math.abs(counts[o]! / REPEAT - p), `k=${k} j=${j} o=${o} p=${p}`).toBeLessThanOrEqual(5 * sd + 1e-12);
        }
      }
    }
  });

  it('is deterministic for a fixed seed', () => {
    const a = model.simulateExperiment(xs, eps, new Rng(7), 50).data;
    const b = model.simulateExperiment(xs, eps, new Rng(7), 50).data;
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('counts simulations (nM·nE·repeat) and likelihood evaluations (Σ nO·nM per experiment)', () => {
    const fresh = model; // counters only grow; compare differences
    const nM = xs.length, nE = eps.length;
    const sim0 = fresh.simCount, call0 = fresh.callCount;
    fresh.simulateExperiment(xs, eps, new Rng(1), 3);
    expect(fresh.simCount - sim0).toBe(nM * nE * 3);
    let evals = 0;
    for (let k = 0; k < nE; k++) evals += model.nOutcomes(eps, k) * nM;
    expect(fresh.callCount - call0).toBe(evals);
    fresh.likelihood([0, 1], xs, eps);
    expect(fresh.callCount - call0).toBe(evals + 2 * nM * nE);
  });
});

describe('simulateExperiment edge cases', () => {
  it('certain outcomes are always drawn (Pr(0) = 1 and Pr(0) = 0)', () => {
    const coin = new CoinModel();
    const s = coin.simulateExperiment([[1], [0]], ExpParams.records(coin.expparamsSchema, [{}]), new Rng(3), 1000);
    for (let r = 0; r < 1000; r++) expect([s.get(r, 0, 0), s.get(r, 1, 0)]).toEqual([0, 1]);
  });

  it('rejects a repeat that is not a positive integer', () => {
    const m = new SimplePrecessionModel();
    for (const repeat of [0, -1, 1.5]) {
      expect(() => m.simulateExperiment([[1]], ExpParams.scalar([1]), new Rng(1), repeat)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    }
  });
});

describe('FiniteOutcomeModel.simulateOne', () => {
  it('is simulateExperiment(x, eps).data[0] for one particle and one experiment: the same outcomes, stream and counts', () => {
    const cases: Array<[() => Model & { simulateOne?: Model['simulateOne'] }, (k: number, m: Model) => ExpParams]> = [
      [() => new SimplePrecessionModel(), (k) => ExpParams.scalar([1 + k])],
      [() => new NDieModel({ n: 4 }), (k, m) => rec(m, [{ exp_num: k % 2 }])],
      [() => new BinomialModel(new SimplePrecessionModel()), (k, m) => rec(m, [{ x: 1 + k, n_meas: 5 }])],
    ];
    for (const [make, epsOf] of cases) {
      const a = make(), b = make(), ra = new Rng(9), rb = new Rng(9);
      const x = a.name === 'NDieModel' ? Float64Array.of(0.1, 0.2, 0.3, 0.4) : Float64Array.of(0.42);
      for (let k = 0; k < 50; k++) {
        const eps = epsOf(k, a);
        expect(a.simulateOne!(x, eps, ra)).toBe(b.simulateExperiment([Array.from(x)], eps, rb).data[0]);
      }
      expect(ra.uniform()).toBe(rb.uniform());
      expect([a.callCount, a.simCount]).toEqual([b.callCount, b.simCount]);
    }
  });
});
