import { describe, expect, it } from 'vitest';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { CoinModel } from '../src/models/CoinModel.js';
import { MultiCosModel } from '../src/models/MultiCosModel.js';
import { NDieModel } from '../src/models/NDieModel.js';
import { NoisyCoinModel } from '../src/models/NoisyCoinModel.js';
import { SimpleInversionModel } from '../src/models/SimpleInversionModel.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { expectClose } from './helpers/fixtures.js';

const valid = (v: Uint8Array): boolean[] => Array.from(v, (b) => b === 1);

/** L[i, j, k] for outcomes [0, 1] from an independent Pr(0) function. */
function twoOutcomeGrid(pr0: (x: number[], e: Record<string, number | number[]>) => number, xs: number[][], es: Record<string, number | number[]>[]): number[] {
  const p = xs.map((x) => es.map((e) => pr0(x, e)));
  return [...p.flat(), ...p.flat().map((v) => 1 - v)];
}

describe('SimpleInversionModel', () => {
  const m = new SimpleInversionModel();
  const xs = [[0.3], [1.1], [2.5]];
  const es = [{ t: 0.5, w_: 0.1 }, { t: 3, w_: 1.2 }, { t: 40, w_: -0.4 }];
  const eps = ExpParams.records(m.expparamsSchema, es);

  it('Pr(0) = cos²(t (ω − ω₋) / 2)', () => {
    const want = twoOutcomeGrid((x, e) => Math.cos(((e['t'] as number) * (x[0]! - (e['w_'] as number))) / 2) ** 2, xs, es);
    expectClose(m.likelihood([0, 1], xs, eps).data, want);
  });

  it('schema {t, w_}, one parameter ω, two outcomes', () => {
    expect(m.expparamsSchema).toEqual({ kind: 'record', fields: [{ name: 't', type: 'float' }, { name: 'w_', type: 'float' }] });
    expect([m.nModelparams, m.nOutcomes(), m.modelparamNames[0]]).toEqual([1, 2, '\\omega']);
  });

  it('validity is ω > minFreq, strictly', () => {
    expect(valid(m.areModelsValid([[0], [1e-300], [-1]]))).toEqual([false, true, false]);
    expect(valid(new SimpleInversionModel({ minFreq: 0.5 }).areModelsValid([[0.5], [0.5000001]]))).toEqual([false, true]);
  });

  it('score −t tan a / t / tan a and Fisher information t² (a = (ω − ω₋) t / 2)', () => {
    const S = m.score([0, 1], xs, eps);
    const a = (x: number[], e: { t: number; w_: number }): number => ((x[0]! - e.w_) * e.t) / 2;
    const want = [0, 1].flatMap((o) => xs.flatMap((x) => es.map((e) => (o === 0 ? -e.t * Math.tan(a(x, e)) : e.t / Math.tan(a(x, e))))));
    expect(S.shape).toEqual([1, 2, 3, 3]);
    expectClose(S.data, want);
    expectClose(m.fisherInformation(xs, eps).data, xs.flatMap(() => es.map((e) => e.t * e.t)), 1e-9);
  });

  it('SimplePrecessionModel equals the inversion with ω₋ = 0, bit for bit', () => {
    const p = new SimplePrecessionModel();
    const ts = [0.5, 3, 40];
    const inv = ExpParams.records(m.expparamsSchema, ts.map((t) => ({ t, w_: 0 })));
    expect(Array.from(p.likelihood([0, 1], xs, ExpParams.scalar(ts)).data)).toEqual(Array.from(m.likelihood([0, 1], xs, inv).data));
    expect(p).toBeInstanceOf(SimpleInversionModel);
    expect(p.spec()).toEqual({ name: 'SimplePrecessionModel', params: { minFreq: 0 } });
  });
});

describe('UnknownT2Model', () => {
  const m = new UnknownT2Model();
  it('Pr(0) = v cos²(ωt/2) + (1 − v)/2, v = exp(−t T₂⁻¹)', () => {
    const xs = [[0.7, 0.02], [2, 0.5]], es = [{ t: 1 }, { t: 12.5 }];
    const want = twoOutcomeGrid(([w, g], e) => {
      const t = e['t'] as number, v = Math.exp(-t * g!);
      return v * Math.cos((w! * t) / 2) ** 2 + (1 - v) / 2;
    }, xs, es);
    expectClose(m.likelihood([0, 1], xs, ExpParams.records(m.expparamsSchema, es)).data, want);
  });
  it('fully dephased limit is ½', () => {
    expectClose(m.likelihood(0, [[1.3, 50]], ExpParams.records(m.expparamsSchema, [{ t: 100 }])).data, [0.5]);
  });
  it('validity: all parameters ≥ 0 (zero allowed)', () => {
    expect(valid(m.areModelsValid([[0, 0], [1, -1e-12], [-1e-12, 1], [3, 4]]))).toEqual([true, false, false, true]);
  });
});

