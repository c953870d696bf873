/**
 * The cluster against a real Redis and real engine processes (2 engines): trials and likelihood
 * chunks give the serial results, load balancing with a cap, cancellation, failures with the
 * engine's error, payload rejection, and a graceful SIGTERM.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clusterCliBackend } from '../src/cli/backends/clusterCliBackend.js';
import { clusterBackend, redisOptions, type ClusterBackend } from '../src/cluster/index.js';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { QinferError } from '../src/errors/QinferError.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { CostlyModel } from '../src/models/CostlyModel.js';
import type { Model } from '../src/models/Model.js';
import { isTrialFailure, type TrialFailure } from '../src/perf/TrialFailure.js';
import { perfTestMultiple } from '../src/perf/perfTestMultiple.js';
import type { PerfTestOptions } from '../src/perf/PerfTestOptions.js';
import { serialApply } from '../src/perf/serialApply.js';
import type { TrialResult, TrialSpec } from '../src/perf/TrialSpec.js';
import { ParallelizedModel } from '../src/pool/ParallelizedModel.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { deriveSeed } from '../src/rng/deriveSeed.js';
import { register as registerFixtures } from './cluster.models.fixture.js';
import { describeWithRedis, eventsUntil, expectSameRecords, killAllEngines, maxRunning, spawnEngine, startTestRedis, testPrefix, type EngineProcess, type TestRedis } from './helpers/redis.js';
import { rejection } from './helpers/rejection.js';

const PRECESSION: PerfTestOptions = {
  model: { name: 'SimplePrecessionModel' },
  prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
  heuristic: { name: 'ExpSparseHeuristic' },
  nParticles: 300,
  nExp: 12,
};
const SLOW: PerfTestOptions = { ...PRECESSION, model: { name: 'CostlyModel', params: { k: 60 } }, nParticles: 1500, nExp: 20 };
/** About a second per trial here: long enough to outlast a 200 ms shutdown timeout. */
// ~1 s on the development machine: well past the 200 ms shutdown timeout of the hand-back test
const LONG: PerfTestOptions = { ...SLOW, model: { name: 'CostlyModel', params: { k: 3000 } }, nExp: 40 };

function spec(options: PerfTestOptions, index: number, seed = 11): TrialSpec {
  return { ...options, index, seed: deriveSeed(seed, index) };
}



