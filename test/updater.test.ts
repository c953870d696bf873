import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { QinferArgumentError, QinferError } from '../src/errors/QinferError.js';
import type { QinferWarning } from '../src/errors/warn.js';
import { ExpParams, SCALAR_SCHEMA, type ExpSchema } from '../src/expparams/ExpParams.js';
import type { Distribution } from '../src/distributions/Distribution.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { TwoOutcomeModel } from '../src/models/TwoOutcomeModel.js';
import { LiuWestResampler } from '../src/resamplers/LiuWestResampler.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { toRowMajor, type ParticlesLike } from '../src/util/particles.js';
import { MockModel } from './helpers/testModels.js';

/** One parameter; Pr(0 | particle j) is whatever `pr0[j]` says (NaN, negative, above 1, …). */
class ScriptedModel extends TwoOutcomeModel {
  readonly name = 'ScriptedModel';
  readonly nModelparams = 1;
  readonly expparamsSchema: ExpSchema = SCALAR_SCHEMA;
  pr0: number[] = [];
  pr0Into(_x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    for (let j = start; j < end; j++) for (let k = 0; k < eps.length; k++) out[j * eps.length + k] = this.pr0[j] ?? 0.5;
  }
  areModelsValid(mps: ParticlesLike): Uint8Array {
    return new Uint8Array(toRowMajor(mps, 1).nM).fill(1);
  }
}

function codeOf(f: () => unknown): [unknown, string | undefined] {
  try {
    f();
  } catch (e) {
    return [(e as object).constructor, (e as { code?: string }).code];
  }
  return [undefined, undefined];
}

/** Everything an update may change, copied. */
function snapshot(up: SMCUpdater): unknown {
  return {
    w: Array.from(up.particleWeights),
    x: Array.from(up.locations),
    data: [...up.dataRecord],
    norm: [...up.normalizationRecord],
    minNEss: up.minNEss,
    resampleCount: up.resampleCount,
  };
}

const t = (v: number): ExpParams => ExpParams.scalar([v]);
const prior01 = new UniformDistribution([0, 1]);

describe('SMCUpdater: bad input at creation', () => {
  const model = new SimplePrecessionModel();
  it('particle counts that are not positive integers → ERR_PARTICLE_COUNT', () => {
    for (const n of [0, -5, 2.5, NaN, Infinity]) expect(codeOf(() => new SMCUpdater(model, n, prior01)), `n = ${n}`).toEqual([QinferArgumentError, 'ERR_PARTICLE_COUNT']);
  });
  it('a prior of another dimension → ERR_SHAPE; reversed prior ranges → ERR_RANGE', () => {
    expect(codeOf(() => new SMCUpdater(model, 10, new UniformDistribution([[0, 1], [0, 1]])))).toEqual([QinferArgumentError, 'ERR_SHAPE']);
    expect(codeOf(() => new SMCUpdater(model, 10, new UniformDistribution([1, 0])))).toEqual([QinferArgumentError, 'ERR_RANGE']);
    expect(codeOf(() => new SMCUpdater(new MockModel(), 10, new UniformDistribution([[0, 1], [3, 2]])))).toEqual([QinferArgumentError, 'ERR_RANGE']);
  });
  it('a prior whose samples have the wrong shape → ERR_SHAPE', () => {
    const liar: Distribution = { nRvs: 1, sample: (n) => ndarray(new Float64Array(n + 1), [n + 1, 1]) };
    expect(codeOf(() => new SMCUpdater(model, 10, liar))).toEqual([QinferArgumentError, 'ERR_SHAPE']);
  });
  it('a prior returning a strided (transposed) view is read by index, not by memory order', () => {
    const strided: Distribution = {
      nRvs: 2,
      sample: (n) => ndarray(Float64Array.from({ length: 2 * n }, (_, k) => (k < n ? k : 100 + k)), [2, n]).transpose(1, 0),
    };
    const up = new SMCUpdater(new MockModel(), 3, strided);
    expect(Array.from(up.locations)).toEqual([0, 103, 1, 104, 2, 105]);
  });
  it('resampleA together with a resampler → ERR_ARGUMENT; resampleA alone sets a; bad options', () => {
    expect(codeOf(() => new SMCUpdater(model, 10, prior01, { resampleA: 0.9, resampler: new LiuWestResampler() }))).toEqual([QinferArgumentError, 'ERR_ARGUMENT']);
    expect((new SMCUpdater(model, 10, prior01, { resampleA: 0.9 }).resampler as LiuWestResampler).a).toBe(0.9);
    expect(codeOf(() => new SMCUpdater(model, 10, prior01, { resampleThresh: 1.5 }))).toEqual([QinferArgumentError, 'ERR_ARGUMENT']);
    expect(codeOf(() => new SMCUpdater(model, 10, prior01, { resampleThresh: NaN }))).toEqual([QinferArgumentError, 'ERR_ARGUMENT']);
  });
});

