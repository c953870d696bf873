import { describe, expect, it } from 'vitest';
import { update } from '../../operators/update.js';
import { itKeepsTheOperatorContract, fullStep, scheduler, smallUpdater } from '../helpers/marbles.js';

describe('update()', () => {
  it('applies Bayes’ rule with the step’s likelihood', () => {
    const up = smallUpdater();
    const w0 = up.particleWeights.slice();
    const a = fullStep(up, 0, 1, 3);
    const L = a.likelihood!;
    const N = w0.reduce((s, w, i) => s + w * L[i]!, 0);
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a|', { a }).pipe(update())).toBe('-x|', { x: { ...a, skipped: false } });
    });
    expect(up.dataRecord).toEqual([1]);
    expect(up.normalizationRecord[0]).toBeCloseTo(N, 15);
    up.particleWeights.forEach((w, i) => expect(w).toBeCloseTo((w0[i]! * L[i]!) / N, 15));
  });

  it('errors with ERR_INVALID_LIKELIHOOD and leaves the posterior alone when L is NaN', () => {
    const up = smallUpdater();
    const w0 = up.particleWeights.slice();
    const bad = { ...fullStep(up, 0), likelihood: new Float64Array(64).fill(NaN) };
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a|', { a: bad }).pipe(update())).toBe('-#', undefined, expect.objectContaining({ code: 'ERR_INVALID_LIKELIHOOD' }));
    });
    expect(up.particleWeights).toEqual(w0);
    expect(up.dataRecord).toEqual([]);
  });

  it('errors with ERR_ZERO_WEIGHTS under the default policy', () => {
    const up = smallUpdater();
    const zero = { ...fullStep(up, 0), likelihood: new Float64Array(64) };
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: zero }).pipe(update())).toBe('#', undefined, expect.objectContaining({ code: 'ERR_ZERO_WEIGHTS' }));
    });
  });

  const up = smallUpdater();
  itKeepsTheOperatorContract(() => update(), (i) => fullStep(up, i));
});
