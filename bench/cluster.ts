/**
 * Cluster benchmark (issue 5): engines on loopback Redis against the local worker pool.
 *
 *   npx tsx bench/cluster.ts [maxEngines=4]
 *
 * 1. Wire format: base64 of the float64 bytes against a JSON list of numbers (encode + decode of
 *    a particle chunk), the choice behind every job and result.
 * 2. Per-job overhead (ms): a trivial trial and a tiny likelihood chunk, one at a time (round
 *    trip: client → Redis → engine → Redis → client) and pipelined (many in flight), minus the
 *    work itself measured on this thread.
 * 3. Trials/s of perfTestMultiple with 1, 2 and 4 engine processes (one thread each) against the
 *    local pool with the same number of workers, for a trial of ~100+ ms; the ratio cluster/pool
 *    (target ≥ 0.8) and the per-trial overhead implied (target ≤ 5 ms).
 *
 * Needs a `redis-server` binary (a private server is started on a free port) or REDIS_URL.
 * The machine's cores and load are printed first: with fewer cores than engines, the engines
 * share cores and throughput stops scaling for the pool and the cluster alike.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { lastValueFrom, toArray } from 'rxjs';
import { clusterBackend, float64FromBase64, toBase64, type ClusterBackend } from '../src/cluster/index.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { CostlyModel } from '../src/models/CostlyModel.js';
import { perfTestMultiple } from '../src/perf/perfTestMultiple.js';
import type { PerfTestOptions } from '../src/perf/PerfTestOptions.js';
import { runTrial } from '../src/perf/runTrial.js';
import type { TrialApply } from '../src/perf/TrialSpec.js';
import { createPool } from '../src/pool/createPool.js';
import { poolTrialApply } from '../src/pool/poolTrialApply.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { median, now, timeMedian } from './timing.js';
import { killAllEngines, spawnEngine, startTestRedis, testPrefix, type EngineProcess } from '../test/helpers/redis.js';

const maxEngines = Number(process.argv[2] ?? 4);
const fmt = (x: number, d = 2): string => x.toFixed(d);

const timeIt = timeMedian;

const TRIVIAL: PerfTestOptions = {
  model: { name: 'SimplePrecessionModel' },
  prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
  heuristic: { name: 'ExpSparseHeuristic' },
  nParticles: 10,
  nExp: 1,
};
const HEAVY: PerfTestOptions = { ...TRIVIAL, model: { name: 'CostlyModel', params: { k: 500 } }, nParticles: 2000, nExp: 30 };

async function runTrials(n: number, options: PerfTestOptions, apply: TrialApply, concurrency: number): Promise<number> {
  const t0 = now();
  const out = await lastValueFrom(perfTestMultiple(n, options, { apply, concurrency, seed: 1 }).pipe(toArray()));
  if (out.length !== n) throw new Error('lost trials');
  return now() - t0;
}

console.log(`# qinfer-rx cluster benchmark — ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// 1. wire format
{
  const rng = new Rng(1);
  const x = Float64Array.from({ length: 100_000 }, () => rng.uniform());
  const b64 = await timeIt(() => float64FromBase64(toBase64(x)), 15);
  const json = await timeIt(() => Float64Array.from(JSON.parse(JSON.stringify(Array.from(x))) as number[]), 5);
  console.log(`\n## wire: 1e5 float64 encode+decode: base64 ${fmt(b64)} ms (${(toBase64(x).length / 1e6).toFixed(2)} MB), JSON numbers ${fmt(json)} ms (${(JSON.stringify(Array.from(x)).length / 1e6).toFixed(2)} MB): ${fmt(json / b64, 1)}× slower`);
}

const redis = await startTestRedis();
const prefix = testPrefix('bench');
const engines: EngineProcess[] = [];
let cluster: ClusterBackend | undefined;
try {
  const reg = builtInRegistry();
  const specOf = (o: PerfTestOptions, i: number) => ({ ...o, index: i, seed: i + 1 });
  const trivialLocal = await timeIt(() => runTrial(specOf(TRIVIAL, 0), reg), 50, 20);
  for (let i = 0; i < 3; i++) runTrial(specOf(HEAVY, i), reg);
  const heavyLocal = await timeIt(() => runTrial(specOf(HEAVY, 1), reg), 5, 1);
  console.log(`\n## trial work on this thread: trivial ${fmt(trivialLocal, 3)} ms, heavy ${fmt(heavyLocal, 1)} ms (CostlyModel k=180, 2000 particles, 30 experiments)`);

  // 2. per-job overhead, one engine
  engines.push(await spawnEngine(redis.url, ['--prefix', prefix, '--concurrency', '1']));
  cluster = clusterBackend({ connection: redis.url, queuePrefix: prefix });
  const apply = cluster.trialApply();
  const signal = new AbortController().signal;
  let k = 0;
  const rtt = await timeIt(() => apply(specOf(TRIVIAL, k++), signal), 100, 30);
  const nPipe = 400;
  const piped = (await runTrials(nPipe, TRIVIAL, apply, 32)) / nPipe;
  const view = await cluster.engineView({ nEngines: 1 });
  const model = new CostlyModel({ k: 1 });
  const x = Float64Array.from({ length: 100 }, (_, i) => i / 100);
  const eps = ExpParams.scalar([1, 2]);
  const out = new Float64Array(2 * 100 * 2);
  const req = { model, outcomes: Int32Array.of(0, 1), x, nModels: 100, expparams: eps };
  const chunkRtt = await timeIt(() => view.likelihoodChunks(req, [[0, 100]], out), 100, 30);
  console.log('\n## per-job overhead (1 engine, loopback Redis)');
  console.log(`trial round trip, one at a time: ${fmt(rtt)} ms (work ${fmt(trivialLocal, 3)} ms) → overhead ${fmt(rtt - trivialLocal)} ms`);
  console.log(`trial, pipelined (32 in flight): ${fmt(piped)} ms per trial → overhead ${fmt(piped - trivialLocal)} ms`);
  console.log(`likelihood chunk (100 particles × 2 experiments) round trip: ${fmt(chunkRtt)} ms`);

  // 3. throughput against the pool
  console.log('\n## trials/s, heavy trials: cluster (engine processes × 1 thread) vs pool (worker threads)');
  console.log('workers | pool trials/s | cluster trials/s | cluster/pool | cluster overhead per trial (ms)');
  for (let n = 1; n <= maxEngines; n *= 2) {
    while (engines.length < n) engines.push(await spawnEngine(redis.url, ['--prefix', prefix, '--concurrency', '1']));
    const nTrials = 6 * n;
    const pool = createPool({ engines: n });
    let poolMs: number, clusterMs: number;
    try {
      const papply = poolTrialApply(pool);
      await runTrials(2 * n, HEAVY, papply, 2 * n); // warm-up
      await runTrials(2 * n, HEAVY, apply, 2 * n);
      // interleaved, best of 2 each, so that drift of a shared machine hits both alike
      const p: number[] = [], c: number[] = [];
      for (let r = 0; r < 2; r++) {
        p.push(await runTrials(nTrials, HEAVY, papply, 2 * n));
        c.push(await runTrials(nTrials, HEAVY, apply, 2 * n));
      }
      poolMs = Math.min(...p);
      clusterMs = Math.min(...c);
    } finally {
      await pool.close();
    }
    const pt = (nTrials / poolMs) * 1000, ct = (nTrials / clusterMs) * 1000;
    const overhead = ((clusterMs - poolMs) * n) / nTrials;
    console.log(`${n} | ${fmt(pt)} | ${fmt(ct)} | ${fmt(ct / pt)} | ${fmt(overhead)}`);
  }
} finally {
  await cluster?.close();
  await killAllEngines();
  await redis.stop();
}
