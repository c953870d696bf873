import { describe, expect, it } from 'vitest';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { expectClose, loadFixture } from './helpers/fixtures.js';

const fx = loadFixture('smc_update_simple_precession.json');

function fixtureUpdater(): SMCUpdater {
  const up = new SMCUpdater(new SimplePrecessionModel(), 16, new UniformDistribution([[0, 1]]), { resampleThresh: 0, rng: 0 });
  up.setParticles(fx.produced_by.args.initial_locations, fx.produced_by.args.initial_weights);
  return up;
}

describe('SMCUpdater against QInfer (smc_update_simple_precession.json)', () => {
  it('matches every recorded state over 13 updates', () => {
    const up = fixtureUpdater();
    const states = fx.data.states;
    for (const st of states) {
      if (st.step > 0) up.update(st.outcome, ExpParams.scalar(st.expparams));
      expectClose(up.particleWeights, st.weights);
      expectClose(up.locations, st.locations);
      expectClose(up.estMean(), st.est_mean);
      expectClose(up.estCovarianceMtx().data, st.est_covariance_mtx, 1e-11);
      expectClose(up.nEss, st.n_ess);
      expectClose(up.minNEss, st.min_n_ess);
      expectClose(up.estEntropy(), st.est_entropy);
      expectClose(up.normalizationRecord, st.normalization_record);
      expectClose(up.logTotalLikelihood, st.log_total_likelihood);
      expect(up.dataRecord).toEqual(st.data_record);
      expect(up.resampleCount).toBe(st.resample_count);
      expect(up.justResampled).toBe(st.just_resampled);
    }
  });

  it('matches the final design quantities, credible regions and marginal', () => {
    const up = fixtureUpdater();
    for (const st of fx.data.states.slice(1)) up.update(st.outcome, ExpParams.scalar(st.expparams));
    const f = fx.data.final;
    const grid = ExpParams.scalar(f.grid);
    const hyp = up.hypotheticalUpdate([0, 1], grid);
    expectClose(hyp.weights, f.hypothetical_weights);
    expectClose(hyp.likelihood, f.hypothetical_L);
    expectClose(hyp.normalization, f.hypothetical_norm);
    expectClose(up.bayesRisk(grid), f.bayes_risk, 1e-11);
    expectClose(up.expectedInformationGain(grid), f.expected_information_gain, 1e-11);
    expectClose(up.estCredibleRegion(0.9).data, f['credible_region_0.9']);
    expectClose(up.estCredibleRegion(0.5).data, f['credible_region_0.5']);
    const { ps, pr } = up.posteriorMarginal({ idx: 0, res: 11 });
    expectClose(ps, f.posterior_marginal_ps);
    expectClose(pr, f.posterior_marginal_pr, 1e-10);
  });
});
