/**
 * Every model of issue 11 by name on every backend that takes models by name: `qinfer-rx perf`
 * serially and on `pool:2` gives the same seeded table (every column but the timings), and
 * `qinfer-rx estimate` runs its closed loop. The cluster (real Redis, a real engine process)
 * gives the serial trials for the same models.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/CliIo.js';
import { runCli } from '../src/cli/runCli.js';
import { clusterBackend, type ClusterBackend } from '../src/cluster/index.js';
import { perfTestMultiple } from '../src/perf/perfTestMultiple.js';
import type { PerfTestOptions } from '../src/perf/PerfTestOptions.js';
import { serialApply } from '../src/perf/serialApply.js';
import type { TrialResult } from '../src/perf/TrialSpec.js';
import { describeWithRedis, expectSameRecords, killAllEngines, spawnEngine, startTestRedis, testPrefix, type TestRedis } from './helpers/redis.js';

const dir = mkdtempSync(join(tmpdir(), 'qinfer-parity-backends-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s), isTTY: false }, cwd: dir };
  return { code: await runCli(argv, io), out, err };
}

const sp = { name: 'SimplePrecessionModel', params: {} };
const rb = { name: 'RandomizedBenchmarkingModel', params: {} };
const lengths = ['--heuristic-param', 'tField=m', '--heuristic-param', 'otherFields={}', '--heuristic-param', 'integer=true', '--heuristic-param', 'base=1.4'];
const repeated = (n: number) => ['--heuristic-param', 'tField=m', '--heuristic-param', `otherFields={"n_meas":${n}}`, '--heuristic-param', 'integer=true', '--heuristic-param', 'base=1.4'];

/** `[label, model and prior arguments, heuristic arguments]` for each model. */
const MODELS: Array<[string, string[], string[]]> = [
  ['RandomizedBenchmarkingModel', ['-m', 'RandomizedBenchmarkingModel'], lengths],
  [
    'RandomizedBenchmarkingModel (interleaved)',
    ['-m', 'RandomizedBenchmarkingModel', '--param', 'interleaved=true'],
    ['-H', 'EnsembleHeuristic', '--heuristic-param', `ensemble=${JSON.stringify([0, 1].map((r) => ({ heuristic: { name: 'ExpSparseHeuristic', params: { tField: 'm', otherFields: { reference: r }, integer: true, base: 1.4 } }, p: 0.5 })))}`],
  ],
  ['BinomialModel(RB)', ['-m', 'BinomialModel', '--param', `underlyingModel=${JSON.stringify(rb)}`], repeated(20)],
  ['DifferentiableBinomialModel(RB)', ['-m', 'DifferentiableBinomialModel', '--param', `underlyingModel=${JSON.stringify(rb)}`], repeated(20)],
  ['MultinomialModel', ['-m', 'MultinomialModel', '--param', `underlyingModel=${JSON.stringify(sp)}`], ['--heuristic-param', 'tField=x', '--heuristic-param', 'otherFields={"n_meas":5}']],
  [
    'GaussianHyperparameterizedModel',
    ['-m', 'GaussianHyperparameterizedModel', '--param', `underlyingModel=${JSON.stringify(sp)}`, '--param', 'range=[-1,2]', '--param', 'nBins=30', '--prior', '0:1', '--prior', '-0.2:0.2', '--prior', '0.8:1.2', '--prior', '0.01:0.05', '--prior', '0.01:0.05'],
    [],
  ],
  ['PoisonedModel', ['-m', 'PoisonedModel', '--param', `underlyingModel=${JSON.stringify(sp)}`, '--param', 'tol=0.05'], []],
  ['GaussianRandomWalkModel', ['-m', 'GaussianRandomWalkModel', '--param', `underlyingModel=${JSON.stringify(sp)}`, '--prior', '0:1', '--prior', '0:0.01'], []],
  ['PoissonCountModel', ['-m', 'PoissonCountModel', '--param', `underlyingModel=${JSON.stringify(sp)}`, '--prior', '0:1', '--prior', '15:25', '--prior', '5:12'], []],
];