describe('SMCUpdater: bad data leave the posterior untouched', () => {
  it('an outcome outside the model outcomes → ERR_OUTCOME', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 20, prior01, { rng: 1 });
    const before = snapshot(up);
    for (const o of [2, -1, 0.5, NaN]) expect(codeOf(() => up.update(o, t(1))), `outcome ${o}`).toEqual([QinferArgumentError, 'ERR_OUTCOME']);
    expect(snapshot(up)).toEqual(before);
  });

  it('experiments of length ≠ 1 → ERR_SHAPE', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 20, prior01, { rng: 1 });
    const before = snapshot(up);
    expect(codeOf(() => up.update(0, ExpParams.scalar([1, 2])))).toEqual([QinferArgumentError, 'ERR_SHAPE']);
    expect(codeOf(() => up.update(0, ExpParams.scalar([])))).toEqual([QinferArgumentError, 'ERR_SHAPE']);
    expect(codeOf(() => up.applyLikelihood(0, t(1), new Float64Array(5)))).toEqual([QinferArgumentError, 'ERR_SHAPE']); // 5 values, 20 particles
    expect(snapshot(up)).toEqual(before);
  });

  for (const [label, bad] of [
    ['NaN', NaN],
    ['negative (−0.1)', -0.1],
    ['just below −1e-12', -2e-12],
    ['above 1 + 1e-12', 1 + 2e-12],
    ['+Infinity', Infinity],
  ] as const) {
    it(`a likelihood that is ${label} → QinferError ERR_INVALID_LIKELIHOOD, nothing stored`, () => {
      const model = new ScriptedModel();
      const up = new SMCUpdater(model, 4, prior01, { rng: 3 });
      model.pr0 = [0.9, 0.5, 0.2, 0.7];
      up.update(0, t(1)); // a normal datum first, so the state is not the prior's
      const before = snapshot(up);
      model.pr0 = [0.5, bad, 0.5, 0.5];
      const [cls, code] = codeOf(() => up.update(0, t(1)));
      expect([cls, code]).toEqual([QinferError, 'ERR_INVALID_LIKELIHOOD']);
      expect(snapshot(up)).toEqual(before);
      // The same through the two-stage API (a likelihood computed by a backend).
      expect(codeOf(() => up.applyLikelihood(0, t(1), Float64Array.of(0.5, bad, 0.5, 0.5)))).toEqual([QinferError, 'ERR_INVALID_LIKELIHOOD']);
      expect(snapshot(up)).toEqual(before);
      // The updater stays usable.
      model.pr0 = [0.5, 0.5, 0.5, 0.1];
      up.update(0, t(1));
      expect(Array.from(up.particleWeights).every(Number.isFinite)).toBe(true);
    });
  }

  it('tiny negative rounding (≥ −1e-12) is clipped to 0 with an approximation warning; tiny excess above 1 is accepted', () => {
    const model = new ScriptedModel();
    const warnings: QinferWarning[] = [];
    const up = new SMCUpdater(model, 3, prior01, { rng: 3, onWarning: (w) => warnings.push(w) });
    model.pr0 = [-5e-13, 1 + 5e-13, 0.5];
    up.update(0, t(1));
    expect(warnings.filter((w) => w.category === 'approximation' && /Negative/.test(w.message))).toHaveLength(1);
    expect(up.particleWeights[0]).toBe(0);
    expect(Array.from(up.particleWeights).every((w) => w >= 0 && Number.isFinite(w))).toBe(true);
    expect(up.particleWeights[1]! / up.particleWeights[2]!).toBeCloseTo((1 + 5e-13) / 0.5, 12);
    expect(up.particleWeights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 15);
  });
});

