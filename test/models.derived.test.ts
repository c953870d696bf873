import { describe, expect, it } from 'vitest';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import type { Distribution } from '../src/distributions/Distribution.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { BinomialModel } from '../src/models/BinomialModel.js';
import { binomialPmf } from '../src/models/binomialPmf.js';
import { NDieModel } from '../src/models/NDieModel.js';
import { RandomWalkModel } from '../src/models/RandomWalkModel.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { matrix } from '../src/util/particles.js';
import { expectClose } from './helpers/fixtures.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

/** Exact Binom(n, a/b).pmf(k) from BigInt arithmetic, rounded to a double. */
function exactPmf(k: number, n: number, a: bigint, b: bigint): number {
  let c = 1n;
  for (let i = 0; i < k; i++) c = (c * BigInt(n - i)) / BigInt(i + 1);
  const num = c * a ** BigInt(k) * (b - a) ** BigInt(n - k), den = b ** BigInt(n);
  if (num === 0n) return 0;
  const s = den.toString(2).length - num.toString(2).length + 64;
  const q = s >= 0 ? (num << BigInt(s)) / den : num / (den << BigInt(-s));
  return Number(q) * 2 ** -s;
}

describe('binomialPmf', () => {
  it('matches exact rational arithmetic (p = 3/8, p = 1/1024) for small and large n', () => {
    for (const [a, b] of [[3n, 8n], [1n, 1024n], [1023n, 1024n]] as const) {
      const p = Number(a) / Number(b);
      for (const n of [1, 2, 7, 50, 51, 80, 300, 2000]) {
        for (let k = 0; k <= n; k += Math.max(1, Math.floor(n / 37))) {
          const want = exactPmf(k, n, a, b);
          if (want < 1e-290) continue;
          const got = binomialPmf(k, n, p);
          expect(Math.abs(got - want) / want, `n=${n} k=${k} p=${p}`).toBeLessThan(n <= 50 ? 1e-13 : 5e-13);
        }
      }
    }
  });
  it('sums to 1 and is 0 outside 0 … n', () => {
    for (const n of [0, 1, 9, 50, 51, 1000, 100000]) {
      for (const p of [0, 0.3, 0.5, 0.999, 1]) {
        let s = 0;
        for (let k = 0; k <= n; k++) s += binomialPmf(k, n, p);
        expect(Math.abs(s - 1), `n=${n} p=${p}`).toBeLessThan(1e-12);
      }
    }
    expect([binomialPmf(-1, 5, 0.5), binomialPmf(6, 5, 0.5), binomialPmf(2.5, 5, 0.5)]).toEqual([0, 0, 0]);
  });
  it('n = 1 returns q and p exactly', () => {
    expect([binomialPmf(0, 1, 0.3, 0.7000000000000001), binomialPmf(1, 1, 0.3)]).toEqual([0.7000000000000001, 0.3]);
  });
});

