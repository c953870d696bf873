import { lastValueFrom, take, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { QinferError } from '../src/errors/QinferError.js';
import type { PerfProgress } from '../src/perf/PerfProgress.js';
import { perfTestMultiple, type PerfRunOptions } from '../src/perf/perfTestMultiple.js';
import type { PerformanceTable } from '../src/perf/PerformanceTable.js';
import { runTrial } from '../src/perf/runTrial.js';
import { serialApply } from '../src/perf/serialApply.js';
import { isTrialFailure, type TrialOutcome } from '../src/perf/TrialFailure.js';
import type { TrialApply, TrialResult } from '../src/perf/TrialSpec.js';
import { toPerformanceTable } from '../src/perf/toPerformanceTable.js';
import { Rng } from '../src/rng/Rng.js';
import { deriveSeed } from '../src/rng/deriveSeed.js';
import { loadFixture } from './helpers/fixtures.js';
import { heuristicSeed, precessionOptions, tableContent, testRegistry } from './helpers/perfFixtures.js';

const fx = loadFixture('perf_test.json').data;
const reg = testRegistry();

function table(nTrials: number, options = precessionOptions(100, 12), run: PerfRunOptions = {}): Promise<PerformanceTable> {
  return lastValueFrom(perfTestMultiple(nTrials, options, { registry: reg, ...run }).pipe(toPerformanceTable(nTrials)));
}

/** An apply that runs each trial here after a random (seeded) delay: completion order is scrambled. */
function scrambledApply(seed: number): TrialApply {
  const rng = new Rng(seed);
  return (spec, signal) =>
    new Promise<TrialResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        try {
          resolve(runTrial(spec, reg));
        } catch (e) {
          reject(e);
        }
      }, Math.floor(rng.uniform() * 25));
      signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
    });
}

describe('perfTestMultiple: reproducibility', () => {
  it('trial k runs with deriveSeed(seed, k) and equals runTrial of that spec', async () => {
    const outs = (await lastValueFrom(perfTestMultiple(3, precessionOptions(80, 6), { seed: 99, registry: reg }).pipe(toArray()))).filter(
      (o): o is TrialResult => !isTrialFailure(o),
    );
    expect(outs.length).toBe(3);
    expect(outs.map((o) => o.index)).toEqual([0, 1, 2]);
    for (const o of outs) {
      expect(o.seed).toBe(deriveSeed(99, o.index));
      const alone = runTrial({ ...precessionOptions(80, 6), index: o.index, seed: o.seed }, reg);
      expect(o.loss).toEqual(alone.loss);
    }
  });

  it('gives the identical table (elapsed times aside) at concurrency 1 and 4 and in scrambled completion order', async () => {
    const serial = await table(12, undefined, { seed: 5 });
    const c4 = await table(12, undefined, { seed: 5, concurrency: 4 });
    const order: number[] = [];
    const scrambled = await lastValueFrom(
      perfTestMultiple(12, precessionOptions(100, 12), { seed: 5, concurrency: 6, apply: scrambledApply(3) }).pipe(
        tap((o) => order.push(o.index)),
        toPerformanceTable(12),
      ),
    );
    expect(order).not.toEqual([...order].sort((a, b) => a - b)); // the order really was scrambled
    expect(serial.nValid).toBe(12);
    expect(tableContent(c4)).toEqual(tableContent(serial));
    expect(tableContent(scrambled)).toEqual(tableContent(serial));
    const other = await table(12, undefined, { seed: 6 });
    expect(tableContent(other)).not.toEqual(tableContent(serial));
  });
});

describe('perfTestMultiple: fixed true parameters (multiple_fixed_true_mps)', () => {
  it('every trial has true = 0.42 and the ExpSparse experiments; risk() is the mean loss', async () => {
    const want = fx.multiple_fixed_true_mps;
    const t = await table(3, precessionOptions(50, 4, { trueModelparams: [0.42] }), { seed: 8 });
    expect([t.nTrials, t.nExp]).toEqual(want.shape);
    expect(Array.from(t.trueParams)).toEqual(want.true.flat());
    expect(Array.from(t.experiments['experiment']!)).toEqual(want.experiment.flat());
    expect(Array.from(t.mask)).toEqual([0, 0, 0]);
    const risk = t.risk();
    for (let k = 0; k < 4; k++) expect(risk[k]).toBeCloseTo((t.loss[k]! + t.loss[4 + k]! + t.loss[8 + k]!) / 3, 15);
    // Drawn true parameters: a Bayes risk, not a risk.
    const drawn = await table(3, precessionOptions(50, 4), { seed: 8 });
    expect(() => drawn.risk()).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });
});

