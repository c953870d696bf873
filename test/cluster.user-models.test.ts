/**
 * User models on a real cluster (a real Redis, a real engine process started with `--models`),
 * issue 14: the CLI names a user model with `--models` (item 13) and gets the serial table; a
 * user kernel that throws is `ERR_MODEL` on the engines as on this thread, and rows a kernel
 * leaves unwritten arrive as NaN, which the update refuses (item 12).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { estimate } from '../operators/estimate.js';
import { clusterBackend, type ClusterBackend } from '../src/cluster/index.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { QinferError } from '../src/errors/QinferError.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { ExpSparseHeuristic } from '../src/heuristics/ExpSparseHeuristic.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { ParallelizedModel } from '../src/pool/ParallelizedModel.js';
import { poolBackend } from '../src/pool/poolBackend.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { runCliProcess } from './helpers/cliProcess.js';
import { describeWithRedis, killAllEngines, spawnEngine, startTestRedis, testPrefix, type TestRedis } from './helpers/redis.js';
import { HalfKernelModel, TypeErrorModel } from './faultyKernels.fixture.js';
import { rejection } from './helpers/rejection.js';


describeWithRedis('user models on cluster engines', () => {
  let redis: TestRedis;
  let prefix: string;
  let cluster: ClusterBackend;
  const dir = mkdtempSync(join(tmpdir(), 'qinfer-cluster-user-'));

  beforeAll(async () => {
    redis = await startTestRedis();
    prefix = testPrefix('user-models');
    await spawnEngine(redis.url, ['--prefix', prefix, '--concurrency', '1', '--models', 'examples/user-model/DampedPrecessionModel.ts', 'test/faultyKernels.fixture.ts']);
    cluster = clusterBackend({ connection: redis.url, queuePrefix: prefix });
  }, 90_000);

  afterAll(async () => {
    await cluster?.close();
    await killAllEngines();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('item 13: perf --backend cluster -m DampedPrecessionModel --models … gives the serial table (before: refused on this thread)', async () => {
    const args = ['perf', '-t', '6', '-e', '8', '-p', '80', '-s', '3', '--no-plot', '--progress', 'none', '-m', 'DampedPrecessionModel', '--param', 't2=15', '--models', 'examples/user-model/DampedPrecessionModel.ts'];
    const [remote, local] = await Promise.all([
      runCliProcess([...args, '-o', join(dir, 'cluster.json'), '--backend', 'cluster', '--backend-opt', `redis=${redis.url}`, '--backend-opt', `prefix=${prefix}`]),
      runCliProcess([...args, '-o', join(dir, 'serial.json')]),
    ]);
    expect(remote.stderr).not.toMatch(/^error/m);
    expect([remote.code, local.code]).toEqual([0, 0]);
    const records = (f: string) => {
      const t = JSON.parse(readFileSync(join(dir, f), 'utf8')).runs[0].table;
      return { loss: t.records.loss, est: t.records.est, outcome: t.records.outcome, masked: t.masked };
    };
    expect(records('cluster.json')).toEqual(records('serial.json'));
  });

  it('item 12: a user kernel that throws on an engine is ERR_MODEL naming the model, as on this thread', async () => {
    const model = new ParallelizedModel(new TypeErrorModel(), await cluster.engineView(), { serialThreshold: 0 });
    const e = await rejection(model.likelihoodAsync(0, new Float64Array(8).fill(0.9), ExpParams.scalar([1])));
    expect(e.code).toBe('ERR_MODEL');
    expect(e.message).toMatch(/TypeErrorModel\.likelihood threw/);
  });

  it('item 12: rows an engine\'s kernel leaves unwritten come back as NaN and the update refuses them (before: zeros)', async () => {
    const view = await cluster.engineView();
    const L = await new ParallelizedModel(new HalfKernelModel(), view, { serialThreshold: 0 }).likelihoodAsync(0, new Float64Array(8).fill(0.5), ExpParams.scalar([1]));
    expect(Array.from(L.data).filter(Number.isNaN).length).toBeGreaterThan(0);
    const up = new SMCUpdater(new HalfKernelModel(), 50, new UniformDistribution([0, 1]), { rng: 2 });
    const run = estimate({ updater: up, heuristic: new ExpSparseHeuristic(up), nExperiments: 2, trueParams: [0.5], trueModel: new SimplePrecessionModel(), backend: poolBackend(view, { serialThreshold: 0 }) });
    const err = await rejection(lastValueFrom(run));
    expect(err.code).toBe('ERR_INVALID_LIKELIHOOD');
    expect(err.details['model']).toBe('HalfKernelModel');
  });
});
