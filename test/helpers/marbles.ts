import type { OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect, it } from 'vitest';
import { ExpParams } from '../../src/expparams/ExpParams.js';
import { SimplePrecessionModel } from '../../src/models/SimplePrecessionModel.js';
import { UniformDistribution } from '../../src/distributions/UniformDistribution.js';
import { SMCUpdater } from '../../src/smc/SMCUpdater.js';
import type { EstimationStep } from '../../operators/EstimationStep.js';

/** A TestScheduler whose deep equality is vitest's `toEqual` (so asymmetric matchers work). */
export function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** A small SimplePrecession updater with a fixed seed. */
export function smallUpdater(n = 64, seed = 3): SMCUpdater {
  return new SMCUpdater(new SimplePrecessionModel(), n, new UniformDistribution([0, 1]), { rng: seed });
}

/** A step with everything up to the likelihood filled in. */
export function fullStep(updater: SMCUpdater, index: number, outcome = 0, t = 1 + index): EstimationStep {
  const expparams = ExpParams.scalar([t]);
  return { updater, index, outcome, expparams, likelihood: updater.model.likelihood([outcome], updater.particleLocations, expparams).data.slice() };
}

/**
 * The contract every pipeline operator keeps (STYLE.md): empty completes, never stays silent,
 * an upstream error passes through after the values before it, and unsubscribing early
 * unsubscribes from the source (proven with `expectSubscriptions`).
 */
export function itKeepsTheOperatorContract(make: () => OperatorFunction<EstimationStep, unknown>, step: (i: number) => EstimationStep): void {
  it('completes on empty', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<EstimationStep>('|').pipe(make())).toBe('|');
    });
  });

  it('stays silent on never', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold<EstimationStep>('-').pipe(make())).toBe('-');
    });
  });

  it('passes an upstream error through after the values before it', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const err = new Error('instrument failed');
      expectObservable(cold('-a-#', { a: step(0) }, err).pipe(make())).toBe('-x-#', { x: expect.anything() }, err);
    });
  });

  it('unsubscribes from the source when the subscriber leaves early', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a-b-c-d|', { a: step(0), b: step(1), c: step(2), d: step(3) });
      expectObservable(src.pipe(make()), '^--!').toBe('-x-', { x: expect.anything() });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });
}
