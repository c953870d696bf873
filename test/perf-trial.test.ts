import { asyncScheduler, lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { perfLoss, rightAlignedDelta } from '../src/perf/perfLoss.js';
import { perfRecordDtype, perfRecordLayout } from '../src/perf/perfRecordDtype.js';
import { perfTest } from '../src/perf/perfTest.js';
import { runTrial } from '../src/perf/runTrial.js';
import { PerformanceTable } from '../src/perf/PerformanceTable.js';
import type { TrialSpec } from '../src/perf/TrialSpec.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { expectClose, loadFixture } from './helpers/fixtures.js';
import { heuristicSeed, precessionOptions, testRegistry } from './helpers/perfFixtures.js';
import { deriveSeed } from '../src/rng/deriveSeed.js';

const fx = loadFixture('perf_test.json').data;
const reg = testRegistry();

const U01 = { name: 'UniformDistribution', params: { ranges: [[0, 1]] } };
const U2 = { name: 'UniformDistribution', params: { ranges: [[0, 1], [0, 0.1]] } };

function spec(extra: Partial<TrialSpec> = {}): TrialSpec {
  return { index: 0, seed: 2024, ...precessionOptions(200, 25), ...extra };
}

/** The five cases of record_dtypes: [estimation model, true model, a runnable trial or null]. */
const CASES: Record<string, [string, string, Partial<TrialSpec> | null]> = {
  SimplePrecessionModel: ['SimplePrecessionModel', 'SimplePrecessionModel', {}],
  SimpleInversionModel: [
    'SimpleInversionModel',
    'SimpleInversionModel',
    { model: { name: 'SimpleInversionModel' }, heuristic: { name: 'ExpSparseHeuristic', params: { tField: 't', otherFields: { w_: 0.1 } } } },
  ],
  UnknownT2Model: [
    'UnknownT2Model',
    'UnknownT2Model',
    { model: { name: 'UnknownT2Model' }, prior: U2, heuristic: { name: 'ExpSparseHeuristic', params: { tField: 't', otherFields: {} } } },
  ],
  MultiCosModel: ['MultiCosModel', 'MultiCosModel', { model: { name: 'MultiCosModel' }, prior: U2, heuristic: { name: 'TwoTimes' } }],
  // QInfer's own case cannot run either: the true model needs a 't' field the scalar heuristic lacks.
  'est=SimplePrecession,true=UnknownT2': ['SimplePrecessionModel', 'UnknownT2Model', null],
};

describe('performance record layout (perf_test.json record_dtypes)', () => {
  for (const [name, [est, tru, runnable]] of Object.entries(CASES)) {
    it(`${name}: field order, types and widths`, () => {
      const want = fx.record_dtypes[name].dtype as [string, string, number[]][];
      const layout = perfRecordLayout(reg.createModel({ name: est }), reg.createModel({ name: tru }));
      const got = perfRecordDtype(layout).map((f) => [f.name, f.type, [...f.shape]]);
      expect(got).toEqual(want);
      expect(got.some(([n]) => n === 'experiment')).toBe(fx.record_dtypes[name].is_scalar_expparams);
      if (runnable !== null) {
        // A real trial of that model fills a table with exactly this dtype and widths.
        const r = runTrial(spec({ nParticles: 100, nExp: 5, ...runnable }), reg);
        const table = new PerformanceTable(1, PerformanceTable.layoutOf(r)).set(r);
        expect(table.dtype.map((f) => [f.name, f.type, [...f.shape]])).toEqual(want);
        for (const f of table.dtype) expect(table.column(f.name).data.length).toBe(5 * (f.shape[0] ?? 1));
      }
    });
  }

  it('starts with PERFORMANCE_DTYPE', () => {
    const got = perfRecordDtype(perfRecordLayout(reg.createModel({ name: 'SimplePrecessionModel' }))).slice(0, 4);
    expect(got.map((f) => [f.name, f.type])).toEqual(fx.PERFORMANCE_DTYPE_prefix.map((f: unknown[]) => f.slice(0, 2)));
  });
});

describe('loss', () => {
  it('shorten_right example: est [0.4] against true [0.7, 0.1] gives delta 0.30000000000000004', () => {
    const delta = fx.shorten_right_example_delta.flat() as number[];
    expect(Array.from(rightAlignedDelta([0.4], [0.7, 0.1]))).toEqual(delta);
    expect(perfLoss([0.4], [0.7, 0.1], [2])).toBe(2 * delta[0]! ** 2);
    expect(perfLoss([0.2, 0.4], [0.1], [5, 3])).toBe(3 * (0.4 - 0.1) ** 2);
  });

  it('is Q-weighted over the right-aligned tail when the true model is smaller', () => {
    // Estimate UnknownT2 (ω, T2⁻¹) against SimplePrecession (ω): only est[1] meets true[0].
    const r = runTrial(
      spec({
        model: { name: 'UnknownT2Model' },
        prior: U2,
        trueModel: { name: 'SimplePrecessionModel' },
        truePrior: U01,
        heuristic: { name: 'ExpSparseHeuristic', params: { tField: 't', otherFields: {} } },
        nExp: 10,
      }),
      reg,
    );
    expect(r.nEst).toBe(2);
    expect(r.nTrue).toBe(1);
    for (let k = 0; k < 10; k++) expect(r.loss[k]).toBe((r.estParams[2 * k + 1]! - r.trueParams[k]!) ** 2);
  });

  it('uses the true parameters AFTER the time step (random-walk true model)', () => {
    const walk = {
      name: 'RandomWalkModel',
      params: { underlyingModel: { name: 'SimplePrecessionModel' }, stepDistribution: { name: 'UniformDistribution', params: { ranges: [[-0.01, 0.01]] } } },
    };
    const r = runTrial(spec({ trueModel: walk, trueModelparams: [0.5], nExp: 12 }), reg);
    let moved = 0;
    for (let k = 0; k + 1 < 12; k++) {
      // true[k + 1] is recorded before step k + 1, i.e. right after the time step of step k.
      expect(r.loss[k]).toBe((r.estParams[k]! - r.trueParams[k + 1]!) ** 2);
      if (r.trueParams[k + 1] !== r.trueParams[k]) moved++;
    }
    expect(moved).toBeGreaterThan(5);
    expect(r.trueParams[0]).toBe(0.5);
  });
});

describe('runTrial: example_trial invariants (SimplePrecession, 200 particles, U[0,1], 25 experiments)', () => {
  const r = runTrial(spec(), reg);
  const example = fx.example_trial_seed2024_not_for_exact_match;

  it('has the shape and fields of the example trial', () => {
    expect(r.nExp).toBe(example.shape[0]);
    expect(r.loss.length).toBe(25);
    const table = new PerformanceTable(1, PerformanceTable.layoutOf(r)).set(r);
    expect(table.dtype.map((f) => f.name)).toEqual(Object.keys(example.records[0]));
  });

  it('experiment = (9/8)^k, as in the example records (to an ulp: V8 and numpy round ** differently)', () => {
    expectClose(r.experiments.columns['value']!, example.records.map((x: { experiment: number }) => x.experiment), 4e-16, 0);
  });

  it('loss = Q-weighted squared error of the estimate', () => {
    for (let k = 0; k < 25; k++) expect(r.loss[k]).toBe((r.estParams[k]! - r.trueParams[k]!) ** 2);
  });

  it('resample_count never decreases, true stays constant, outcomes are 0/1, times are finite', () => {
    for (let k = 1; k < 25; k++) expect(r.resampleCount[k]).toBeGreaterThanOrEqual(r.resampleCount[k - 1]!);
    expect(r.resampleCount[24]).toBeGreaterThan(0);
    expect(new Set(r.trueParams).size).toBe(1);
    expect(r.outcome.every((o) => o === 0 || o === 1)).toBe(true);
    expect(r.elapsedTime.every((t) => t >= 0 && Number.isFinite(t))).toBe(true);
  });

  it('is a pure function of the spec: the same seed gives the same records, another seed others', () => {
    const again = runTrial(spec(), reg);
    expect(again.loss).toEqual(r.loss);
    expect(again.estParams).toEqual(r.estParams);
    const other = runTrial(spec({ seed: 2025 }), reg);
    expect(other.trueParams[0]).not.toBe(r.trueParams[0]);
  });

  it('fixed true parameters are used as given', () => {
    const f = runTrial(spec({ trueModelparams: [0.42] }), reg);
    expect(Array.from(new Set(f.trueParams))).toEqual([0.42]);
  });

  it('rejects bad specs with typed errors', () => {
    const bad: Partial<TrialSpec>[] = [
      { nExp: 0 },
      { nParticles: 2.5 },
      { model: { name: 'NoSuchModel' } },
      { trueModelparams: [0.1, 0.2] },
      { prior: U2 },
    ];
    for (const b of bad) expect(() => runTrial(spec(b), reg)).toThrow(QinferArgumentError);
    expect(() => runTrial(spec({ model: { name: 'NoSuchModel' } }), reg)).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_MODEL' }));
  });
});

describe('perfTest (one trial as an Observable)', () => {
  const options = precessionOptions(150, 20);

  it('emits one record per experiment, equal to runTrial with the same seed', async () => {
    const recs = await lastValueFrom(perfTest(options, { seed: 11, index: 3, registry: reg }).pipe(toArray()));
    const r = runTrial({ ...options, index: 3, seed: 11 }, reg);
    expect(recs.map((x) => x.step)).toEqual(Array.from({ length: 20 }, (_, k) => k));
    expect(recs.every((x) => x.trial === 3)).toBe(true);
    expectClose(recs.map((x) => x.loss), Array.from(r.loss), 0, 0);
    expect(recs.map((x) => x.resampleCount)).toEqual(Array.from(r.resampleCount));
    expect(recs.map((x) => x.outcome)).toEqual(Array.from(r.outcome));
    expect(recs.map((x) => x.est[0])).toEqual(Array.from(r.estParams));
    expect(recs.map((x) => x.experiment['experiment'])).toEqual(Array.from(r.experiments.columns['value']!));
  });

  it('stops running experiments when unsubscribed (take)', async () => {
    const recs = await lastValueFrom(perfTest(options, { seed: 11, registry: reg }).pipe(take(4), toArray()));
    expect(recs.map((x) => x.step)).toEqual([0, 1, 2, 3]);
  });

  it('with a scheduler, emits asynchronously and stops on unsubscribe', async () => {
    const seen: number[] = [];
    const sub = perfTest(options, { seed: 11, registry: reg, scheduler: asyncScheduler }).subscribe((x) => seen.push(x.step));
    expect(seen).toEqual([]); // nothing ran synchronously
    await new Promise((r) => setTimeout(r, 15));
    sub.unsubscribe();
    const n = seen.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.length).toBe(n);
    expect(seen).toEqual(Array.from({ length: n }, (_, k) => k));
  });

  it('throws bad options at creation, run-time failures go to the error channel', async () => {
    expect(() => perfTest({ ...options, nExp: -1 }, { registry: reg })).toThrow(expect.objectContaining({ code: 'ERR_PARTICLE_COUNT' }));
    expect(() => perfTest({ ...options, heuristic: { name: 'Nope' } }, { registry: builtInRegistry() })).toThrow(
      expect.objectContaining({ code: 'ERR_UNKNOWN_NAME' }),
    );
    // The heuristic of the trial with seed deriveSeed(5, 0) fails at step 2: records 0 and 1 arrive, then the error.
    const flaky = { ...options, heuristic: { name: 'Flaky', params: { failures: [[heuristicSeed(5, 0), 2]] } } };
    const seen: number[] = [];
    const err = await new Promise((resolve) =>
      perfTest(flaky, { seed: deriveSeed(5, 0), registry: reg }).subscribe({ next: (x) => seen.push(x.step), error: resolve, complete: () => resolve(null) }),
    );
    expect(seen).toEqual([0, 1]);
    expect(err).toMatchObject({ code: 'ERR_HEURISTIC' });
  });
});
