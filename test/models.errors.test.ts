import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { ExpParams, recordSchema, type ExpRecord } from '../src/expparams/ExpParams.js';
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
import { Rng } from '../src/rng/Rng.js';

/** Runs `f` and returns the thrown error, asserting it is a typed argument error. */
function caught(f: () => unknown): QinferArgumentError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(QinferArgumentError);
  return err as QinferArgumentError;
}
const codeOf = (f: () => unknown): string => caught(f).code;

const rec = (m: Model, rs: ExpRecord[]): ExpParams => ExpParams.records(m.expparamsSchema, rs);

describe('wrong particle shapes → ERR_SHAPE', () => {
  const t2 = new UnknownT2Model(), eps = rec(t2, [{ t: 1 }]);
  const bad: Array<[string, Parameters<Model['likelihood']>[1]]> = [
    ['a row of the wrong length', [[1, 2], [3]]],
    ['a flat array that is not a multiple of nP', Float64Array.of(1, 2, 3)],
    ['an ndarray with the wrong number of columns', ndarray(new Float64Array(6), [2, 3])],
    ['a 1-D ndarray for a 2-parameter model', ndarray(new Float64Array(2), [2])],
  ];
  for (const [what, mps] of bad) {
    it(what, () => {
      expect(codeOf(() => t2.likelihood(0, mps, eps))).toBe('ERR_SHAPE');
      expect(codeOf(() => t2.areModelsValid(mps))).toBe('ERR_SHAPE');
      expect(codeOf(() => t2.simulateExperiment(mps, eps, new Rng(1)))).toBe('ERR_SHAPE');
      expect(codeOf(() => t2.updateTimestep(mps, eps))).toBe('ERR_SHAPE');
    });
  }
  it('a derived model checks against the underlying parameter count', () => {
    const rw = new RandomWalkModel(t2, new UniformDistribution([[0, 1], [0, 1]]));
    expect(codeOf(() => rw.updateTimestep([[1]], eps, new Rng(1)))).toBe('ERR_SHAPE');
    expect(codeOf(() => new BinomialModel(t2).likelihood(0, [[1, 2, 3]], rec(new BinomialModel(t2), [{ t: 1, n_meas: 2 }])))).toBe('ERR_SHAPE');
  });
  it('an output buffer that is too small', () => {
    expect(codeOf(() => t2.likelihood([0, 1], [[1, 1]], eps, new Float64Array(1)))).toBe('ERR_SHAPE');
  });
});

describe('outcomes outside the model or not integers → ERR_OUTCOME', () => {
  const sp = new SimplePrecessionModel(), eps = ExpParams.scalar([1]);
  it('two-outcome models', () => {
    for (const o of [2, -1, 0.5, NaN, Infinity]) expect(codeOf(() => sp.likelihood(o, [[1]], eps))).toBe('ERR_OUTCOME');
    expect(codeOf(() => sp.likelihood([0, 1, 3], [[1]], eps))).toBe('ERR_OUTCOME');
    expect(codeOf(() => sp.score(2, [[1]], eps))).toBe('ERR_OUTCOME');
    expect(codeOf(() => new CoinModel().score(5, [[0.5]], rec(new CoinModel(), [{}])))).toBe('ERR_OUTCOME');
  });
  it('NDieModel accepts 0 … n−1 only', () => {
    const die = new NDieModel({ n: 6 }), e = rec(die, [{ exp_num: 0 }]), x = [[0.1, 0.1, 0.2, 0.2, 0.2, 0.2]];
    expect(die.likelihood(5, x, e).data[0]).toBe(0.2);
    expect(codeOf(() => die.likelihood(6, x, e))).toBe('ERR_OUTCOME');
  });
  it('BinomialModel accepts up to the largest n_meas', () => {
    const b = new BinomialModel(sp), e = rec(b, [{ x: 1, n_meas: 3 }, { x: 1, n_meas: 5 }]);
    expect(b.likelihood(5, [[1]], e).shape).toEqual([1, 1, 2]);
    expect(codeOf(() => b.likelihood(6, [[1]], e))).toBe('ERR_OUTCOME');
  });
});

