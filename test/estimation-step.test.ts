/**
 * One estimation step for every host: the operators, estimate() and the performance trials
 * compose the same functions (src/smc/estimationStep.ts), draw the same data from the same seed
 * (SimulatedSystem), and share the policies of updatePolicy.ts.
 */
import { lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { estimate } from '../operators/estimate.js';
import { resample } from '../operators/resample.js';
import { simulate } from '../operators/simulate.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import type { QinferWarning } from '../src/errors/warn.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { runTrial } from '../src/perf/runTrial.js';
import { TrialRun } from '../src/perf/TrialRun.js';
import { trialSetup } from '../src/perf/trialSetup.js';
import type { TrialSpec } from '../src/perf/TrialSpec.js';
import { runTrialAsync } from '../src/perf/updaterTrialApply.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { TRIAL_STREAMS } from '../src/rng/trialStreams.js';
import { chooseExperiment, experimentChooser, updateStep } from '../src/smc/estimationStep.js';
import { SimulatedSystem } from '../src/smc/SimulatedSystem.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { smcUpdaterFactory } from '../src/smc/updaterFactory.js';
import { checkDatum, needsResample, resolveUpdatePolicy, zeroWeightAction } from '../src/smc/updatePolicy.js';

const reg = builtInRegistry();
const U01 = { name: 'UniformDistribution', params: { ranges: [[0, 1]] } };
const walk = {
  name: 'RandomWalkModel',
  params: { underlyingModel: { name: 'SimplePrecessionModel' }, stepDistribution: { name: 'UniformDistribution', params: { ranges: [[-0.01, 0.01]] } } },
};
const spec = (extra: Partial<TrialSpec> = {}): TrialSpec => ({
  index: 0, seed: 31, model: { name: 'SimplePrecessionModel' }, prior: U01, heuristic: { name: 'ExpSparseHeuristic' }, nParticles: 300, nExp: 40, ...extra,
});

/** estimate() on the trial's own set-up: updater, heuristic, true parameters and root generator. */
async function estimateLikeTrial(s: TrialSpec) {
  const setup = trialSetup(s, reg);
  const updater = smcUpdaterFactory(setup.updaterArgs);
  const snaps = await lastValueFrom(
    estimate({ updater, heuristic: setup.heuristic(updater), nExperiments: s.nExp, trueModel: setup.trueModel, trueParams: setup.trueParams, rng: setup.root }).pipe(toArray()),
  );
  return { snaps, updater };
}

describe('the pipeline and the performance trial run one step', () => {
  it('estimate() on a trial’s set-up gives the trial’s outcomes and estimates bit for bit', async () => {
    const s = spec();
    const r = runTrial(s, reg);
    const { snaps, updater } = await estimateLikeTrial(s);
    expect(snaps.map((x) => x.outcome)).toEqual(Array.from(r.outcome));
    expect(snaps.map((x) => x.mean[0])).toEqual(Array.from(r.estParams));
    expect(snaps.map((x) => x.resampleCount)).toEqual(Array.from(r.resampleCount));
    expect(updater.resampleCount).toBeGreaterThan(0); // the resample stage really ran
  });

  it('draws the same data with a moving true model (the simulation and dynamics streams)', async () => {
    const s = spec({ trueModel: walk, trueModelparams: [0.5], nExp: 25 });
    const r = runTrial(s, reg);
    const { snaps } = await estimateLikeTrial(s);
    expect(snaps.map((x) => x.outcome)).toEqual(Array.from(r.outcome));
    expect(snaps.map((x) => x.mean[0])).toEqual(Array.from(r.estParams));
    // the simulate operator takes the same convention from a root generator
    const sys = SimulatedSystem.fromRoot(reg.createModel(walk), [0.5], new Rng(31));
    const viaSystem: number[] = [];
    const viaOperator: number[] = [];
    const up = new SMCUpdater(new SimplePrecessionModel(), 10, new UniformDistribution([0, 1]));
    for (let k = 0; k < 25; k++) {
      const eps = ExpParams.scalar([(9 / 8) ** k]);
      viaSystem.push(sys.simulate(eps));
      sys.advance(eps);
    }
    of(...Array.from({ length: 25 }, (_, k) => ({ updater: up, index: k, expparams: ExpParams.scalar([(9 / 8) ** k]) })))
      .pipe(simulate(reg.createModel(walk), [0.5], new Rng(31)))
      .subscribe((x) => viaOperator.push(x.outcome!));
    expect(viaOperator).toEqual(viaSystem);
    expect(sys.trueParams[0]).not.toBe(0.5);
  });

  it('runTrialAsync and TrialRun.nextAsync give runTrial’s records on an SMCUpdater', async () => {
    const s = spec({ nExp: 15 });
    const a = runTrial(s, reg);
    const b = await runTrialAsync(s, reg, smcUpdaterFactory);
    expect(Array.from(b.loss)).toEqual(Array.from(a.loss));
    expect(Array.from(b.estParams)).toEqual(Array.from(a.estParams));
    expect(Array.from(b.resampleCount)).toEqual(Array.from(a.resampleCount));
    const run = await TrialRun.create(s, reg);
    expect(run.updater).toBeInstanceOf(SMCUpdater);
    const first = await run.nextAsync();
    expect(first.loss).toBe(a.loss[0]);
  });

  it('a trial whose signal is aborted rejects with ERR_ABORTED', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(runTrialAsync(spec(), reg, smcUpdaterFactory, { signal: ac.signal })).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });
});

