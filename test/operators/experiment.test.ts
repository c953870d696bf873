import { describe, expect, it } from 'vitest';
import { experiment } from '../../operators/experiment.js';
import { QinferArgumentError } from '../../src/errors/QinferError.js';
import { ExpParams } from '../../src/expparams/ExpParams.js';
import { ExpSparseHeuristic } from '../../src/heuristics/ExpSparseHeuristic.js';
import { itKeepsTheOperatorContract, scheduler, smallUpdater } from '../helpers/marbles.js';

describe('experiment()', () => {
  const up = smallUpdater();
  const step = (index: number) => ({ updater: up, index });

  it('adds the heuristic’s experiment to each step', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('-a-b|', { a: step(0), b: step(1) });
      const pick = (u: typeof up) => ExpParams.scalar([u.nParticles]);
      expectObservable(src.pipe(experiment(pick))).toBe('-x-y|', {
        x: { ...step(0), expparams: ExpParams.scalar([64]) },
        y: { ...step(1), expparams: ExpParams.scalar([64]) },
      });
    });
  });

  it('calls a Heuristic object’s next()', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: step(0) }).pipe(experiment(new ExpSparseHeuristic(up, { scale: 2 })))).toBe('x|', {
        x: { ...step(0), expparams: ExpParams.scalar([2]) },
      });
    });
  });

  it('errors the stream when the heuristic throws', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const err = new Error('no experiment');
      let calls = 0;
      const h = () => {
        if (calls++ === 1) throw err;
        return ExpParams.scalar([1]);
      };
      expectObservable(cold('-a-b-c|', { a: step(0), b: step(1), c: step(2) }).pipe(experiment(h))).toBe('-x-#', { x: expect.anything() }, err);
    });
  });

  it('rejects a missing heuristic at creation', () => {
    expect(() => experiment(undefined as never)).toThrow(QinferArgumentError);
    expect(() => experiment({} as never)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });

  itKeepsTheOperatorContract(() => experiment(() => ExpParams.scalar([1])), step);
});