describe('BinomialModel', () => {
  const sp = new SimplePrecessionModel();
  const m = new BinomialModel(sp);
  const xs = [[0.4], [1.3], [2.9]];

  it('schema: a scalar underlying becomes x, plus n_meas (uint); record fields are kept', () => {
    expect(m.expparamsSchema).toEqual({ kind: 'record', fields: [{ name: 'x', type: 'float' }, { name: 'n_meas', type: 'uint' }] });
    expect(new BinomialModel(new UnknownT2Model()).expparamsSchema).toEqual({
      kind: 'record',
      fields: [{ name: 't', type: 'float' }, { name: 'n_meas', type: 'uint' }],
    });
    expect([m.nModelparams, m.isNOutcomesConstant, m.modelparamNames[0]]).toEqual([1, false, '\\omega']);
  });

  it('nO = n_meas + 1 per experiment', () => {
    const eps = ExpParams.records(m.expparamsSchema, [{ x: 1, n_meas: 4 }, { x: 2, n_meas: 0 }]);
    expect([m.nOutcomes(eps, 0), m.nOutcomes(eps, 1), m.nOutcomes(eps.at(0))]).toEqual([5, 1, 5]);
    expect(codeOf(() => m.nOutcomes())).toBe('ERR_ARGUMENT');
  });

  it('n_meas = 1 reproduces the underlying likelihood exactly', () => {
    const ts = [0.3, 2, 17];
    const eps = ExpParams.records(m.expparamsSchema, ts.map((x) => ({ x, n_meas: 1 })));
    expect(Array.from(m.likelihood([0, 1], xs, eps).data)).toEqual(Array.from(sp.likelihood([0, 1], xs, ExpParams.scalar(ts)).data));
  });

  it('L = C(n, k) p₁^k (1 − p₁)^(n − k) with p₁ = underlying L(1), and outcomes beyond n_meas[k] get 0', () => {
    const es = [{ x: 0.7, n_meas: 10 }, { x: 3.1, n_meas: 6 }];
    const eps = ExpParams.records(m.expparamsSchema, es);
    const os = [0, 3, 6, 9, 10];
    const L = m.likelihood(os, xs, eps);
    expect(L.shape).toEqual([5, 3, 2]);
    const choose = (n: number, k: number): number => (k < 0 || k > n ? 0 : k === 0 ? 1 : (choose(n, k - 1) * (n - k + 1)) / k);
    os.forEach((o, i) =>
      xs.forEach(([w], j) =>
        es.forEach((e, k) => {
          const p1 = Math.sin((w! * e.x) / 2) ** 2;
          const want = choose(e.n_meas, o) * p1 ** o * (1 - p1) ** (e.n_meas - o);
          expect(Math.abs(L.get(i, j, k) - want), `o=${o} j=${j} k=${k}`).toBeLessThanOrEqual(1e-14 + 1e-12 * want);
        }),
      ),
    );
    expect(L.get(3, 0, 1)).toBe(0); // 9 > n_meas = 6
  });

  it('the pmf sums to 1 over outcomes 0 … n_meas for every particle and experiment', () => {
    const ns = [0, 1, 2, 25, 50, 51, 400];
    const eps = ExpParams.records(m.expparamsSchema, ns.map((n, i) => ({ x: 0.9 + i, n_meas: n })));
    const L = m.likelihood(Array.from({ length: 401 }, (_, o) => o), xs, eps);
    for (let j = 0; j < xs.length; j++) {
      for (let k = 0; k < ns.length; k++) {
        let s = 0;
        for (let o = 0; o <= 400; o++) s += L.get(o, j, k);
        expect(Math.abs(s - 1)).toBeLessThan(1e-13);
      }
    }
  });

  it('works over a record underlying (UnknownT2) and passes validity through', () => {
    const u = new UnknownT2Model(), b = new BinomialModel(u);
    const ps = [[1, 0.1], [0.5, 2]];
    const eps = ExpParams.records(b.expparamsSchema, [{ t: 1.5, n_meas: 3 }]);
    const p1 = u.likelihood(1, ps, ExpParams.records(u.expparamsSchema, [{ t: 1.5 }])).data;
    expectClose(b.likelihood(2, ps, eps).data, Array.from(p1, (p) => 3 * p * p * (1 - p)));
    expect(Array.from(b.areModelsValid([[1, 0], [-1, 0]]))).toEqual([1, 0]);
  });

  it('rejects an underlying model without exactly two outcomes, and bad n_meas', () => {
    expect(codeOf(() => new BinomialModel(new NDieModel({ n: 3 })))).toBe('ERR_ARGUMENT');
    expect(codeOf(() => new BinomialModel(m))).toBe('ERR_ARGUMENT');
    for (const n of [-1, 2.5, NaN]) {
      const eps = ExpParams.records(m.expparamsSchema, [{ x: 1, n_meas: n }]);
      expect(codeOf(() => m.likelihood(0, xs, eps))).toBe('ERR_EXPPARAMS_FIELD');
    }
    expect(codeOf(() => m.likelihood(0, xs, ExpParams.scalar([1])))).toBe('ERR_EXPPARAMS_FIELD');
  });
});

/** A test step distribution: every step is the same vector (to check the bookkeeping exactly). */
function fixedStep(v: number[]): Distribution {
  return {
    nRvs: v.length,
    sample: (n: number) => matrix(Float64Array.from({ length: n * v.length }, (_, i) => v[i % v.length]!), n, v.length),
  };
}