describe('MultiCosModel', () => {
  const m = new MultiCosModel();
  it('Pr(0) = (cos(ω₁ t₁) cos(ω₂ t₂))²', () => {
    const xs = [[0.2, 0.9], [1, 0.35]], es = [{ ts: [1, 2] }, { ts: [7.5, 0.25] }, { ts: [30, 11] }];
    const want = twoOutcomeGrid(([w1, w2], e) => {
      const [t1, t2] = e['ts'] as number[];
      return (Math.cos(w1! * t1!) * Math.cos(w2! * t2!)) ** 2;
    }, xs, es);
    expectClose(m.likelihood([0, 1], xs, ExpParams.records(m.expparamsSchema, es)).data, want);
  });
  it('the experiment field ts has width 2', () => {
    expect(m.expparamsSchema).toEqual({ kind: 'record', fields: [{ name: 'ts', type: 'float', shape: 2 }] });
  });
  it('validity: 0 < ω ≤ 1 for both', () => {
    expect(valid(m.areModelsValid([[1, 1], [0, 0.5], [0.5, 0], [1.0000001, 0.5], [0.5, 1.5], [1e-9, 1e-9]]))).toEqual([
      true, false, false, false, false, true,
    ]);
  });
});

describe('CoinModel', () => {
  const m = new CoinModel();
  const eps = ExpParams.records(m.expparamsSchema, [{}, {}, {}]);
  it('has the empty record schema and Pr(0) = p for every experiment', () => {
    expect(m.expparamsSchema).toEqual({ kind: 'record', fields: [] });
    expect(eps.length).toBe(3);
    const L = m.likelihood([0, 1], [[0.25], [0.9]], eps);
    expectClose(L.data, [0.25, 0.25, 0.25, 0.9, 0.9, 0.9, 0.75, 0.75, 0.75, 0.1, 0.1, 0.1], 1e-15);
    expect(m.modelparamNames).toEqual(['p']);
  });
  it('validity: 0 ≤ p ≤ 1 inclusive', () => {
    expect(valid(m.areModelsValid([[0], [1], [-1e-16], [1.0000000001], [0.5]]))).toEqual([true, true, false, false, true]);
  });
  it('score (1 − o)/p − o/(1 − p) and Fisher information 1/(p(1 − p))', () => {
    const ps = [0.2, 0.5, 0.7];
    const S = m.score([0, 1], ps.map((p) => [p]), eps.at(0));
    expectClose(S.data, [...ps.map((p) => 1 / p), ...ps.map((p) => -1 / (1 - p))]);
    expectClose(m.fisherInformation(ps.map((p) => [p]), eps.at(0)).data, ps.map((p) => 1 / (p * (1 - p))), 1e-14);
  });
});

describe('NoisyCoinModel', () => {
  const m = new NoisyCoinModel();
  it('Pr(0) = p α + (1 − p) β', () => {
    const xs = [[0], [0.3], [1]], es = [{ alpha: 1, beta: 0 }, { alpha: 0.9, beta: 0.15 }];
    const want = twoOutcomeGrid(([p], e) => p! * (e['alpha'] as number) + (1 - p!) * (e['beta'] as number), xs, es);
    expectClose(m.likelihood([0, 1], xs, ExpParams.records(m.expparamsSchema, es)).data, want);
  });
  it('validity: 0 ≤ p ≤ 1', () => {
    expect(valid(m.areModelsValid([[0], [1], [-0.1], [1.1]]))).toEqual([true, true, false, false]);
  });
});

describe('NDieModel', () => {
  it('L[o, j, k] = x[j, o] for every experiment, nO = n', () => {
    const m = new NDieModel({ n: 3 });
    const xs = [[0.2, 0.3, 0.5], [0.6, 0.4, 0]];
    const eps = ExpParams.records(m.expparamsSchema, [{ exp_num: 0 }, { exp_num: 7 }]);
    const L = m.likelihood([2, 0, 1], xs, eps);
    expect(L.shape).toEqual([3, 2, 2]);
    for (const [i, o] of [2, 0, 1].entries()) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) expect(L.get(i, j, k)).toBe(xs[j]![o]);
    expect([m.nModelparams, m.nOutcomes()]).toEqual([3, 3]);
  });
  it('defaults n = 6, threshold = 1e-7', () => {
    const m = new NDieModel();
    expect([m.n, m.threshold, m.nModelparams]).toEqual([6, 1e-7, 6]);
    expect(m.spec()).toEqual({ name: 'NDieModel', params: { n: 6, threshold: 1e-7 } });
  });
  it('validity: entries in [0, 1] and |Σ − 1| ≤ threshold', () => {
    const m = new NDieModel({ n: 2, threshold: 1e-3 });
    expect(valid(m.areModelsValid([[0.5, 0.5], [0.5, 0.5009], [0.5, 0.502], [1.0005, -0.0005], [1, 0], [0.4996, 0.4996]]))).toEqual([
      true, true, false, false, true, true,
    ]);
  });
});
