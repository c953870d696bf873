import { describe, expect, it } from 'vitest';
import { posterior } from '../../operators/posterior.js';
import { update } from '../../operators/update.js';
import { itKeepsTheOperatorContract, fullStep, scheduler, smallUpdater } from '../helpers/marbles.js';

describe('posterior()', () => {
  it('emits summaries that stay valid after later updates', () => {
    const up = smallUpdater();
    const snaps: ReturnType<typeof Object>[] = [];
    const a = fullStep(up, 0, 0, 1);
    scheduler().run(({ cold }) => {
      cold('a|', { a }).pipe(update(), posterior()).subscribe((s) => snaps.push(s));
    });
    const [s] = snaps as any[];
    const mean = up.estMean()[0]!;
    expect(s.mean[0]).toBe(mean);
    expect(s.covariance[0]).toBe(up.estCovarianceMtx().data[0]);
    expect(s.nEss).toBe(up.nEss);
    expect(s.outcome).toBe(0);
    expect(s.experiment).toEqual({ value: 1 });
    expect(s.normalization).toBe(up.normalizationRecord[0]);
    expect(s.particles).toBeUndefined();
    up.update(1, a.expparams!); // later data must not change the snapshot
    expect(s.mean[0]).toBe(mean);
  });

  it("'full' snapshots own copies of the particles; 'live' hands over the updater", () => {
    const up = smallUpdater();
    const out: any[] = [];
    scheduler().run(({ cold }) => {
      cold('a|', { a: { updater: up, index: 0 } }).pipe(posterior('full')).subscribe((s) => out.push(s));
      cold('a|', { a: { updater: up, index: 0 } }).pipe(posterior('live')).subscribe((s) => out.push(s));
    });
    expect(out[0].particles.weights).toEqual(up.particleWeights);
    expect(out[0].particles.weights).not.toBe(up.particleWeights);
    expect(out[0].particles.locations).not.toBe(up.locations);
    expect(out[1].updater).toBe(up);
  });

  it('rejects an unknown mode', () => {
    expect(() => posterior('everything' as never)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });

  const up = smallUpdater();
  itKeepsTheOperatorContract(() => posterior(), (i) => ({ updater: up, index: i }));
});
