import { describe, expect, it } from 'vitest';
import { resample } from '../../operators/resample.js';
import { LiuWestResampler } from '../../src/resamplers/LiuWestResampler.js';
import { QinferArgumentError } from '../../src/errors/QinferError.js';
import { itKeepsTheOperatorContract, scheduler, smallUpdater } from '../helpers/marbles.js';

describe('resample()', () => {
  it('resamples iff nEss < threshold · n', () => {
    const up = smallUpdater(100);
    const w = new Float64Array(100);
    w.fill(1, 0, 40); // nEss = 40
    up.setWeights(w);
    const step = { updater: up, index: 0 };
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: step }).pipe(resample(undefined, { threshold: 0.39 }))).toBe('x|', { x: { ...step, resampled: false } });
    });
    expect(up.resampleCount).toBe(0);
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: step }).pipe(resample(new LiuWestResampler(), { threshold: 0.41 }))).toBe('x|', { x: { ...step, resampled: true } });
    });
    expect(up.resampleCount).toBe(1);
    expect(up.nEss).toBeCloseTo(100, 9);
  });

  it('uses the updater’s threshold by default and the given resampler', () => {
    const up = smallUpdater(100);
    const w = new Float64Array(100);
    w.fill(1, 0, 10);
    up.setWeights(w);
    let used = 0;
    const lw = new LiuWestResampler();
    const counting = { resample: (...a: Parameters<LiuWestResampler['resample']>) => (used++, lw.resample(...a)) };
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: { updater: up, index: 0 } }).pipe(resample(counting))).toBe('x|', { x: expect.objectContaining({ resampled: true }) });
    });
    expect(used).toBe(1);
  });

  it('errors the stream when the resampler throws', () => {
    const up = smallUpdater(10);
    up.setWeights(Float64Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    const err = new Error('resampler broke');
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: { updater: up, index: 0 } }).pipe(resample({ resample: () => { throw err; } }))).toBe('#', undefined, err);
    });
  });

  it('rejects a threshold outside [0, 1] at creation', () => {
    expect(() => resample(undefined, { threshold: 2 })).toThrow(QinferArgumentError);
  });

  const up = smallUpdater();
  itKeepsTheOperatorContract(() => resample(), (i) => ({ updater: up, index: i }));
});