describeWithRedis('cluster engines on a real Redis', () => {
  let redis: TestRedis;
  let prefix: string;
  let engines: EngineProcess[];
  let cluster: ClusterBackend;
  const marker = join(mkdtempSync(join(tmpdir(), 'qinfer-marker-')), 'imported');

  beforeAll(async () => {
    redis = await startTestRedis();
    prefix = testPrefix('engines');
    process.env['QINFER_SIDE_EFFECT_MARKER'] = marker;
    engines = await Promise.all(
      [0, 1].map(() => spawnEngine(redis.url, ['--prefix', prefix, '--concurrency', '1', '--models', 'test/cluster.models.fixture.ts'])),
    );
    cluster = clusterBackend({ connection: redis.url, queuePrefix: prefix });
  }, 90_000);

  afterAll(async () => {
    await cluster?.close();
    await killAllEngines();
    await redis?.stop();
    delete process.env['QINFER_SIDE_EFFECT_MARKER'];
  });

  it('perfTestMultiple on two engines gives the serial records, every trial once, both engines used', async () => {
    const n = 10;
    const run = { seed: 5, concurrency: 4 };
    const remote = await lastValueFrom(perfTestMultiple(n, PRECESSION, { ...run, apply: cluster.trialApply() }).pipe(toArray()));
    const local = await lastValueFrom(perfTestMultiple(n, PRECESSION, { ...run, apply: serialApply() }).pipe(toArray()));
    expect(remote.map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    const byIndex = new Map(local.map((r) => [r.index, r as TrialResult]));
    for (const r of remote) expectSameRecords(r as TrialResult, byIndex.get(r.index)!);
    const trialsDone = (e: EngineProcess): number => e.events.filter((x) => x.event === 'done' && x['kind'] === 'trials').length;
    await eventsUntil(engines, () => engines.every((e) => trialsDone(e) > 0));
    for (const e of engines) expect(trialsDone(e)).toBeGreaterThan(0);
    expect((await cluster.engines()).filter((e) => e.id.length > 0)).toHaveLength(2);
  });

  it('maxOutstanding caps the jobs in Redis: with a cap of 1 no two trials run at once (uncapped, two do)', async () => {
    const signal = new AbortController().signal;
    const specs = [0, 1, 2, 3, 4, 5].map((i) => spec(SLOW, i, 4));
    const before = engines.map((e) => e.events.length);
    const ended = (from: readonly number[]): number => engines.reduce((a, e, k) => a + e.events.slice(from[k]).filter((x) => x.event === 'done').length, 0);
    await Promise.all(specs.map((s) => cluster.trialApply()(s, signal)));
    await eventsUntil(engines, () => ended(before) >= 6);
    expect(maxRunning(engines, before)).toBe(2);
    const capped = clusterBackend({ connection: redis.url, queuePrefix: prefix, maxOutstanding: 1 });
    const from = engines.map((e) => e.events.length);
    try {
      const apply = capped.trialApply();
      await Promise.all(specs.map((s) => apply(s, signal)));
    } finally {
      await capped.close();
    }
    await eventsUntil(engines, () => ended(from) >= 6);
    const starts = engines.reduce((a, e, k) => a + e.events.slice(from[k]).filter((x) => x.event === 'start').length, 0);
    expect(starts).toBe(6);
    expect(maxRunning(engines, from)).toBe(1);
  });

  it('aborting trials rejects them with ERR_ABORTED and removes their waiting jobs from Redis', async () => {
    const apply = cluster.trialApply();
    const ac = new AbortController();
    const ps = [0, 1, 2, 3, 4, 5].map((i) => apply(spec(SLOW, i, 99), ac.signal));
    await Promise.all(engines.map((e) => e.waitFor((x) => x.event === 'start' && String(x['jobId']).length > 0, 30_000)));
    ac.abort();
    for (const p of ps) expect((await rejection(p)).code).toBe('ERR_ABORTED');
    const q = new Queue('trials', { connection: redisOptions(redis.url), prefix });
    try {
      const counts = await q.getJobCounts('wait', 'prioritized', 'delayed');
      expect(counts).toEqual({ wait: 0, prioritized: 0, delayed: 0 });
    } finally {
      await q.close();
    }
  });

  it('a trial that throws on an engine: masked with the engine error under allowFailures, the same trials as serially', async () => {
    const options: PerfTestOptions = { ...PRECESSION, trueModel: { name: 'PickyPrecessionModel', params: { limit: 0.5 } } };
    const n = 10;
    const reg = builtInRegistry();
    registerFixtures(reg);
    const remote = await lastValueFrom(perfTestMultiple(n, options, { seed: 3, concurrency: 4, allowFailures: true, apply: cluster.trialApply() }).pipe(toArray()));
    const local = await lastValueFrom(perfTestMultiple(n, options, { seed: 3, allowFailures: true, apply: serialApply(reg) }).pipe(toArray()));
    const failedIdx = (xs: typeof remote): number[] => xs.filter(isTrialFailure).map((f) => f.index).sort((a, b) => a - b);
    expect(failedIdx(local).length).toBeGreaterThan(0);
    expect(failedIdx(local).length).toBeLessThan(n);
    expect(failedIdx(remote)).toEqual(failedIdx(local));
    for (const f of local.filter(isTrialFailure) as TrialFailure[]) expect((f.error as QinferError).code).toBe('ERR_MODEL'); // the same code serially
    for (const f of remote.filter(isTrialFailure) as TrialFailure[]) {
      expect(f.error).toBeInstanceOf(QinferError);
      // A user model that throws is ERR_MODEL on every backend (serial and engines alike; issue 14 item 12).
      expect((f.error as QinferError).code).toBe('ERR_MODEL');
      expect((f.error as QinferError).message).toMatch(/^PickyPrecessionModel\.simulateExperiment threw: picky: true frequency/);
      expect(engines.map((e) => e.events.find((x) => x.event === 'ready')!['id'])).toContain((f.error as QinferError).details['engine']);
    }
    // Without allowFailures the stream errors with ERR_TRIAL_FAILED caused by the engine's error.
    const err = await rejection(lastValueFrom(perfTestMultiple(n, options, { seed: 3, concurrency: 2, apply: cluster.trialApply() })));
    expect(err.code).toBe('ERR_TRIAL_FAILED');
    expect((err.cause as QinferError).code).toBe('ERR_MODEL');
  });

  it('engines started as `node bin/qinfer-rx.js engine` in a checkout run TypeScript worker threads and .ts model modules', async () => {
    // The bin registers tsx in its main thread only; the engine's pool must give its worker
    // threads the loader itself (the TypeScript worker entry, then the .ts fixture module).
    for (const e of engines) expect(e.child.spawnargs).toContain('bin/qinfer-rx.js');
    const reg = builtInRegistry();
    registerFixtures(reg);
    const s = spec({ ...PRECESSION, trueModel: { name: 'PickyPrecessionModel', params: { limit: 2 } } }, 0, 21);
    const signal = new AbortController().signal;
    expectSameRecords(await cluster.trialApply()(s, signal), await serialApply(reg)(s, signal));
  });

  it('a trial whose spec is invalid fails with the engine-side code (a reversed prior range: ERR_RANGE)', async () => {
    const bad = spec({ ...PRECESSION, prior: { name: 'UniformDistribution', params: { ranges: [[1, 0]] } } }, 0);
    const err = await rejection(cluster.trialApply()(bad, new AbortController().signal));
    expect(err.code).toBe('ERR_RANGE');
    expect(err.details).toMatchObject({ index: 0 });
  });

  it('unknown models are rejected with ERR_UNKNOWN_MODEL, and a model named by a path is never imported', async () => {
    const apply = cluster.trialApply();
    const signal = new AbortController().signal;
    expect((await rejection(apply(spec({ ...PRECESSION, model: { name: 'NoSuchModel' } }, 0), signal))).code).toBe('ERR_UNKNOWN_MODEL');
    const path = join(process.cwd(), 'test/cluster.sideeffect.fixture.ts');
    for (const name of [path, './test/cluster.sideeffect.fixture.ts', `file://${path}`]) {
      expect((await rejection(apply(spec({ ...PRECESSION, model: { name } }, 1), signal))).code).toBe('ERR_UNKNOWN_MODEL');
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('malformed and oversized jobs put on the queue directly fail with ERR_PAYLOAD before anything runs', async () => {
    const q = new Queue('trials', { connection: redisOptions(redis.url), prefix });
    const ev = new QueueEvents('trials', { connection: redisOptions(redis.url), prefix });
    try {
      await ev.waitUntilReady();
      const huge = { v: 1, spec: { ...spec(PRECESSION, 0), model: { name: 'SimplePrecessionModel', params: { junk: 'x'.repeat(2 << 20) } } } };
      const cases = [{ v: 1, spec: { index: 'zero' } }, { hello: 'world' }, huge];
      const startsBefore = engines.reduce((a, e) => a + e.events.filter((x) => x.event === 'start').length, 0);
      const failuresBefore = engines.reduce((a, e) => a + e.events.filter((x) => x.event === 'failed').length, 0);
      for (const data of cases) {
        const job = await q.add('trials', data, { attempts: 1 });
        const reason = await job.waitUntilFinished(ev, 30_000).then(
          () => 'completed',
          (e: Error) => e.message,
        );
        expect(reason).toMatch(/^ERR_PAYLOAD @/);
      }
      const failures = (): number => engines.reduce((a, e) => a + e.events.filter((x) => x.event === 'failed').length, 0);
      await eventsUntil(engines, () => failures() - failuresBefore >= cases.length);
      // the oversized job was refused before it reached a worker thread (no 'start' event for it)
      const startsAfter = engines.reduce((a, e) => a + e.events.filter((x) => x.event === 'start').length, 0);
      expect(startsAfter - startsBefore).toBe(2);
      // and the client refuses to send an oversized trial at all
      const err = await rejection(cluster.trialApply()(huge.spec as TrialSpec, new AbortController().signal));
      expect(err.code).toBe('ERR_PAYLOAD');
    } finally {
      await ev.close();
      await q.close();
    }
  });

  it('ParallelizedModel over the cluster view equals the serial likelihood bit for bit', async () => {
    const view = await cluster.engineView();
    expect(view.nEngines).toBe(2);
    const model = new CostlyModel({ k: 4 });
    const rng = new Rng(21);
    const nM = 1001;
    const x = Float64Array.from({ length: nM }, () => rng.uniform() * 3);
    const eps = ExpParams.scalar([0.25, 1, 1.5, 7, 12]);
    const serial = model.likelihood([0, 1], x, eps).data;
    const par = new ParallelizedModel(model, view, { serialThreshold: 10 });
    const L = await par.likelihoodAsync([0, 1], x, eps);
    expect(Array.from(L.data)).toEqual(Array.from(serial));
    // more chunks than engines, with empty chunks, joined by index
    const view5 = await cluster.engineView({ nEngines: 5 });
    const small = Float64Array.from({ length: 3 }, () => rng.uniform());
    const par5 = new ParallelizedModel(model, view5, { serialThreshold: 1 });
    expect(Array.from((await par5.likelihoodAsync([1], small, eps)).data)).toEqual(Array.from(model.likelihood([1], small, eps).data));
    const chunkJobs = (): number => engines.reduce((a, e) => a + e.events.filter((x) => x.event === 'done' && x['kind'] === 'likelihood').length, 0);
    await eventsUntil(engines, () => chunkJobs() >= 2 + 3);
    expect(chunkJobs()).toBeGreaterThanOrEqual(2 + 3);
  });

  it('a chunk of a model the engines do not know fails with ERR_UNKNOWN_MODEL naming the chunk', async () => {
    const view = await cluster.engineView({ nEngines: 2 });
    const model = new CostlyModel({ k: 2 });
    const stranger = Object.create(model, { spec: { value: () => ({ name: 'StrangerModel' }) } }) as Model;
    const out = new Float64Array(2 * 40 * 1);
    const err = await rejection(
      view.likelihoodChunks({ model: stranger, outcomes: Int32Array.of(0, 1), x: new Float64Array(40).fill(0.5), nModels: 40, expparams: ExpParams.scalar([1]) }, [[0, 20], [20, 40]], out),
    );
    expect(err.code).toBe('ERR_UNKNOWN_MODEL');
    expect(err.details['chunk']).toBeDefined();
  });

  it('the CLI backend (qinfer-rx perf --backend cluster) runs trials on the engines and checks its options', async () => {
    const log: string[] = [];
    const ctx = { registry: builtInRegistry(), log: (l: string) => log.push(l) };
    const backend = await clusterCliBackend({ ...ctx, options: { redis: redis.url, prefix } });
    try {
      expect(backend.concurrency).toBe(4); // twice the 2 engine threads
      expect(backend.description).toMatch(/2 engine thread/);
      const r = await backend.apply(spec(PRECESSION, 2), new AbortController().signal);
      expectSameRecords(r, await serialApply()(spec(PRECESSION, 2), new AbortController().signal));
    } finally {
      await backend.close();
    }
    await expect(clusterCliBackend({ ...ctx, options: { redis: redis.url, colour: 'blue' } })).rejects.toBeInstanceOf(QinferArgumentError);
    const saved = process.env['QINFER_REDIS_URL'];
    delete process.env['QINFER_REDIS_URL'];
    try {
      await expect(clusterCliBackend({ ...ctx, options: {} })).rejects.toMatchObject({ code: 'ERR_ARGUMENT' });
    } finally {
      if (saved !== undefined) process.env['QINFER_REDIS_URL'] = saved;
    }
  });

  it('with no engine serving the queue, jobs fail with ERR_CLUSTER after engineTimeout instead of waiting forever', async () => {
    const lonely = clusterBackend({ connection: redis.url, queuePrefix: testPrefix('lonely'), engineTimeout: 300, reconcileInterval: 100 });
    try {
      // A hang would fail by the test's timeout; no timed assertion (the machine may be loaded).
      const err = await rejection(lonely.trialApply()(spec(PRECESSION, 0), new AbortController().signal));
      expect(err.code).toBe('ERR_CLUSTER');
      await expect(lonely.engineView()).rejects.toMatchObject({ code: 'ERR_CLUSTER' });
    } finally {
      await lonely.close();
    }
  });

  it('SIGTERM: an engine finishes its trial, then exits 0; past --shutdown-timeout it hands the trial back', async () => {
    const p2 = testPrefix('sigterm');
    const one = await spawnEngine(redis.url, ['--prefix', p2, '--concurrency', '1']);
    const c2 = clusterBackend({ connection: redis.url, queuePrefix: p2 });
    try {
      const apply = c2.trialApply();
      const signal = new AbortController().signal;
      const s = spec(SLOW, 0, 7);
      const p = apply(s, signal);
      await one.waitFor((x) => x.event === 'start');
      one.child.kill('SIGTERM');
      const r = await p;
      expect(await one.exited).toBe(0);
      expect(one.events.some((x) => x.event === 'done')).toBe(true);
      expectSameRecords(r, await serialApply()(s, signal));

      // hand back: a short shutdown timeout; another engine started afterwards completes the trial
      const quick = await spawnEngine(redis.url, ['--prefix', p2, '--concurrency', '1', '--shutdown-timeout', '200']);
      const s2 = spec(LONG, 1, 7);
      const p2r = apply(s2, signal);
      await quick.waitFor((x) => x.event === 'start');
      quick.child.kill('SIGTERM');
      expect(await quick.exited).toBe(0);
      expect(JSON.stringify(quick.events) + quick.stderr()).toContain('handed-back');
      const other = await spawnEngine(redis.url, ['--prefix', p2, '--concurrency', '1']);
      expectSameRecords(await p2r, await serialApply()(s2, signal));
      await eventsUntil([other], () => other.events.some((x) => x.event === 'done'));
      expect(other.events.some((x) => x.event === 'done')).toBe(true);
    } finally {
      await c2.close();
    }
  });
});

