/**
 * The cluster leaves no work behind and never hangs (issue 14, items 4–8), against real Redis
 * servers and real engine and client processes:
 * - item 4: a client removes its waiting jobs when it is stopped (SIGTERM) or fails
 *   (`ERR_CLUSTER`); engines skip the jobs of a client that died (its heartbeat expired);
 * - item 5: with --allow-failures a Redis outage fails the run with ERR_CLUSTER, the finished
 *   trials written, instead of masking the rest as failed trials;
 * - item 6: engine-side limits on a job's memory and result size (ERR_PAYLOAD naming the limit);
 * - item 7: with a 1000 ms lockDuration oversized jobs are rejected at once, with no lost lock;
 * - item 8: wrong or missing passwords end engines and clients non-zero after a bounded number
 *   of tries; a connection to another machine without a password or TLS prints a warning.
 * Every wait is on an event (engine lines, BullMQ queue events, process exits) or a Redis state.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterBackend } from '../src/cluster/index.js';
import { QinferError } from '../src/errors/QinferError.js';
import { perfTestMultiple } from '../src/perf/perfTestMultiple.js';
import type { PerfTestOptions } from '../src/perf/PerfTestOptions.js';
import type { TrialSpec } from '../src/perf/TrialSpec.js';
import { deriveSeed } from '../src/rng/deriveSeed.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { ParallelizedModel } from '../src/pool/ParallelizedModel.js';
import { startCli } from './helpers/cliProcess.js';
import { describeWithRedis, killAllEngines, spawnEngine, startTestRedis, testPrefix, type EngineProcess, type TestRedis } from './helpers/redis.js';
import { rejection } from './helpers/rejection.js';

const COSTLY: PerfTestOptions = {
  model: { name: 'CostlyModel', params: { k: 60 } },
  prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
  heuristic: { name: 'ExpSparseHeuristic' },
  nParticles: 1500,
  nExp: 20,
};
const FAST_STALL = ['--lock-duration', '1000', '--stalled-interval', '500'];

function spec(options: PerfTestOptions, index: number, seed = 7): TrialSpec {
  return { ...options, index, seed: deriveSeed(seed, index) };
}

/** The CLI flags of a cluster client on `url` and `prefix`. */
const clusterFlags = (url: string, prefix: string, ...opts: string[]): string[] => ['--backend', 'cluster', '--backend-opt', `redis=${url}`, '--backend-opt', `prefix=${prefix}`, ...opts.flatMap((o) => ['--backend-opt', o])];

/** Resolves once `n` jobs have been added to `queue` under `prefix` (BullMQ's own events). */
async function jobsAdded(url: string, prefix: string, queue: string, n: number, start: () => void): Promise<QueueEvents> {
  const ev = new QueueEvents(queue, { connection: { ...redisConn(url), maxRetriesPerRequest: null }, prefix, lastEventId: '$' });
  ev.on('error', () => {});
  await ev.waitUntilReady();
  let seen = 0;
  const done = new Promise<void>((resolve) => ev.on('added', () => ++seen === n && resolve()));
  start();
  await done;
  return ev;
}

function redisConn(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}


async function scanKeys(url: string, pattern: string): Promise<string[]> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  r.on('error', () => {});
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  } finally {
    r.disconnect();
  }
}