describe('missing experiment fields → ERR_EXPPARAMS_FIELD', () => {
  const cases: Array<[Model, ExpParams]> = [
    [new SimplePrecessionModel(), ExpParams.records(recordSchema({ name: 'time', type: 'float' }), [{ time: 1 }])],
    [new SimpleInversionModel(), ExpParams.records(recordSchema({ name: 't', type: 'float' }), [{ t: 1 }])],
    [new UnknownT2Model(), ExpParams.scalar([1])],
    [new MultiCosModel(), ExpParams.records(recordSchema({ name: 't', type: 'float' }), [{ t: 1 }])],
    [new NoisyCoinModel(), ExpParams.records(recordSchema({ name: 'alpha', type: 'float' }), [{ alpha: 1 }])],
    [new NDieModel(), ExpParams.scalar([0])],
    [new BinomialModel(new UnknownT2Model()), ExpParams.records(recordSchema({ name: 'n_meas', type: 'uint' }), [{ n_meas: 1 }])],
    [new RandomWalkModel(new SimpleInversionModel(), new UniformDistribution([[0, 1]])), ExpParams.scalar([1])],
  ];
  it.each(cases.map(([m, eps]) => [m.name, m, eps] as const))('%s', (_name, m, eps) => {
    const x = [Array.from({ length: m.nModelparams }, () => 0.5)];
    expect(codeOf(() => m.likelihood(0, x, eps))).toBe('ERR_EXPPARAMS_FIELD');
    expect(codeOf(() => m.simulateExperiment(x, eps, new Rng(1)))).toBe('ERR_EXPPARAMS_FIELD');
  });
  it('a record missing a field is rejected when experiments are built', () => {
    expect(codeOf(() => ExpParams.records(new NoisyCoinModel().expparamsSchema, [{ alpha: 1 }]))).toBe('ERR_EXPPARAMS_FIELD');
  });
});

describe('bad constructor arguments → ERR_ARGUMENT', () => {
  it('rejects them', () => {
    expect(codeOf(() => new SimpleInversionModel({ minFreq: NaN }))).toBe('ERR_ARGUMENT');
    expect(codeOf(() => new SimplePrecessionModel({ minFreq: 'x' as unknown as number }))).toBe('ERR_ARGUMENT');
    for (const n of [0, -2, 2.5]) expect(codeOf(() => new NDieModel({ n }))).toBe('ERR_ARGUMENT');
    expect(codeOf(() => new NDieModel({ threshold: -1 }))).toBe('ERR_ARGUMENT');
  });
});

describe('registry', () => {
  const reg = builtInRegistry();
  it('unknown model names → ERR_UNKNOWN_MODEL, also inside a derived model', () => {
    expect(codeOf(() => reg.createModel({ name: 'NoSuchModel' }))).toBe('ERR_UNKNOWN_MODEL');
    expect(codeOf(() => reg.createModel({ name: 'BinomialModel', params: { underlyingModel: { name: 'NoSuchModel' } } }))).toBe('ERR_UNKNOWN_MODEL');
  });
  it('derived models need their part specs (ERR_ARGUMENT) and known distributions (ERR_UNKNOWN_NAME)', () => {
    expect(codeOf(() => reg.createModel({ name: 'BinomialModel', params: {} }))).toBe('ERR_ARGUMENT');
    const sp = { name: 'SimplePrecessionModel', params: {} };
    expect(codeOf(() => reg.createModel({ name: 'RandomWalkModel', params: { underlyingModel: sp } }))).toBe('ERR_ARGUMENT');
    expect(codeOf(() => reg.createModel({ name: 'RandomWalkModel', params: { underlyingModel: sp, stepDistribution: { name: 'Nope' } } }))).toBe(
      'ERR_UNKNOWN_NAME',
    );
  });
  it('bad params are rejected by the constructors', () => {
    expect(codeOf(() => reg.createModel({ name: 'NDieModel', params: { n: 0 } }))).toBe('ERR_ARGUMENT');
    expect(codeOf(() => reg.createModel({ name: 'SimpleInversionModel', params: { minFreq: 'fast' } }))).toBe('ERR_ARGUMENT');
  });
});