describe('SMCUpdater.batchUpdate', () => {
  /** LiuWest that records the length of the data record at each resampling. */
  function spying(): { resampler: LiuWestResampler; at: number[] } {
    const at: number[] = [];
    const inner = new LiuWestResampler();
    const resampler = Object.assign(Object.create(inner) as LiuWestResampler, {
      resample: (...args: Parameters<LiuWestResampler['resample']>) => {
        at.push((args[1] as SMCUpdater).dataRecord.length);
        return inner.resample(...args);
      },
    });
    return { resampler, at };
  }

  const outcomes = [0, 1, 1, 0, 1, 0, 0, 1, 1, 0];
  const eps = ExpParams.scalar(outcomes.map((_, k) => 1 + k));

  for (const [interval, expected] of [
    [5, [5, 10]],
    [3, [3, 6, 9]],
    [1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    [20, []],
  ] as const) {
    it(`checks for resampling after every ${interval}-th datum only (resampleThresh 1: every check resamples)`, () => {
      const { resampler, at } = spying();
      const up = new SMCUpdater(new SimplePrecessionModel(), 200, prior01, { rng: 4, resampler, resampleThresh: 1 });
      up.batchUpdate(outcomes, eps, interval);
      expect(at).toEqual(expected);
      expect(up.resampleCount).toBe(expected.length);
      expect(up.dataRecord).toEqual(outcomes);
      expect(up.normalizationRecord).toHaveLength(outcomes.length);
    });
  }

  it('equals the same updates made one by one', () => {
    const a = new SMCUpdater(new SimplePrecessionModel(), 100, prior01, { rng: 8, resampleThresh: 0 });
    const b = new SMCUpdater(new SimplePrecessionModel(), 100, prior01, { rng: 8, resampleThresh: 0 });
    a.batchUpdate(outcomes, eps);
    outcomes.forEach((o, k) => b.update(o, eps.at(k)));
    expect(Array.from(a.particleWeights)).toEqual(Array.from(b.particleWeights));
    expect(a.normalizationRecord).toEqual(b.normalizationRecord);
  });

  it('rejects mismatched lengths (ERR_SHAPE) and a bad interval (ERR_ARGUMENT)', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 10, prior01);
    expect(codeOf(() => up.batchUpdate([0, 1], ExpParams.scalar([1])))).toEqual([QinferArgumentError, 'ERR_SHAPE']);
    expect(codeOf(() => up.batchUpdate([0], ExpParams.scalar([1]), 0))).toEqual([QinferArgumentError, 'ERR_ARGUMENT']);
    expect(up.dataRecord).toEqual([]);
  });
});

