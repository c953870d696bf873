import { describe, expect, it } from 'vitest';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import type { Model } from '../src/models/Model.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { Rng } from '../src/rng/Rng.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';

/** Checks the invariants every posterior must keep, after every datum. */
function checkInvariants(up: SMCUpdater, step: number): void {
  const n = up.nParticles, w = up.particleWeights;
  let s = 0, lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) (s += w[i]!), (lo = Math.min(lo, w[i]!)), (hi = Math.max(hi, w[i]!));
  expect(lo >= 0 && hi <= 1, `weights in [${lo}, ${hi}] at step ${step}`).toBe(true);
  expect(Math.abs(s - 1), `Σw at step ${step}`).toBeLessThanOrEqual(1e-12);
  expect(Array.from(up.locations).every(Number.isFinite), `finite locations at step ${step}`).toBe(true);
  const ness = up.nEss;
  expect(ness).toBeGreaterThanOrEqual(1 - 1e-9);
  expect(ness).toBeLessThanOrEqual(n * (1 + 1e-12));
  expect(up.minNEss).toBeLessThanOrEqual(ness * (1 + 1e-12));
  const N = up.normalizationRecord[up.normalizationRecord.length - 1];
  if (N !== undefined) expect(N > 0 && N <= 1 + 1e-12, `N = ${N} at step ${step}`).toBe(true);
  expect(Number.isFinite(up.logTotalLikelihood)).toBe(true);
}

function run(model: Model, prior: UniformDistribution, truth: number[], tOf: (rng: Rng, k: number) => ExpParams, nParticles: number, steps: number, seed: number): SMCUpdater {
  const rng = new Rng(seed);
  const up = new SMCUpdater(model, nParticles, prior, { rng: rng.split(1) });
  checkInvariants(up, 0);
  let minSeen = nParticles;
  for (let k = 1; k <= steps; k++) {
    const eps = tOf(rng, k);
    const outcome = model.simulateExperiment([truth], eps, rng).data[0]!;
    // update() in its two stages, to see n_ess before the resampling check.
    up.update(outcome, eps, false);
    checkInvariants(up, k);
    minSeen = Math.min(minSeen, up.nEss);
    up.maybeResample();
    checkInvariants(up, k);
  }
  expect(up.dataRecord).toHaveLength(steps);
  expect(up.normalizationRecord).toHaveLength(steps);
  // minNEss is exactly the smallest n_ess after any Bayes update (resampling does not reset it).
  expect(up.minNEss).toBe(minSeen);
  return up;
}

describe('SMCUpdater invariants over random experiments', () => {
  it('SimplePrecessionModel, random times, 150 data: Σw = 1, 1 ≤ nEss ≤ n, minNEss ≤ nEss, and it learns ω', () => {
    const up = run(new SimplePrecessionModel(), new UniformDistribution([0, 1]), [0.37], (rng, k) => ExpParams.scalar([rng.uniform() * 1.1 ** Math.min(k, 40)]), 800, 150, 21);
    expect(up.resampleCount).toBeGreaterThan(0);
    const mean = up.estMean()[0]!, sd = Math.sqrt(up.estCovarianceMtx().data[0]!);
    expect(Math.abs(mean - 0.37)).toBeLessThan(Math.max(5 * sd, 1e-3));
  });

  it('UnknownT2Model (two parameters), 80 data: the same invariants through 2-D resampling', () => {
    const prior = new UniformDistribution([[0, 1], [0, 0.2]]);
    const up = run(new UnknownT2Model(), prior, [0.6, 0.05], (rng) => ExpParams.records(new UnknownT2Model().expparamsSchema, [{ t: 1 + 20 * rng.uniform() }]), 600, 80, 5);
    expect(up.resampleCount).toBeGreaterThan(0);
  });

  it('the same seed gives the same posterior', () => {
    const go = (): number[] =>
      Array.from(run(new SimplePrecessionModel(), new UniformDistribution([0, 1]), [0.5], (rng) => ExpParams.scalar([5 * rng.uniform()]), 200, 30, 9).particleWeights);
    expect(go()).toEqual(go());
  });
});
