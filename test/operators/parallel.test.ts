import { firstValueFrom, lastValueFrom, map, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { parallel } from '../../operators/parallel.js';
import { likelihood } from '../../operators/likelihood.js';
import { serialBackend } from '../../src/backends/serialBackend.js';
import { ExpParams } from '../../src/expparams/ExpParams.js';
import type { LikelihoodRequest } from '../../src/backends/LikelihoodBackend.js';
import { itKeepsTheOperatorContract, scheduler, smallUpdater } from '../helpers/marbles.js';

describe('parallel(backend)', () => {
  const up = smallUpdater();
  const step = (index: number, outcome = 0) => ({ updater: up, index, outcome, expparams: ExpParams.scalar([1 + index]) });
  const L = new Float64Array(64).fill(0.5);

  it('runs one backend call per step, in order, one at a time', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('--l|', { l: L });
      const second = cold('--l|', { l: L });
      const calls = [first, second];
      expectObservable(cold('-a-b|', { a: step(0), b: step(1) }).pipe(parallel(() => calls.shift()!))).toBe('---x--y|', {
        x: { ...step(0), likelihood: L },
        y: { ...step(1), likelihood: L },
      });
      // the second call starts only when the first is done (frame 4), never concurrently
      expectSubscriptions(first.subscriptions).toBe('-^--!');
      expectSubscriptions(second.subscriptions).toBe('----^--!');
    });
  });

  it('hands the backend the updater’s particles, model and the datum', async () => {
    const seen: LikelihoodRequest[] = [];
    const out = await firstValueFrom(
      of(step(0, 1)).pipe(parallel((req) => (seen.push(req), serialBackend().likelihood(req)))),
    );
    expect(seen[0]!.x).toBe(up.locations);
    expect(seen[0]!.nModels).toBe(64);
    expect(Array.from(seen[0]!.outcomes)).toEqual([1]);
    const serial = await firstValueFrom(of(step(0, 1)).pipe(likelihood()));
    expect(out.likelihood).toEqual(serial.likelihood);
  });

  it('equals the serial likelihood stage bit for bit with the serial backend', async () => {
    const steps = [step(0), step(1, 1), step(2)];
    // likelihood() reuses one buffer per updater (valid until the next step): copy to keep
    const a = await lastValueFrom(of(...steps).pipe(parallel(serialBackend()), map((s) => s.likelihood!.slice()), toArray()));
    const b = await lastValueFrom(of(...steps).pipe(likelihood(), map((s) => s.likelihood!.slice()), toArray()));
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(a[1]);
  });

  it('errors the stream with the backend’s error', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const err = Object.assign(new Error('worker died'), { code: 'ERR_WORKER_CRASHED' });
      expectObservable(cold('-a-b|', { a: step(0), b: step(1) }).pipe(parallel(() => cold('-#', undefined, err)))).toBe('--#', undefined, err);
    });
  });

  it('errors with ERR_SHAPE when the backend returns the wrong length', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: step(0) }).pipe(parallel(() => cold('l|', { l: new Float64Array(3) })))).toBe(
        '#',
        undefined,
        expect.objectContaining({ code: 'ERR_SHAPE' }),
      );
    });
  });

  it('validates the datum before sending work away', () => {
    let called = false;
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: step(0, 7) }).pipe(parallel(() => ((called = true), cold('l|', { l: L }))))).toBe(
        '#',
        undefined,
        expect.objectContaining({ code: 'ERR_OUTCOME' }),
      );
    });
    expect(called).toBe(false);
  });

  it('aborts the call in flight and unsubscribes from it on early unsubscribe', () => {
    const signals: AbortSignal[] = [];
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const inner = cold('----l|', { l: L });
      const src = cold('-a-b|', { a: step(0), b: step(1) });
      expectObservable(src.pipe(parallel((_r, s) => (signals.push(s), inner))), '^--!').toBe('---');
      expectSubscriptions(inner.subscriptions).toBe('-^-!');
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
    expect(signals.length).toBe(1);
    expect(signals[0]!.aborted).toBe(true);
    expect((signals[0]!.reason as { code?: string }).code).toBe('ERR_ABORTED');
  });

  it('hands the backend one reused output buffer per subscription', async () => {
    const outs: Float64Array[] = [];
    const res = await lastValueFrom(
      of(step(0), step(1, 1)).pipe(
        parallel((r, _s, out) => (outs.push(out), serialBackend().likelihood(r, { out }))),
        toArray(),
      ),
    );
    expect(outs.length).toBe(2);
    expect(outs[0]).toBe(outs[1]);
    expect(res[1]!.likelihood).toBe(outs[1]); // the serial backend wrote into it
  });

  it('does not abort calls that completed', async () => {
    const signals: AbortSignal[] = [];
    await lastValueFrom(of(step(0), step(1)).pipe(parallel((r, s) => (signals.push(s), serialBackend().likelihood(r)))));
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
  });

  it('rejects something that is not a backend at creation', () => {
    expect(() => parallel({} as never)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });

  itKeepsTheOperatorContract(() => parallel(() => of(L)), step);
});