describeWithRedis('item 4: a client leaves no job behind; engines skip the jobs of a dead client', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await killAllEngines();
    await redis?.stop();
  });

  it('SIGTERM stops a cluster run: its waiting jobs are removed from Redis, the engine runs no more of them (before: 49 of 49 stayed)', async () => {
    const prefix = testPrefix('term-client');
    const engine = await spawnEngine(redis.url, ['--prefix', prefix, '--concurrency', '1']);
    let cli!: ReturnType<typeof startCli>;
    const ev = await jobsAdded(redis.url, prefix, 'trials', 50, () => {
      cli = startCli(['perf', '-t', '50', '-c', '50', '-m', 'CostlyModel', '--param', 'k=300', '-p', '1500', '-e', '20', '--no-out', '--no-plot', '--progress', 'lines', ...clusterFlags(redis.url, prefix)]);
    });
    await ev.close();
    const first = await engine.waitFor((e) => e.event === 'start');
    cli.child.kill('SIGTERM');
    const r = await cli.exit;
    expect(r.code).toBe(143);
    const queue = new Queue('trials', { connection: redisConn(redis.url), prefix });
    const events = new QueueEvents('trials', { connection: { ...redisConn(redis.url), maxRetriesPerRequest: null }, prefix, lastEventId: '0' });
    events.on('error', () => {});
    try {
      expect(await queue.getWaitingCount()).toBe(0);
      expect(await scanKeys(redis.url, `${prefix}:clients:*`)).toEqual([]); // its heartbeat key is gone too
      // The job that was running finishes (BullMQ's own event: the engine's line comes before Redis is updated).
      const firstId = String(first['jobId']);
      const finished = new Promise<void>((resolve) => {
        const on = ({ jobId }: { jobId: string }): void => void (jobId === firstId && resolve());
        events.on('completed', on);
        events.on('failed', on);
      });
      await events.waitUntilReady();
      if ((await queue.getJobState(firstId)) === 'active') await finished;
      expect(await queue.getWaitingCount()).toBe(0);
      expect(await queue.getActiveCount()).toBe(0);
    } finally {
      await events.close();
      await queue.close();
    }
    expect(engine.events.filter((e) => e.event === 'start').length).toBeLessThan(50);
  }, 120_000);

  it('a client that fails with ERR_CLUSTER (no engine) removes its jobs (before: they waited for the next engine)', async () => {
    const prefix = testPrefix('fail-client');
    const cluster = clusterBackend({ connection: redis.url, queuePrefix: prefix, engineTimeout: 300, reconcileInterval: 100 });
    const apply = cluster.trialApply();
    const signal = new AbortController().signal;
    const errors = await Promise.all([0, 1, 2, 3, 4].map((i) => rejection(apply(spec(COSTLY, i), signal))));
    for (const e of errors) expect(e.code).toBe('ERR_CLUSTER');
    await cluster.close();
    const queue = new Queue('trials', { connection: redisConn(redis.url), prefix });
    try {
      expect(await queue.getWaitingCount()).toBe(0);
    } finally {
      await queue.close();
    }
  });

  it('the jobs of a client killed with SIGKILL are skipped by engines once its heartbeat expired (before: run for nobody)', async () => {
    const prefix = testPrefix('dead-client');
    let cli!: ReturnType<typeof startCli>;
    const ev = await jobsAdded(redis.url, prefix, 'trials', 8, () => {
      cli = startCli(['perf', '-t', '8', '-c', '8', '-e', '5', '-p', '100', '--no-out', '--no-plot', '--progress', 'none', ...clusterFlags(redis.url, prefix, 'clientTtl=1000')]);
    });
    await ev.close();
    cli.child.kill('SIGKILL');
    await cli.exit;
    // Its heartbeat key expires (a Redis state, checked as it changes; bounded by the TTL).
    while ((await scanKeys(redis.url, `${prefix}:clients:*`)).length > 0) await new Promise((r) => setTimeout(r, 100));
    const engine = await spawnEngine(redis.url, ['--prefix', prefix, '--concurrency', '1']);
    for (let k = 0; k < 8; k++) await engine.waitFor((e) => e.event === 'skipped' && engine.events.filter((x) => x.event === 'skipped').length > k);
    expect(engine.events.filter((e) => e.event === 'start')).toEqual([]);
  }, 120_000);

  it('a live client whose job was skipped (its key expired during an outage) sends it again', async () => {
    const prefix = testPrefix('alive-client');
    const engine: EngineProcess = await spawnEngine(redis.url, ['--prefix', prefix, '--concurrency', '1']);
    const cluster = clusterBackend({ connection: redis.url, queuePrefix: prefix });
    try {
      const apply = cluster.trialApply();
      const signal = new AbortController().signal;
      await apply(spec(COSTLY, 0), signal); // the key exists now
      // Simulate the expiry an outage causes: delete the key; the engine skips, the client resubmits.
      const admin = new Redis(redis.url);
      for (const k of await scanKeys(redis.url, `${prefix}:clients:*`)) await admin.del(k);
      admin.disconnect();
      const r = await apply(spec(COSTLY, 1), signal);
      expect(r.index).toBe(1);
      expect(engine.events.some((e) => e.event === 'skipped')).toBe(true);
    } finally {
      await cluster.close();
    }
  }, 60_000);
});