describe('SMCUpdater.reset', () => {
  const prior = new UniformDistribution([[0, 1], [10, 11]]);
  const informative = (up: SMCUpdater): void => {
    up.setWeights(Array.from({ length: up.nParticles }, (_, i) => i + 1));
  };

  it('onlyParams redraws those columns from the prior and keeps the others', () => {
    const up = new SMCUpdater(new MockModel(), 50, prior, { rng: 6 });
    informative(up);
    const before = up.particleLocations;
    const col = (p: number, m = up.particleLocations): number[] => Array.from({ length: 50 }, (_, j) => m.get(j, p));
    const col0 = col(0, before), col1 = col(1, before);
    up.reset({ onlyParams: [1] });
    expect(col(0)).toEqual(col0);
    expect(col(1)).not.toEqual(col1);
    expect(col(1).every((v) => v >= 10 && v <= 11)).toBe(true);
    expect(Array.from(up.particleWeights).every((w) => w === 1 / 50)).toBe(true);
  });

  it('resetWeights: false keeps the weights', () => {
    const up = new SMCUpdater(new MockModel(), 50, prior, { rng: 6 });
    informative(up);
    const w = Array.from(up.particleWeights);
    up.reset({ onlyParams: [0], resetWeights: false });
    expect(Array.from(up.particleWeights)).toEqual(w);
  });

  it('a new count redraws everything; the default count is the current one', () => {
    const up = new SMCUpdater(new MockModel(), 50, prior, { rng: 6 });
    up.reset({ nParticles: 40 });
    expect([up.nParticles, up.locations.length, up.particleWeights.length]).toEqual([40, 80, 40]);
    up.reset();
    expect(up.nParticles).toBe(40);
    expect(up.particleWeights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 14);
  });

  it('rejects both nParticles and onlyParams, columns out of range, and bad counts', () => {
    const up = new SMCUpdater(new MockModel(), 50, prior, { rng: 6 });
    const before = snapshot(up);
    expect(codeOf(() => up.reset({ nParticles: 5, onlyParams: [0] }))).toEqual([QinferArgumentError, 'ERR_ARGUMENT']);
    expect(codeOf(() => up.reset({ onlyParams: [2] }))).toEqual([QinferArgumentError, 'ERR_ARGUMENT']);
    expect(codeOf(() => up.reset({ onlyParams: [0, 0.5] }))).toEqual([QinferArgumentError, 'ERR_ARGUMENT']);
    expect(codeOf(() => up.reset({ nParticles: 0 }))).toEqual([QinferArgumentError, 'ERR_PARTICLE_COUNT']);
    expect(snapshot(up)).toEqual(before);
  });
});

describe('SMCUpdater design quantities and marginal: no NaN where QInfer divides by zero', () => {
  it('an experiment with a certain outcome (t = 0): Bayes risk = current variance, information gain 0', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 300, prior01, { rng: 2 });
    up.update(0, t(3));
    const variance = up.estCovarianceMtx().data[0]!;
    const risk = up.bayesRisk(ExpParams.scalar([0, 2]));
    expect(risk[0]).toBeCloseTo(variance, 14); // outcome 0 certain: the posterior would not change
    expect(Number.isFinite(risk[1]!)).toBe(true);
    expect(risk[1]!).toBeLessThan(variance); // an informative experiment lowers the expected variance
    const eig = up.expectedInformationGain(ExpParams.scalar([0, 2]));
    expect(eig[0]).toBeCloseTo(0, 14);
    expect(eig[1]!).toBeGreaterThan(0);
  });

  it('posteriorMarginal: particles sharing the lowest point count as a jump; an empty grid is ERR_RANGE', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 4, prior01);
    up.setParticles([[0.2], [0.2], [0.5], [0.8]]);
    const { pr } = up.posteriorMarginal({ res: 7 });
    expect(Array.from(pr).every(Number.isFinite)).toBe(true);
    up.setParticles([[0.3], [0.3], [0.3], [0.3]]);
    expect(codeOf(() => up.posteriorMarginal())).toEqual([QinferArgumentError, 'ERR_RANGE']);
    // All mass at 0.25, a grid point: the CDF is [0, 1, 1, 1, 1] on 0, ¼, …, 1 (not [0, ½, 1, …]).
    up.setParticles([[0.25], [0.25], [0.25], [0.25]]);
    expect(Array.from(up.posteriorMarginal({ rangeMin: 0, rangeMax: 1, res: 5 }).pr)).toEqual([4, 2, 0, 0, 0]);
  });
});

describe('SMCUpdater design quantities with an invalid likelihood', () => {
  it('hypotheticalUpdate, bayesRisk and expectedInformationGain throw ERR_INVALID_LIKELIHOOD instead of returning NaN', () => {
    const model = new ScriptedModel();
    const up = new SMCUpdater(model, 3, prior01, { rng: 1 });
    model.pr0 = [0.5, NaN, 0.5];
    expect(codeOf(() => up.hypotheticalUpdate([0, 1], t(1)))).toEqual([QinferError, 'ERR_INVALID_LIKELIHOOD']);
    expect(codeOf(() => up.bayesRisk(t(1)))).toEqual([QinferError, 'ERR_INVALID_LIKELIHOOD']);
    model.pr0 = [0.5, 1.5, 0.5];
    expect(codeOf(() => up.expectedInformationGain(t(1)))).toEqual([QinferError, 'ERR_INVALID_LIKELIHOOD']);
  });
});