describe('perfTestMultiple: failures (multiple_allow_failures, multiple_no_allow_failures_error)', () => {
  // QInfer's flaky heuristic: trial 1 fails on its first call, trial 3 at its third experiment.
  const seed = 7;
  const flaky = precessionOptions(50, 4, {
    heuristic: { name: 'Flaky', params: { failures: [[heuristicSeed(seed, 1), 0], [heuristicSeed(seed, 3), 2]] } },
  });

  it('with allowFailures masks the failed rows and keeps index, seed and error', async () => {
    const want = fx.multiple_allow_failures;
    const progress: PerfProgress[] = [];
    const outs: TrialOutcome[] = [];
    const t = await lastValueFrom(
      perfTestMultiple(5, flaky, { seed, allowFailures: true, registry: reg, onProgress: (p) => progress.push(p) }).pipe(
        tap((o) => outs.push(o)),
        toPerformanceTable(5),
      ),
    );
    expect([t.nTrials, t.nExp]).toEqual(want.shape);
    expect(Array.from(t.mask, (m) => m === 1)).toEqual(want.row_masked);
    expect(t.failures.map((f) => [f.index, f.seed])).toEqual([
      [1, deriveSeed(seed, 1)],
      [3, deriveSeed(seed, 3)],
    ]);
    for (const f of t.failures) expect(f.error).toMatchObject({ code: 'ERR_HEURISTIC' });
    expect(outs.filter(isTrialFailure).map((f) => f.index)).toEqual([1, 3]);
    // Summaries are over the unmasked rows only.
    const risk = t.bayesRisk();
    expect(risk[3]).toBeCloseTo((t.loss[3]! + t.loss[11]! + t.loss[19]!) / 3, 15);
    // Progress: once at the start, then after each trial; counts add up.
    expect(progress[0]).toMatchObject({ completed: 0, failed: 0, total: 5 });
    expect(progress.at(-1)).toMatchObject({ completed: 3, failed: 2, total: 5 });
    expect(progress.length).toBe(6);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.completed + progress[i]!.failed).toBe(i);
    expect(progress.at(-1)!.trialsPerSecond).toBeGreaterThan(0);
  });

  it('without allowFailures errors with ERR_TRIAL_FAILED {index, seed, cause} and cancels trials in flight', async () => {
    const signals = new Map<number, AbortSignal>();
    const inner = serialApply(reg);
    const apply: TrialApply = (spec, signal) => (signals.set(spec.index, signal), inner(spec, signal));
    const err = await lastValueFrom(perfTestMultiple(5, flaky, { seed, apply, concurrency: 3 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QinferError);
    expect(err).toMatchObject({ code: 'ERR_TRIAL_FAILED', details: { index: 1, seed: deriveSeed(seed, 1) } });
    expect((err as QinferError).cause).toMatchObject({ code: 'ERR_HEURISTIC' });
    expect(fx.multiple_no_allow_failures_error.type).toBe('ValueError'); // QInfer: the heuristic's own error propagates
    // Serially: 0 succeeds (3 is dispatched), 1 fails while 2 and 3 wait: both are aborted; 4 never starts.
    expect([...signals.keys()].sort()).toEqual([0, 1, 2, 3]);
    expect(signals.get(2)!.aborted).toBe(true);
    expect(signals.get(3)!.aborted).toBe(true);
    expect(signals.get(0)!.aborted).toBe(false);
  });
});

describe('perfTestMultiple: cancellation', () => {
  it('unsubscribing stops further trials', async () => {
    const started: number[] = [];
    const inner = serialApply(reg);
    const apply: TrialApply = (spec, signal) => (started.push(spec.index), inner(spec, signal));
    const outs = await lastValueFrom(perfTestMultiple(20, precessionOptions(50, 3), { apply }).pipe(take(3), toArray()));
    expect(outs.length).toBe(3);
    await new Promise((r) => setTimeout(r, 20));
    expect(started).toEqual([0, 1, 2]);
  });

  it('unsubscribing aborts every trial in flight', async () => {
    const signals: AbortSignal[] = [];
    const never: TrialApply = (_spec, signal) => (signals.push(signal), new Promise<TrialResult>(() => {}));
    const sub = perfTestMultiple(10, precessionOptions(50, 3), { apply: never, concurrency: 4 }).subscribe();
    expect(signals.length).toBe(4);
    expect(signals.some((s) => s.aborted)).toBe(false);
    sub.unsubscribe();
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect((signals[0]!.reason as QinferError).code).toBe('ERR_ABORTED');
  });

  it('an external AbortSignal errors the stream with ERR_ABORTED and aborts trials in flight', async () => {
    const signals: AbortSignal[] = [];
    const never: TrialApply = (_spec, signal) => (signals.push(signal), new Promise<TrialResult>(() => {}));
    const ac = new AbortController();
    const done = lastValueFrom(perfTestMultiple(10, precessionOptions(50, 3), { apply: never, concurrency: 2, signal: ac.signal })).catch((e: unknown) => e);
    ac.abort();
    expect(await done).toMatchObject({ code: 'ERR_ABORTED' });
    expect(signals.length).toBe(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('the serial apply rejects a trial aborted while queued without running it', async () => {
    const apply = serialApply(reg);
    const ac = new AbortController();
    const first = apply({ ...precessionOptions(50, 3), index: 0, seed: 1 }, new AbortController().signal);
    const second = apply({ ...precessionOptions(50, 3), index: 1, seed: 2 }, ac.signal);
    ac.abort();
    await expect(second).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    await expect(first).resolves.toMatchObject({ index: 0 });
  });
});

describe('perfTestMultiple: arguments', () => {
  it('rejects bad counts, concurrency, seeds and names at creation', () => {
    const o = precessionOptions(50, 3);
    expect(() => perfTestMultiple(2.5, o)).toThrow(expect.objectContaining({ code: 'ERR_PARTICLE_COUNT' }));
    expect(() => perfTestMultiple(2, o, { concurrency: 0 })).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => perfTestMultiple(2, o, { seed: -1 })).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => perfTestMultiple(2, { ...o, model: { name: 'Nope' } })).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_MODEL' }));
    expect(() => perfTestMultiple(2, { ...o, nParticles: 0 }, { apply: serialApply(reg) })).toThrow(expect.objectContaining({ code: 'ERR_PARTICLE_COUNT' }));
  });

  it('zero trials complete at once with an empty table', async () => {
    const t = await table(0);
    expect(t.nTrials).toBe(0);
  });

  it('the Bayes risk falls with more experiments', async () => {
    const t = await table(20, precessionOptions(300, 40), { seed: 1 });
    const r = t.bayesRisk();
    expect(r[39]).toBeLessThan(r[0]! / 100);
  });
});