describe('step functions', () => {
  const up = () => new SMCUpdater(new SimplePrecessionModel(), 100, new UniformDistribution([0, 1]), { rng: 2 });

  it('chooseExperiment takes exactly one experiment (ERR_HEURISTIC), experimentChooser a heuristic (ERR_ARGUMENT)', () => {
    const u = up();
    expect(() => chooseExperiment(() => ExpParams.scalar([1, 2]), u)).toThrow(expect.objectContaining({ code: 'ERR_HEURISTIC' }));
    expect(chooseExperiment(experimentChooser(() => ExpParams.scalar([3])), u).values()[0]).toBe(3);
    expect(() => experimentChooser(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });

  it('updateStep with a likelihood equals the updater’s own update; a skipped datum never resamples', () => {
    const a = up(), b = up();
    const eps = ExpParams.scalar([2]);
    const L = a.likelihoodOf(0, eps).slice();
    expect(updateStep(a, 0, eps, L, {})).toEqual(b.update(0, eps));
    expect(a.particleWeights).toEqual(b.particleWeights);
    const skip = new SMCUpdater(new SimplePrecessionModel(), 4, new UniformDistribution([0, 1]), { zeroWeightPolicy: 'skip' });
    expect(updateStep(skip, 1, eps, new Float64Array(4), { threshold: 1 })).toEqual({ accepted: false, resampled: false });
    expect(skip.resampleCount).toBe(0);
  });

  it('the resample operator warns at n_ess <= 10 as the updater does', () => {
    const warnings: QinferWarning[] = [];
    const u = new SMCUpdater(new SimplePrecessionModel(), 100, new UniformDistribution([0, 1]), { rng: 2, onWarning: (w) => warnings.push(w) });
    const w = new Float64Array(100);
    w.fill(1, 0, 5); // n_ess = 5
    u.setWeights(w);
    let resampled: boolean | undefined;
    of({ updater: u, index: 0 }).pipe(resample()).subscribe((s) => (resampled = s.resampled));
    expect(resampled).toBe(true);
    const small = warnings.filter((x) => x.message.startsWith('Extremely small n_ess encountered ('));
    expect(small.length).toBe(1);
    expect(Number(/\(([\d.]+)\)/.exec(small[0]!.message)![1])).toBeCloseTo(5, 9);
    expect(small[0]!.message.endsWith('Resampling is likely to fail. Consider adding particles, or resampling more often.')).toBe(true);
  });
});

describe('the shared update policy', () => {
  it('validates options, data and the zero-weight policies with typed errors', () => {
    expect(resolveUpdatePolicy({})).toEqual({ resampleThresh: 0.5, zeroWeightPolicy: 'error', zeroWeightThresh: 10 * 2.220446049250313e-16 });
    expect(() => resolveUpdatePolicy({ resampleThresh: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => resolveUpdatePolicy({ zeroWeightPolicy: 'panic' as never })).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => resolveUpdatePolicy({ zeroWeightThresh: Number.NaN })).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    const model = new SimplePrecessionModel();
    expect(() => checkDatum(model, 2, ExpParams.scalar([1]))).toThrow(expect.objectContaining({ code: 'ERR_OUTCOME' }));
    expect(() => checkDatum(model, 0, ExpParams.scalar([1, 2]))).toThrow(expect.objectContaining({ code: 'ERR_SHAPE' }));
    const seen: string[] = [];
    const sink = (w: QinferWarning) => seen.push(w.category);
    const p = (zeroWeightPolicy: 'ignore' | 'skip' | 'warn' | 'error' | 'reset') => ({ zeroWeightPolicy, zeroWeightThresh: 1e-15 });
    expect(zeroWeightAction(1, p('error'), sink, { outcome: 0, step: 0 })).toBe('accept');
    expect(zeroWeightAction(0, p('skip'), sink, { outcome: 0, step: 0 })).toBe('skip');
    expect(zeroWeightAction(0, p('reset'), sink, { outcome: 0, step: 0 })).toBe('reset');
    expect(zeroWeightAction(Number.NaN, p('warn'), sink, { outcome: 0, step: 0 })).toBe('accept');
    expect(() => zeroWeightAction(0, p('error'), sink, { outcome: 1, step: 7 })).toThrow(expect.objectContaining({ code: 'ERR_ZERO_WEIGHTS', details: { outcome: 1, step: 7 } }));
    expect(seen).toEqual(['zero-weights', 'zero-weights']);
    expect(needsResample(50, 100, 0.5)).toBe(false);
    expect(needsResample(49.999, 100, 0.5)).toBe(true);
  });

  it('the trial streams are split from the root, so the estimate CLI and a trial share data', () => {
    const setup = trialSetup(spec(), reg);
    expect(setup.updaterArgs.rng.seed).toBe(new Rng(31).split(TRIAL_STREAMS.updater).seed);
  });
});