/** The table without its timings (the only column that may differ between backends). */
function tableOf(path: string): unknown {
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  return doc.runs.map((r: { table: { records: Record<string, unknown>; summary: Record<string, unknown> } }) => {
    const { elapsed_time: _t, ...records } = r.table.records;
    const { meanTimePerUpdate: _m, ...summary } = r.table.summary;
    return { ...r.table, records, summary };
  });
}

describe('issue 11 models on the serial and pool:2 backends (qinfer-rx perf) and in qinfer-rx estimate', () => {
  const size = ['-t', '3', '-e', '8', '-p', '300', '--seed', '4', '--progress', 'none', '--no-plot'];
  for (const [label, model, heuristic] of MODELS) {
    it(`${label}: the pool:2 table equals the serial one, and estimate runs`, async () => {
      const file = (b: string) => join(dir, `${label.replace(/\W+/g, '_')}-${b}.json`);
      const serial = await cli(['perf', ...model, ...heuristic, ...size, '--backend', 'serial', '--out', file('serial')]);
      expect(serial.code, serial.err).toBe(0);
      const pool = await cli(['perf', ...model, ...heuristic, ...size, '--backend', 'pool:2', '--out', file('pool')]);
      expect(pool.code, pool.err).toBe(0);
      expect(tableOf(file('pool'))).toEqual(tableOf(file('serial')));
      const est = await cli(['estimate', ...model, ...heuristic, '-e', '6', '-p', '300', '--seed', '2']);
      expect(est.code, est.err).toBe(0);
      expect(est.out).toMatch(/final estimate after 6 experiments/);
    }, 60_000);
  }
});

describeWithRedis('issue 11 models on a cluster engine (real Redis)', () => {
  let redis: TestRedis;
  let cluster: ClusterBackend;
  beforeAll(async () => {
    redis = await startTestRedis();
    const prefix = testPrefix('parity');
    await spawnEngine(redis.url, ['--prefix', prefix, '--concurrency', '2']);
    cluster = clusterBackend({ connection: redis.url, queuePrefix: prefix });
  }, 90_000);
  afterAll(async () => {
    await cluster?.close();
    await killAllEngines();
    await redis?.stop();
  });
  const uniform = (ranges: number[][]) => ({ name: 'UniformDistribution', params: { ranges } });
  const cases: Array<[string, PerfTestOptions]> = [
    [
      'RandomizedBenchmarkingModel',
      {
        model: rb,
        prior: { name: 'PostselectedDistribution', params: { dist: uniform([[0, 1], [0, 1], [0, 1]]), model: rb } },
        heuristic: { name: 'ExpSparseHeuristic', params: { tField: 'm', otherFields: {}, integer: true, base: 1.4 } },
        nParticles: 300,
        nExp: 8,
      },
    ],
    ['PoissonCountModel', { model: { name: 'PoissonCountModel', params: { underlyingModel: sp } }, prior: uniform([[0, 1], [15, 25], [5, 12]]), heuristic: { name: 'ExpSparseHeuristic' }, nParticles: 300, nExp: 8 }],
    ['GaussianRandomWalkModel', { model: { name: 'GaussianRandomWalkModel', params: { underlyingModel: sp } }, prior: uniform([[0, 1], [0, 0.01]]), heuristic: { name: 'ExpSparseHeuristic' }, nParticles: 300, nExp: 8 }],
  ];
  for (const [label, options] of cases) {
    it(`${label}: the engine's trials equal the serial ones`, async () => {
      const run = { seed: 9, concurrency: 2 };
      const remote = await lastValueFrom(perfTestMultiple(3, options, { ...run, apply: cluster.trialApply() }).pipe(toArray()));
      const local = await lastValueFrom(perfTestMultiple(3, options, { ...run, apply: serialApply() }).pipe(toArray()));
      const byIndex = new Map(local.map((r) => [r.index, r as TrialResult]));
      expect(remote).toHaveLength(3);
      for (const r of remote) expectSameRecords(r as TrialResult, byIndex.get(r.index)!);
    }, 60_000);
  }
});
