import { describe, expect, it } from 'vitest';
import { likelihood } from '../../operators/likelihood.js';
import { ExpParams } from '../../src/expparams/ExpParams.js';
import { itKeepsTheOperatorContract, scheduler, smallUpdater } from '../helpers/marbles.js';

describe('likelihood()', () => {
  const up = smallUpdater();
  const step = (index: number, outcome = 0) => ({ updater: up, index, outcome, expparams: ExpParams.scalar([2]) });

  it('adds Pr(outcome | x_i; e) of the current particles', () => {
    const x = up.locations;
    const L1 = Float64Array.from(x, (w) => 1 - Math.cos(w) ** 2);
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a|', { a: step(0, 1) }).pipe(likelihood())).toBe('-x|', { x: { ...step(0, 1), likelihood: expect.anything() } });
    });
    let got: Float64Array | undefined;
    scheduler().run(({ cold }) => cold('a|', { a: step(0, 1) }).pipe(likelihood()).subscribe((s) => (got = s.likelihood!.slice())));
    expect(got!.length).toBe(64);
    got!.forEach((v, i) => expect(v).toBeCloseTo(L1[i]!, 14));
  });

  it('errors with a typed error on an outcome outside the model’s outcomes', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('-a-b|', { a: step(0), b: step(1, 5) }).pipe(likelihood())).toBe(
        '-x-#',
        { x: expect.anything() },
        expect.objectContaining({ code: 'ERR_OUTCOME' }),
      );
    });
  });

  it('errors when the step has no experiment (pipeline composed in the wrong order)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: { updater: up, index: 0, outcome: 0 } }).pipe(likelihood())).toBe(
        '#',
        undefined,
        expect.objectContaining({ code: 'ERR_ARGUMENT' }),
      );
    });
  });

  itKeepsTheOperatorContract(() => likelihood(), (i) => step(i));
});
