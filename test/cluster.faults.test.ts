/**
 * Faults of a cluster run, each against a private Redis and real engine processes: an engine
 * SIGKILLed mid-trial, Redis killed during a run, Redis restarted during a run.
 */
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { clusterBackend, type ClusterBackend } from '../src/cluster/index.js';
import { QinferError } from '../src/errors/QinferError.js';
import { perfTestMultiple } from '../src/perf/perfTestMultiple.js';
import type { PerfTestOptions } from '../src/perf/PerfTestOptions.js';
import { serialApply } from '../src/perf/serialApply.js';
import type { TrialResult, TrialSpec } from '../src/perf/TrialSpec.js';
import { deriveSeed } from '../src/rng/deriveSeed.js';
import { describeWithRedis, eventsUntil, expectSameRecords, killAllEngines, spawnEngine, startTestRedis, testPrefix, type TestRedis } from './helpers/redis.js';

/** A few hundred ms per trial here, so that a kill lands mid-trial. */
const OPTIONS: PerfTestOptions = {
  model: { name: 'CostlyModel', params: { k: 360 } },
  prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
  heuristic: { name: 'ExpSparseHeuristic' },
  nParticles: 1500,
  nExp: 25,
};
/** Stalled-job detection tuned to about a second. */
const FAST_STALL = ['--concurrency', '1', '--lock-duration', '1000', '--stalled-interval', '500'];


describeWithRedis(
  'cluster faults',
  () => {
    let redis: TestRedis;
    const backends: ClusterBackend[] = [];
    const connect = (prefix: string, o: Partial<Parameters<typeof clusterBackend>[0]> = {}): ClusterBackend => {
      const b = clusterBackend({ connection: redis.url, queuePrefix: prefix, ...o });
      backends.push(b);
      return b;
    };

    beforeAll(async () => {
      redis = await startTestRedis(true);
    });
    afterEach(async () => {
      await Promise.all(backends.splice(0).map((b) => b.close()));
      await killAllEngines();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('an engine SIGKILLed mid-trial: another engine re-runs it; exactly nTrials results, none lost or duplicated, equal to serial', async () => {
      const prefix = testPrefix('sigkill');
      const engines = await Promise.all([spawnEngine(redis.url, ['--prefix', prefix, ...FAST_STALL]), spawnEngine(redis.url, ['--prefix', prefix, ...FAST_STALL])]);
      const cluster = connect(prefix);
      const n = 6;
      const results = lastValueFrom(perfTestMultiple(n, OPTIONS, { seed: 8, concurrency: 3, apply: cluster.trialApply() }).pipe(toArray()));
      // The victim is whichever engine starts a trial first (never an assumption about which one picks a job).
      const [victim, started] = await Promise.race(engines.map((e) => e.waitFor((x) => x.event === 'start').then((x) => [e, x] as const)));
      const survivor = engines.find((e) => e !== victim)!;
      victim.child.kill('SIGKILL');
      expect(await victim.exited).toBe('SIGKILL');
      const remote = (await results) as TrialResult[];
      expect(remote.map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      // the killed engine's job was run again by the survivor
      const rerun = (): boolean => survivor.events.some((e) => e.event === 'done' && e['jobId'] === started['jobId']);
      await eventsUntil([survivor], rerun);
      expect(rerun()).toBe(true);
      const serial = serialApply();
      const signal = new AbortController().signal;
      for (const r of remote) expectSameRecords(r, await serial({ ...OPTIONS, index: r.index, seed: deriveSeed(8, r.index) }, signal));
    });

    it('Redis restarted (empty) during a run: the client resubmits what Redis lost and the run completes', async () => {
      const prefix = testPrefix('restart');
      const engines = await Promise.all([spawnEngine(redis.url, ['--prefix', prefix, ...FAST_STALL]), spawnEngine(redis.url, ['--prefix', prefix, ...FAST_STALL])]);
      const cluster = connect(prefix, { redisTimeout: 30_000, reconcileInterval: 500 });
      const n = 6;
      const long = { ...OPTIONS, model: { name: 'CostlyModel', params: { k: 1200 } } };
      const specs: TrialSpec[] = [...Array(n).keys()].map((i) => ({ ...long, index: i, seed: deriveSeed(9, i) }));
      const apply = cluster.trialApply();
      const signal = new AbortController().signal;
      const done: number[] = [];
      const all = Promise.all(specs.map((s) => apply(s, signal).then((r) => (done.push(r.index), r))));
      // The first start on either engine (whichever picks a job first): at most n − 1 trials can be done by then.
      await Promise.race(engines.map((e) => e.waitFor((x) => x.event === 'start')));
      expect(done.length, 'trials finished before Redis died').toBeLessThan(n);
      await redis.kill(); // resolves once the server process is gone
      await redis.restart();
      const remote = await all;
      expect(remote.map((r) => r.index)).toEqual(specs.map((s) => s.index));
      expect(new Set(done).size).toBe(n);
      for (const r of remote) expectSameRecords(r, await serialApply()(specs[r.index]!, signal));
    });

    it('Redis gone for good during a run: outstanding trials fail with ERR_CLUSTER within the bound, close() returns', async () => {
      const prefix = testPrefix('redis-gone');
      const engine = await spawnEngine(redis.url, ['--prefix', prefix, ...FAST_STALL]);
      const long = { ...OPTIONS, model: { name: 'CostlyModel', params: { k: 1800 } } };
      const redisTimeout = 1_500;
      const cluster = connect(prefix, { redisTimeout });
      const apply = cluster.trialApply();
      const signal = new AbortController().signal;
      const first = await apply({ ...OPTIONS, index: 0, seed: 1 }, signal); // the cluster works
      expect(first.index).toBe(0);
      const pending = [1, 2, 3].map((i) => apply({ ...long, index: i, seed: 1 + i }, signal).then(() => 'resolved', (e: unknown) => e));
      await engine.waitFor((e) => e.event === 'start' && engine.events.filter((x) => x.event === 'start').length === 2);
      await redis.kill();
      // Bounded by redisTimeout: a client that waited forever would fail by the test's timeout (no timed assertion).
      const errors = await Promise.all(pending);
      for (const e of errors) {
        expect(e).toBeInstanceOf(QinferError);
        expect((e as QinferError).code).toBe('ERR_CLUSTER');
      }
      // a call made while Redis is still away fails the same way, and close() does not hang
      const late = await apply({ ...OPTIONS, index: 9, seed: 9 }, signal).then(() => 'resolved', (e: unknown) => e);
      expect((late as QinferError).code).toBe('ERR_CLUSTER');
      await cluster.close(); // returns although Redis is gone (bounded internally)
      await redis.restart(); // for any test after this one
    });
  },
  true,
);