describe('RandomWalkModel', () => {
  const step = new UniformDistribution([[-0.5, 1.5]]); // mean 0.5, variance 4/12
  const rw = new RandomWalkModel(new SimplePrecessionModel(), step);

  it('passes the likelihood, validity and metadata through and has dynamics', () => {
    const sp = new SimplePrecessionModel(), xs = [[0.2], [1.4], [-1]], eps = ExpParams.scalar([0.5, 9]);
    expect(Array.from(rw.likelihood([0, 1], xs, eps).data)).toEqual(Array.from(sp.likelihood([0, 1], xs, eps).data));
    expect(Array.from(rw.areModelsValid(xs))).toEqual([1, 1, 0]);
    expect([rw.hasDynamics, sp.hasDynamics, rw.nModelparams, rw.expparamsSchema.kind]).toEqual([true, false, 1, 'scalar']);
    expect(rw.modelChain).toEqual([rw.underlyingModel]);
    expect(rw.baseModel).toBe(rw.underlyingModel);
  });

  it('adds one step per (particle, experiment), shape [nM, nP, nE]', () => {
    const m = new RandomWalkModel(new UnknownT2Model(), fixedStep([0.25, -1]));
    const out = m.updateTimestep([[1, 2], [3, 4]], ExpParams.records(m.expparamsSchema, [{ t: 1 }, { t: 2 }, { t: 3 }]), new Rng(1));
    expect(out.shape).toEqual([2, 2, 3]);
    expect(Array.from(out.data)).toEqual([1.25, 1.25, 1.25, 1, 1, 1, 3.25, 3.25, 3.25, 3, 3, 3]);
  });

  it('moves particles with the step mean and variance (20 000 particles, within 5 sd)', () => {
    const n = 20000, x0 = new Float64Array(n).fill(0.7);
    const moved = rw.updateTimestep(x0, ExpParams.scalar([1]), new Rng(11)).data;
    let s = 0, s2 = 0;
    for (let j = 0; j < n; j++) {
      const d = moved[j]! - 0.7;
      s += d;
      s2 += d * d;
    }
    const mean = s / n, variance = s2 / n - mean * mean;
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 3 / n));
    // Var(sample variance) ≈ (μ₄ − σ⁴)/n, μ₄ = 2⁴/80 for a uniform of width 2.
    expect(Math.abs(variance - 1 / 3)).toBeLessThan(5 * Math.sqrt((16 / 80 - 1 / 9) / n));
  });

  it('is deterministic for a fixed seed and differs between seeds', () => {
    const xs = [[0.1], [0.2], [0.3]], eps = ExpParams.scalar([1, 2]);
    const a = rw.updateTimestep(xs, eps, new Rng(3)).data, b = rw.updateTimestep(xs, eps, new Rng(3)).data;
    const c = rw.updateTimestep(xs, eps, new Rng(4)).data;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('the SMC updater applies the walk after each datum', () => {
    const walk = new RandomWalkModel(new SimplePrecessionModel(), fixedStep([0.125]));
    const up = new SMCUpdater(walk, 8, new UniformDistribution([[1, 2]]), { rng: 2, resampleThresh: 0 });
    const before = Float64Array.from(up.locations);
    up.update(0, ExpParams.scalar([0.5]));
    expectClose(up.locations, Array.from(before, (x) => x + 0.125), 1e-15);
  });

  it('params hold both specs and rebuild through the registry', () => {
    expect(rw.spec()).toEqual({
      name: 'RandomWalkModel',
      params: {
        underlyingModel: { name: 'SimplePrecessionModel', params: { minFreq: 0 } },
        stepDistribution: { name: 'UniformDistribution', params: { ranges: [[-0.5, 1.5]] } },
      },
    });
    const again = builtInRegistry().createModel(rw.spec()) as RandomWalkModel;
    const eps = ExpParams.scalar([1, 3]);
    expect(Array.from(again.updateTimestep([[0.5]], eps, new Rng(9)).data)).toEqual(Array.from(rw.updateTimestep([[0.5]], eps, new Rng(9)).data));
  });

  it('rejects a step distribution of the wrong dimension, a missing rng, and an unspecifiable step', () => {
    expect(codeOf(() => new RandomWalkModel(new UnknownT2Model(), step))).toBe('ERR_SHAPE');
    expect(codeOf(() => rw.updateTimestep([[1]], ExpParams.scalar([1])))).toBe('ERR_ARGUMENT');
    expect(codeOf(() => new RandomWalkModel(new SimplePrecessionModel(), fixedStep([1])).spec())).toBe('ERR_ARGUMENT');
  });
});