describeWithRedis(
  'item 5: an outage is not a trial failure, even with --allow-failures',
  () => {
    let redis: TestRedis;
    const dir = mkdtempSync(join(tmpdir(), 'qinfer-outage-'));
    beforeAll(async () => {
      redis = await startTestRedis(true);
    });
    afterAll(async () => {
      await killAllEngines();
      await redis?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('Redis killed during perf --allow-failures: exit 1 with ERR_CLUSTER, the finished trials written (before: masked, exit 0)', async () => {
      const prefix = testPrefix('outage');
      await spawnEngine(redis.url, ['--prefix', prefix, '--concurrency', '1', ...FAST_STALL]);
      const out = join(dir, 'perf.json');
      const cli = startCli(['perf', '-t', '40', '-m', 'CostlyModel', '--param', 'k=300', '-p', '1500', '-e', '20', '--allow-failures', '-o', out, '--no-plot', '--progress', 'lines', ...clusterFlags(redis.url, prefix, 'redisTimeout=1500')]);
      await cli.waitFor(/1500 particles: [1-9]\d*\/40 trials/);
      await redis.kill();
      const r = await cli.exit;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error \[ERR_CLUSTER\]: Redis at redis:\/\/127\.0\.0\.1:\d+ unreachable/);
      const doc = JSON.parse(readFileSync(out, 'utf8'));
      expect(doc.complete).toBe(false);
      expect(doc.interrupted.error.code).toBe('ERR_CLUSTER');
      const table = doc.runs[0].table;
      expect(table.failures).toEqual([]); // nothing masked as a failed trial
      expect(table.masked.filter((m: boolean) => !m).length).toBeGreaterThan(0);
      expect(doc.runs[0].missingTrials.length).toBe(table.masked.filter((m: boolean) => m).length);
      await redis.restart();
    }, 120_000);

    it('perfTestMultiple with allowFailures errors with ERR_CLUSTER (details: the trial) instead of masking it', async () => {
      const err = await rejection(
        lastValueFrom(
          perfTestMultiple(3, { ...COSTLY, nExp: 2, nParticles: 10 }, {
            allowFailures: true,
            apply: async (s) => {
              if (s.index === 1) throw new QinferError('ERR_CLUSTER', 'Redis at redis://h:1 unreachable for 1500 ms');
              throw new QinferError('ERR_ZERO_WEIGHTS', 'a trial of its own');
            },
          }).pipe(toArray()),
        ),
      );
      expect(err.code).toBe('ERR_CLUSTER');
      expect(err.details).toMatchObject({ index: 1 });
    });
  },
  true,
);

describeWithRedis('item 6: engine-side limits on a job\'s memory and result (ERR_PAYLOAD naming the limit)', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await killAllEngines();
    await redis?.stop();
  });

  it('a 47 KB-class job asking for gigabytes, a small job asking for a huge result, a chunk over the limit', async () => {
    const prefix = testPrefix('limits');
    await spawnEngine(redis.url, ['--prefix', prefix, '--concurrency', '1', '--max-job-memory', '64M', '--max-result-bytes', '1M']);
    const cluster = clusterBackend({ connection: redis.url, queuePrefix: prefix });
    try {
      const signal = new AbortController().signal;
      const apply = cluster.trialApply();
      const ndie: PerfTestOptions = {
        model: { name: 'NDieModel', params: { n: 8000 } },
        prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
        heuristic: { name: 'ExpSparseHeuristic', params: { tField: 'exp_num', otherFields: {} } },
        nParticles: 20_000,
        nExp: 5,
      };
      const big = await rejection(apply(spec(ndie, 0), signal));
      expect(big.code).toBe('ERR_PAYLOAD');
      expect(big.message).toMatch(/this trial needs about [\d.]+ GiB of memory \(20000 particles × 8000 parameters of NDieModel\), above this engine's limit of 64 MiB per job \(--max-job-memory\)/);
      const long = await rejection(apply(spec({ ...COSTLY, model: { name: 'SimplePrecessionModel' }, nParticles: 10, nExp: 100_000 }, 1), signal));
      expect(long.code).toBe('ERR_PAYLOAD');
      expect(long.message).toMatch(/the result of this trial \(100000 experiments\) would take about [\d.]+ MiB, above this engine's limit of 1 MiB \(--max-result-bytes\)/);
      // a job within both limits runs
      expect((await apply(spec({ ...COSTLY, nParticles: 100, nExp: 5 }, 2), signal)).index).toBe(2);
    } finally {
      await cluster.close();
    }
    // A likelihood chunk: its particles and its outcomes × particles × experiments against --max-job-memory.
    const p2 = testPrefix('limits-chunk');
    await spawnEngine(redis.url, ['--prefix', p2, '--concurrency', '1', '--max-job-memory', '1M']);
    const c2 = clusterBackend({ connection: redis.url, queuePrefix: p2 });
    try {
      const model = new ParallelizedModel(new SimplePrecessionModel(), await c2.engineView(), { serialThreshold: 0 });
      const chunk = await rejection(model.likelihoodAsync(0, new Float64Array(100_000).fill(0.5), ExpParams.scalar([1])));
      expect(chunk.code).toBe('ERR_PAYLOAD');
      expect(chunk.message).toMatch(/this likelihood chunk needs about 1\.53 MiB \(100000 particles × 1 outcomes × 1 experiments\), above this engine's limit of 1 MiB per job \(--max-job-memory\)/);
      expect((await model.likelihoodAsync(0, new Float64Array(1000).fill(0.5), ExpParams.scalar([1]))).data.length).toBe(1000);
    } finally {
      await c2.close();
    }
  }, 60_000);
});

describeWithRedis(
  'item 7: with a 1000 ms lockDuration, oversized jobs are rejected at once, never bounced between engines',
  () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startTestRedis(true);
    });
    afterAll(async () => {
      await killAllEngines();
      await redis?.stop();
    });

    it('three 70 MB jobs fail with ERR_PAYLOAD once each and no lock is lost', async () => {
      const prefix = testPrefix('oversized');
      const engines = await Promise.all([0, 1].map(() => spawnEngine(redis.url, ['--prefix', prefix, '--concurrency', '1', ...FAST_STALL])));
      const conn = { ...redisConn(redis.url), maxRetriesPerRequest: null };
      const events = { trials: new QueueEvents('trials', { connection: conn, prefix }), likelihood: new QueueEvents('likelihood', { connection: conn, prefix }) };
      for (const e of Object.values(events)) e.on('error', () => {});
      await Promise.all(Object.values(events).map((e) => e.waitUntilReady()));
      const failed = new Map<string, string>();
      const allFailed = new Promise<void>((resolve) => {
        for (const e of Object.values(events)) e.on('failed', ({ jobId, failedReason }) => (failed.set(jobId, failedReason), failed.size === 3 && resolve()));
      });
      const blob = 'x'.repeat(70 << 20);
      const queues = { trials: new Queue('trials', { connection: conn, prefix }), likelihood: new Queue('likelihood', { connection: conn, prefix }) };
      try {
        await queues.trials.add('trials', { v: 1, spec: blob }, { jobId: 'big-trial-1', attempts: 1 });
        await queues.trials.add('trials', { v: 1, spec: blob }, { jobId: 'big-trial-2', attempts: 1 });
        await queues.likelihood.add('likelihood', { v: 1, x: blob }, { jobId: 'big-chunk', attempts: 1 });
        await allFailed;
        for (const reason of failed.values()) expect(reason).toMatch(/^ERR_PAYLOAD @\S+: job payload larger than \d+ bytes/);
        for (const id of failed.keys()) expect((await queues.trials.getJob(id)) ?? (await queues.likelihood.getJob(id))).toMatchObject({ attemptsMade: 1 });
        const lost = engines.flatMap((e) => e.events.filter((x) => x.event === 'error' && /lock/i.test(String(x['message']))));
        expect(lost).toEqual([]);
      } finally {
        await Promise.all([...Object.values(queues), ...Object.values(events)].map((q) => q.close()));
      }
    }, 120_000);
  },
  true,
);

