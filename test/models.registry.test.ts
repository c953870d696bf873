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
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Registry } from '../src/registry/Registry.js';
import { DecimationModel, MockModel, registerTestModels } from './helpers/testModels.js';

interface Case {
  model: Model;
  xs: number[][];
  records: ExpRecord[];
}

const binomT2 = new BinomialModel(new UnknownT2Model());
/** One instance (with non-default parameters where it has any) of every built-in model. */
const cases: Case[] = [
  { model: new SimplePrecessionModel({ minFreq: 0.25 }), xs: [[0.1], [0.3], [2]], records: [{ value: 1 }, { value: 7 }] },
  { model: new SimpleInversionModel({ minFreq: -1 }), xs: [[0.1], [0.3]], records: [{ t: 1, w_: 0.5 }, { t: 7, w_: 2 }] },
  { model: new UnknownT2Model(), xs: [[0.1, 0], [3, 0.2]], records: [{ t: 1 }, { t: 7 }] },
  { model: new MultiCosModel(), xs: [[0.1, 0.5], [1, 0.2]], records: [{ ts: [1, 2] }, { ts: [7, 0.5] }] },
  { model: new CoinModel(), xs: [[0.1], [0.75]], records: [{}, {}] },
  { model: new NoisyCoinModel(), xs: [[0.1], [0.75]], records: [{ alpha: 0.9, beta: 0.1 }] },
  { model: new NDieModel({ n: 3, threshold: 1e-3 }), xs: [[0.2, 0.3, 0.5], [1, 0, 0]], records: [{ exp_num: 4 }] },
  { model: binomT2, xs: [[0.1, 0], [3, 0.2]], records: [{ t: 1, n_meas: 4 }, { t: 2.5, n_meas: 9 }] },
  {
    model: new RandomWalkModel(new BinomialModel(new SimplePrecessionModel()), new UniformDistribution([[-0.1, 0.1]])),
    xs: [[0.1], [2]],
    records: [{ x: 1, n_meas: 3 }],
  },
];

describe('registry round trip createModel(model.spec())', () => {
  const reg = builtInRegistry();

  it('every built-in model here is registered under its name', () => {
    const names = reg.names().models;
    for (const c of cases) expect(names).toContain(c.model.name);
  });

  it.each(cases.map((c) => [c.model.name, c] as const))('%s gives an equal model and likelihood', (_name, { model, xs, records }) => {
    const spec = JSON.parse(JSON.stringify(model.spec())); // as it crosses a machine boundary
    const again = reg.createModel(spec);
    expect(again.constructor).toBe(model.constructor);
    expect(again.spec()).toEqual(model.spec());
    expect([again.nModelparams, again.isNOutcomesConstant, again.hasDynamics]).toEqual([model.nModelparams, model.isNOutcomesConstant, model.hasDynamics]);
    expect(again.expparamsSchema).toEqual(model.expparamsSchema);
    const eps = ExpParams.records(model.expparamsSchema, records);
    let nO = 0;
    for (let k = 0; k < eps.length; k++) nO = Math.max(nO, model.nOutcomes(eps, k));
    const os = Array.from({ length: nO }, (_, o) => o);
    expect(Array.from(again.likelihood(os, xs, eps).data)).toEqual(Array.from(model.likelihood(os, xs, eps).data));
    expect(Array.from(again.areModelsValid(xs))).toEqual(Array.from(model.areModelsValid(xs)));
  });
});

describe('test helper models', () => {
  it('MockModel: Pr = ½ always, two parameters, fields a (float) and b (int)', () => {
    const m = new MockModel();
    expect(m.nModelparams).toBe(2);
    expect(m.expparamsSchema).toEqual({ kind: 'record', fields: [{ name: 'a', type: 'float' }, { name: 'b', type: 'int' }] });
    const eps = ExpParams.records(m.expparamsSchema, [{ a: 1.5, b: 2 }, { a: -3, b: 0 }]);
    expect(Array.from(m.likelihood([0, 1], [[9, -9], [0, 0], [1e9, 3]], eps).data)).toEqual(new Array(12).fill(0.5));
    expect(Array.from(m.areModelsValid([[-1e300, 1e300]]))).toEqual([1]);
    expect(new MockModel({ nMps: 5 }).nModelparams).toBe(5);
  });

  it('DecimationModel: Pr(0) = ½ on the first ceil(α nM) particles, 0 on the rest (α a field or a constructor default)', () => {
    const m = new DecimationModel();
    const x = Array.from({ length: 10 }, () => [0, 0]);
    const L0 = m.likelihood(0, x, ExpParams.records(m.expparamsSchema, [{ alpha: 0.25 }, { alpha: 1 }])); // ceil(2.5) = 3
    for (let j = 0; j < 10; j++) expect([L0.get(0, j, 0), L0.get(0, j, 1)]).toEqual([j < 3 ? 0.5 : 0, 0.5]);
    const L1 = m.likelihood(1, x, ExpParams.records(m.expparamsSchema, [{ alpha: 0.25 }]));
    expect(L1.get(0, 9, 0)).toBe(1);
    const byCtor = new DecimationModel(0.5);
    expect(Array.from(byCtor.likelihood(0, x, ExpParams.records(new MockModel().expparamsSchema, [{ a: 0, b: 0 }])).data)).toEqual(
      x.map((_, j) => (j < 5 ? 0.5 : 0)),
    );
    expect(() => m.likelihood(0, x, ExpParams.scalar([1]))).toThrow(expect.objectContaining({ code: 'ERR_EXPPARAMS_FIELD' }));
    // A chunked kernel (rows 5..10 of the full array) cuts at the same row as the whole call.
    const out = new Float64Array(10);
    byCtor.likelihoodInto(Int32Array.of(0), new Float64Array(20), 10, ExpParams.scalar([0]), out, 5, 10);
    expect(Array.from(out.subarray(5))).toEqual([0, 0, 0, 0, 0]);
    byCtor.likelihoodInto(Int32Array.of(0), new Float64Array(20), 10, ExpParams.scalar([0]), out, 0, 5);
    expect(Array.from(out.subarray(0, 5))).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('registerTestModels makes them buildable by name', () => {
    const reg = registerTestModels(new Registry());
    const d = reg.createModel(new DecimationModel({ alpha: 0.3, nMps: 3 }).spec());
    expect(d).toBeInstanceOf(DecimationModel);
    expect(d.spec()).toEqual({ name: 'DecimationModel', params: { nMps: 3, alpha: 0.3 } });
    expect(reg.createModel({ name: 'MockModel' }).nModelparams).toBe(2);
  });
});
