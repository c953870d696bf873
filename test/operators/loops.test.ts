import { asyncScheduler, lastValueFrom, of, Subject, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { estimate } from '../../operators/estimate.js';
import { fromInstrument } from '../../operators/fromInstrument.js';
import { serialBackend } from '../../src/backends/serialBackend.js';
import { UniformDistribution } from '../../src/distributions/UniformDistribution.js';
import { ExpParams } from '../../src/expparams/ExpParams.js';
import { ExpSparseHeuristic } from '../../src/heuristics/ExpSparseHeuristic.js';
import { SimplePrecessionModel } from '../../src/models/SimplePrecessionModel.js';
import { Rng } from '../../src/rng/Rng.js';
import { SMCUpdater } from '../../src/smc/SMCUpdater.js';

const model = new SimplePrecessionModel();
const newUpdater = (n = 2000, seed = 4) => new SMCUpdater(model, n, new UniformDistribution([0, 1]), { rng: seed });

describe('estimate() — the closed loop', () => {
  it('learns ω: the final error is a few posterior standard deviations at most', async () => {
    const updater = newUpdater();
    const snaps = await lastValueFrom(
      estimate({ updater, heuristic: new ExpSparseHeuristic(updater), nExperiments: 60, trueParams: [0.42], rng: 9 }).pipe(toArray()),
    );
    expect(snaps.map((s) => s.index)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    const last = snaps[59]!;
    const sd = Math.sqrt(last.covariance[0]!);
    expect(sd).toBeLessThan(0.01);
    expect(Math.abs(last.mean[0]! - 0.42)).toBeLessThan(5 * sd);
    // the heuristic saw every posterior: experiment k is (9/8)^k
    snaps.forEach((s, k) => expect(s.experiment!['value']).toBeCloseTo((9 / 8) ** k, 12));
  });

  it('gives the same posterior stream with a backend as on this thread, and for the same seeds', async () => {
    const run = async (backend?: ReturnType<typeof serialBackend>) => {
      const updater = newUpdater(500, 2);
      return lastValueFrom(estimate({ updater, heuristic: new ExpSparseHeuristic(updater), nExperiments: 30, trueParams: [0.3], rng: 3, backend }).pipe(toArray()));
    };
    const a = await run(), b = await run(serialBackend()), c = await run();
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('yields to the event loop between steps with a scheduler, with the same posterior stream', async () => {
    const run = (scheduler?: typeof asyncScheduler) => {
      const updater = newUpdater(300, 5);
      return estimate({ updater, heuristic: new ExpSparseHeuristic(updater), nExperiments: 10, trueParams: [0.3], rng: 3, scheduler });
    };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const a = await lastValueFrom(run(asyncScheduler).pipe(toArray()));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    const syncEmissions: number[] = [];
    run().subscribe((s) => syncEmissions.push(s.index));
    expect(syncEmissions.length).toBe(10); // without a scheduler the loop is synchronous
    expect(a).toEqual(await lastValueFrom(run().pipe(toArray())));
  });

  it('stops when unsubscribed early', async () => {
    const updater = newUpdater(200);
    const snaps = await lastValueFrom(estimate({ updater, heuristic: new ExpSparseHeuristic(updater), nExperiments: 50, trueParams: [0.5] }).pipe(take(5), toArray()));
    expect(snaps.length).toBe(5);
    expect(updater.dataRecord.length).toBe(5);
  });

  it('rejects a bad experiment count at creation', () => {
    const updater = newUpdater(10);
    expect(() => estimate({ updater, heuristic: new ExpSparseHeuristic(updater), nExperiments: 2.5, trueParams: [0.5] })).toThrow(
      expect.objectContaining({ code: 'ERR_PARTICLE_COUNT' }),
    );
  });
});

describe('fromInstrument() — the open loop', () => {
  it('updates with every datum in arrival order and completes with the data', async () => {
    const updater = newUpdater(1000);
    const reference = newUpdater(1000);
    const rng = new Rng(8);
    const data = Array.from({ length: 20 }, (_, k) => {
      const expparams = ExpParams.scalar([(9 / 8) ** k]);
      return { outcome: model.simulateExperiment([[0.6]], expparams, rng).data[0]!, expparams };
    });
    const snaps = await lastValueFrom(fromInstrument(of(...data), { updater }).pipe(toArray()));
    for (const d of data) reference.update(d.outcome, d.expparams);
    expect(snaps.length).toBe(20);
    expect(updater.dataRecord).toEqual(data.map((d) => d.outcome));
    expect(snaps[19]!.mean).toEqual(reference.estMean());
    expect(updater.particleWeights).toEqual(reference.particleWeights);
  });

  it('ends with a typed error on a bad datum and never emits a NaN posterior', async () => {
    const updater = newUpdater(100);
    const data$ = new Subject<{ outcome: number; expparams: ExpParams }>();
    const seen: number[] = [];
    let error: unknown;
    fromInstrument(data$, { updater }).subscribe({ next: (s) => seen.push(s.mean[0]!), error: (e) => (error = e) });
    data$.next({ outcome: 0, expparams: ExpParams.scalar([1]) });
    data$.next({ outcome: 2, expparams: ExpParams.scalar([1]) });
    data$.next({ outcome: 0, expparams: ExpParams.scalar([1]) });
    expect(seen.length).toBe(1);
    expect(Number.isFinite(seen[0])).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_OUTCOME' });
  });

  it('numbers the steps from 0 for each subscription', async () => {
    const d = { outcome: 0, expparams: ExpParams.scalar([1]) };
    const src = of(d, d);
    const a = await lastValueFrom(fromInstrument(src, { updater: newUpdater(50) }).pipe(toArray()));
    const b = await lastValueFrom(fromInstrument(src, { updater: newUpdater(50) }).pipe(toArray()));
    expect(a.map((s) => s.index)).toEqual([0, 1]);
    expect(b.map((s) => s.index)).toEqual([0, 1]);
  });
});