/** A non-loopback IPv4 address of this machine (a warning case needs one), if any. */
function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return undefined;
}

describeWithRedis(
  'item 8: credentials and insecure connections',
  () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startTestRedis(true, undefined, 'secret-pw');
    });
    afterAll(async () => {
      await killAllEngines();
      await redis?.stop();
    });
    const withPassword = (pw: string | undefined): string => (pw === undefined ? redis.url : redis.url.replace('redis://', `redis://:${pw}@`));

    it('an engine with a wrong or a missing password exits 1 after a bounded number of tries (before: NOAUTH forever)', async () => {
      const [wrong, missing] = [withPassword('wrong'), withPassword(undefined)].map((url) => startCli(['engine', '--redis', url, '--connect-tries', '3']));
      const [a, b] = await Promise.all([wrong!.exit, missing!.exit]);
      expect([a.code, b.code]).toEqual([1, 1]);
      expect(a.stderr).toMatch(/authentication failed at redis:\/\/127\.0\.0\.1:\d+: WRONGPASS/);
      expect(b.stderr).toMatch(/authentication failed at redis:\/\/127\.0\.0\.1:\d+: .*NOAUTH/);
    }, 60_000);

    it('an engine whose password is changed while it serves stops and exits 1', async () => {
      const prefix = testPrefix('rotated');
      const engine = await spawnEngine(withPassword('secret-pw'), ['--prefix', prefix, '--concurrency', '1', '--connect-tries', '3']);
      const admin = new Redis(withPassword('secret-pw'));
      admin.on('error', () => {});
      try {
        await admin.config('SET', 'requirepass', 'rotated-pw');
        await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
        const code = await engine.exited;
        expect(code).toBe(1);
        expect(engine.events.some((e) => e.event === 'fatal')).toBe(true);
        expect(engine.stderr()).toMatch(/giving up: authentication failed/);
      } finally {
        admin.disconnect();
        const restore = new Redis(withPassword('rotated-pw'), { maxRetriesPerRequest: 1, retryStrategy: () => null });
        restore.on('error', () => {});
        await restore.config('SET', 'requirepass', 'secret-pw').catch(() => {});
        restore.disconnect();
      }
    }, 60_000);

    it('a client with a wrong password fails at once with ERR_CLUSTER (exit 1), not after redisTimeout', async () => {
      const cli = startCli(['perf', '-t', '2', '-e', '3', '-p', '50', '--no-out', '--no-plot', ...clusterFlags(withPassword('wrong'), testPrefix('badpw'), 'redisTimeout=600000')]);
      const r = await cli.exit;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error \[ERR_CLUSTER\]: authentication failed at redis:\/\/127\.0\.0\.1:\d+/);
    }, 60_000);

    const lan = lanAddress();
    it.runIf(lan !== undefined)(`engines and clients warn about a connection to another machine without password or TLS (${lan ?? 'no LAN address'})`, async () => {
      const url = `redis://${lan}:1`; // nothing listens there: the engine gives up after its tries
      const r = await startCli(['engine', '--redis', url, '--connect-tries', '1']).exit;
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`warning: Redis at redis://${lan!.replace(/\./g, '\\.')}:1 is reached without a password and without TLS`));
      expect(r.stderr).toMatch(/cannot reach Redis at .* after 1 tries/);
      const warnings: string[] = [];
      const c = clusterBackend({ connection: `redis://:pw@${lan}:1`, onWarning: (m) => warnings.push(m), redisTimeout: 500 });
      await c.close();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/without TLS/);
    }, 60_000);
  },
  true,
);

describe('item 8 needs no server for the warning text', () => {
  it('securityWarning: loopback or password + TLS are quiet', async () => {
    const { securityWarning } = await import('../src/cluster/redisCheck.js');
    expect(securityWarning({ host: '127.0.0.1' })).toBeUndefined();
    expect(securityWarning({ host: '10.0.0.5', password: 'x', tls: {} })).toBeUndefined();
    expect(securityWarning({ host: '10.0.0.5', password: 'x' })).toMatch(/without TLS/);
    expect(securityWarning({ host: '10.0.0.5', tls: {} })).toMatch(/without a password/);
  });
});
