import { describe, expect, it } from 'vitest';
import { QinferArgumentError, QinferError } from '../src/errors/QinferError.js';
import type { QinferWarning } from '../src/errors/warn.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { CoinModel } from '../src/models/CoinModel.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { SMCUpdater, type ZeroWeightPolicy } from '../src/smc/SMCUpdater.js';
import { expectClose, loadFixture } from './helpers/fixtures.js';
import { DecimationModel } from './helpers/testModels.js';

const fx = loadFixture('smc_zero_weight_and_threshold.json');
const coin = new CoinModel();
const flip = ExpParams.records(coin.expparamsSchema, [{}]);

function coinUpdater(policy: ZeroWeightPolicy, warnings: QinferWarning[]): SMCUpdater {
  const up = new SMCUpdater(coin, 3, new UniformDistribution([0, 1]), {
    resampleThresh: 0,
    zeroWeightPolicy: policy,
    rng: 17,
    onWarning: (w) => warnings.push(w),
  });
  up.setParticles([[1], [1], [1]], [0.2, 0.3, 0.5]);
  return up;
}

describe('zero-weight policies (smc_zero_weight_and_threshold.json)', () => {
  it('the default threshold is 10·eps', () => {
    const up = new SMCUpdater(coin, 3, new UniformDistribution([0, 1]));
    expect(up.zeroWeightThresh).toBe(fx.data.zero_weight_thresh_default);
    expect(up.zeroWeightPolicy).toBe('error');
  });

  // A coin with p = 1 cannot show outcome 1: every weight becomes 0.
  for (const policy of ['error', 'skip', 'ignore', 'warn'] as const) {
    it(`'${policy}' behaves as QInfer's`, () => {
      const f = fx.data.policies[policy];
      const warnings: QinferWarning[] = [];
      const up = coinUpdater(policy, warnings);
      const before = Float64Array.from(up.locations);
      let err: unknown;
      try {
        up.update(1, flip);
      } catch (e) {
        err = e;
      }
      if (f.error === null) expect(err).toBeUndefined();
      else {
        expect(err).toBeInstanceOf(QinferError);
        expect((err as QinferError).code).toBe('ERR_ZERO_WEIGHTS');
      }
      expectClose(up.particleWeights, f.weights_after);
      expect(Array.from(up.locations)).toEqual(Array.from(before)); // locations_after_changed: false
      expect(f.locations_after_changed).toBe(false);
      if (policy === 'error') {
        // Our documented decision (issue 14, item 12): QInfer records the outcome before 'error'
        // raises; a rejected datum is not data here (ExpSparse's next time counts the record).
        expect(f.data_record).toEqual([1]);
        expect(up.dataRecord).toEqual([]);
      } else expect(up.dataRecord).toEqual(f.data_record); // the outcome is recorded before the policy runs
      expectClose(up.normalizationRecord, f.normalization_record);
      expectClose(up.nEss, f.n_ess_after);
      expect(up.minNEss).toBe(f.min_n_ess_after);
      // QInfer's own warnings only; numpy's RuntimeWarnings (division by zero) have no counterpart here.
      const ours = f.warnings.filter((w: { category: string }) => w.category !== 'RuntimeWarning');
      expect(warnings.map((w) => w.category)).toEqual(ours.map(() => 'zero-weights'));
      expect(warnings.map((w) => w.message)).toEqual(ours.map((w: QinferWarning) => w.message));
    });
  }

  it("'reset' (our documented decision): redraws from the prior and KEEPS the uniform weights", () => {
    const f = fx.data.policies.reset;
    const warnings: QinferWarning[] = [];
    const up = coinUpdater('reset', warnings);
    up.update(1, flip);
    // QInfer then overwrites the fresh weights with the all-zero update (weights_after = 0, n_ess = ∞).
    expect(f.weights_after).toEqual([0, 0, 0]);
    expect(Array.from(up.particleWeights)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(up.nEss).toBeCloseTo(3, 12);
    // As in QInfer: new locations drawn from the prior, the datum and a zero normalisation recorded.
    expect(f.locations_after_changed).toBe(true);
    expect(Array.from(up.locations).some((x) => x !== 1)).toBe(true);
    expect(Array.from(up.locations).every((x) => x >= 0 && x <= 1)).toBe(true);
    expect(up.dataRecord).toEqual(f.data_record);
    expectClose(up.normalizationRecord, f.normalization_record);
    expect(up.minNEss).toBe(f.min_n_ess_after);
    // Then, unlike QInfer (whose n_ess became ∞), the resampling check sees n_ess = 3 ≤ 10 and warns.
    expect(warnings.map((w) => w.category)).toEqual(['zero-weights', 'approximation']);
    expect(warnings[0]!.message).toBe(f.warnings[0].message);
    // The posterior is usable again: the next datum is a normal Bayes update.
    up.update(0, flip);
    expect(up.particleWeights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 14);
  });

  it('a zeroWeightThresh of its own triggers the policy on a small but non-zero total', () => {
    const up = new SMCUpdater(coin, 2, new UniformDistribution([0, 1]), { zeroWeightThresh: 0.1, zeroWeightPolicy: 'skip' });
    up.setParticles([[0.99], [0.98]]);
    up.update(1, flip); // N = 0.015 ≤ 0.1: skipped
    expect(up.normalizationRecord).toEqual([]);
    expect(Array.from(up.particleWeights)).toEqual([0.5, 0.5]);
    expect(() => new SMCUpdater(coin, 2, new UniformDistribution([0, 1]), { zeroWeightPolicy: 'explode' as ZeroWeightPolicy })).toThrow(QinferArgumentError);
  });
});

describe('hypothetical updates (smc_zero_weight_and_threshold.json)', () => {
  it('possible outcomes: normalisation as QInfer, weights by Bayes rule', () => {
    const up = new SMCUpdater(coin, 2, new UniformDistribution([0, 1]));
    up.setParticles([[1.0], [0.5]]);
    const h = up.hypotheticalUpdate([0, 1], flip);
    expectClose(h.normalization, fx.data.hypothetical_possible.norm);
    // The fixture's "weights" entry holds 64 values from another case (the 64-particle decimation
    // run), not these 2 × 2; by hand: w(0) ∝ (½·1, ½·½) / ¾, w(1) ∝ (½·0, ½·½) / ¼.
    expect(fx.data.hypothetical_possible.weights.shape).toEqual([64]);
    expectClose(h.weights, [2 / 3, 1 / 3, 0, 1]);
  });

  it('an impossible outcome gives all-zero weights (no NaN) and the raw zero norm', () => {
    const up = new SMCUpdater(coin, 2, new UniformDistribution([0, 1]));
    up.setParticles([[1.0], [1.0]]);
    const h = up.hypotheticalUpdate([0, 1], flip);
    expectClose(h.weights, fx.data.hypothetical_impossible_outcome1.weights);
    expectClose(h.normalization, fx.data.hypothetical_impossible_outcome1.norm);
  });
});

describe('resampling threshold (smc_zero_weight_and_threshold.json)', () => {
  for (const c of fx.data.resample_threshold_cases) {
    it(`n = ${c.n_particles}, α = ${c.alpha}, thresh = ${c.resample_thresh}: n_ess ${c.n_ess_before_resample_check} vs ${c.threshold_value}`, () => {
      const make = (warnings: QinferWarning[]): SMCUpdater =>
        new SMCUpdater(new DecimationModel(), c.n_particles, new UniformDistribution([[0, 1], [0, 1]]), {
          resampleThresh: c.resample_thresh,
          rng: 1,
          onWarning: (w) => warnings.push(w),
        });
      const eps = ExpParams.records(new DecimationModel().expparamsSchema, [{ alpha: c.alpha }]);
      // In two stages, to see n_ess before the check…
      const w1: QinferWarning[] = [];
      const staged = make(w1);
      staged.update(0, eps, false);
      expectClose(staged.nEss, c.n_ess_before_resample_check, 1e-12);
      expect(staged.nParticles * staged.resampleThresh).toBe(c.threshold_value);
      expect(staged.maybeResample()).toBe(c.resample_count === 1);
      // …and in one, as QInfer's update does.
      const w2: QinferWarning[] = [];
      const up = make(w2);
      up.update(0, eps);
      for (const [u, w] of [[staged, w1], [up, w2]] as const) {
        expect(u.resampleCount).toBe(c.resample_count);
        expect(u.justResampled).toBe(c.just_resampled);
        const uniform = Array.from(u.particleWeights).every((x) => x === 1 / u.nParticles);
        expect(uniform).toBe(c.weights_uniform_after);
        expect(w.map((x) => x.category)).toEqual(c.warnings.map(() => 'approximation'));
      }
    });
  }

  it('strictly below: n_ess exactly equal to n · thresh does not resample', () => {
    const up = new SMCUpdater(new DecimationModel(), 64, new UniformDistribution([[0, 1], [0, 1]]), { resampleThresh: 0.25 });
    up.update(0, ExpParams.records(new DecimationModel().expparamsSchema, [{ alpha: 0.25 }]));
    expect(up.nEss).toBe(16); // 16 equal weights 1/16: exact
    expect(up.resampleCount).toBe(0);
  });

  it('resampling twice without data warns the second time (double_resample)', () => {
    const dr = fx.data.double_resample;
    const warnings: QinferWarning[] = [];
    const u = new SMCUpdater(new SimplePrecessionModel(), 50, new UniformDistribution([0, 1]), { onWarning: (w) => warnings.push(w) });
    u.resample();
    expect(warnings).toEqual(dr.first_warnings);
    u.resample();
    expect(warnings.map((w) => [w.category, w.message])).toEqual(dr.second_warnings.map((w: QinferWarning) => ['resampler', w.message]));
    expect(u.resampleCount).toBe(dr.resample_count);
  });
});
