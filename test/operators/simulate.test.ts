import { from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../operators/simulate.js';
import { ExpParams } from '../../src/expparams/ExpParams.js';
import { SimplePrecessionModel } from '../../src/models/SimplePrecessionModel.js';
import { Rng } from '../../src/rng/Rng.js';
import { itKeepsTheOperatorContract, scheduler, smallUpdater } from '../helpers/marbles.js';

describe('simulate(trueModel, trueParams, rng)', () => {
  const up = smallUpdater();
  const model = new SimplePrecessionModel();
  const step = (index: number, t = 2) => ({ updater: up, index, expparams: ExpParams.scalar([t]) });

  it('draws outcomes with the true model’s probabilities', () => {
    const outs: number[] = [];
    const w = 0.7, t = 2, n = 20000;
    from(Array.from({ length: n }, (_, i) => step(i, t)))
      .pipe(simulate(model, [w], new Rng(11)))
      .subscribe((s) => outs.push(s.outcome!));
    const p0 = Math.cos((w * t) / 2) ** 2;
    const f0 = outs.filter((o) => o === 0).length / n;
    expect(Math.abs(f0 - p0)).toBeLessThan(5 * Math.sqrt((p0 * (1 - p0)) / n));
  });

  it('is deterministic for a seed', () => {
    const run = () => {
      const outs: number[] = [];
      scheduler().run(({ cold }) => cold('abcdefgh|', Object.fromEntries([...'abcdefgh'].map((c, i) => [c, step(i, 3 + i)]))).pipe(simulate(model, [0.3], new Rng(5))).subscribe((s) => outs.push(s.outcome!)));
      return outs;
    };
    expect(run()).toEqual(run());
  });

  it('errors when the step has no experiment, and rejects several true vectors at creation', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: { updater: up, index: 0 } }).pipe(simulate(model, [0.5], new Rng(1)))).toBe('#', undefined, expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    });
    expect(() => simulate(model, [[0.1], [0.2]] as never, new Rng(1))).toThrow(expect.objectContaining({ code: 'ERR_SHAPE' }));
  });

  itKeepsTheOperatorContract(() => simulate(model, [0.5], new Rng(1)), (i) => step(i));
});
