/**
 * Worker-pool benchmark (issue 4), printed as ratios side by side:
 *
 *   npx tsx bench/pool.ts [maxEngines]
 *
 * 1. CostlyModel (k cosines per particle and experiment) likelihood at 1e5 particles: the serial
 *    model, the raw kernel (a bare loop doing only the arithmetic: the floor), n bare worker
 *    threads running the raw kernel on shares of the particles (the ceiling any pool can reach on
 *    this machine at this moment) and ParallelizedModel on 1, 2, … N engines — speedup and
 *    efficiency = serial / (n · parallel),
 *    with the particles handed over as a private array (copied once into shared memory) and as a
 *    shared array (no copy).
 * 2. Per-call overhead of the parallel path on tiny inputs (µs) and the crossover particle
 *    count where the pool starts to beat the serial model, for a cheap model
 *    (SimplePrecession, k = 1) and a costly one — to judge the default serial threshold.
 * 3. perfTestMultiple trials/s with poolTrialApply against the serial apply.
 * 4. Updater storage: one pooled likelihood step of an SMCUpdater whose arrays live on the heap
 *    (the pool copies the particles in and the likelihoods out, every datum) against one with
 *    `allocate: sharedFloat64` (nothing copied), at 1e4, 1e5 and 1e6 particles, as ratios.
 *
 * 5. Trials on the pool against their ceilings, interleaved: one trial at a time on a pool worker
 *    (`pool.runTrial`, dispatch and result included) against the same trial on this thread; and
 *    `perfTestMultiple` on `pool:N` (poolTrialApply: one trial per message, concurrency N; and in
 *    batches of up to 8, the CLI's default) against N bare worker threads
 *    (bench/trialThread.ts: no piscina, each thread runs its share of the same trials in a loop
 *    and posts the results once) — trials/s and their ratio. The seed's trial by default
 *    (SimplePrecession, 6000 particles, 200 ExpSparse experiments); BENCH_TRIAL=small for 1000 × 100.
 *
 * `BENCH_SECTIONS=4 npx tsx bench/pool.ts` runs only the sections listed (comma-separated).
 *
 * Timings are medians of repeated calls after warm-up. The machine's core count and load are
 * printed first: on a shared or loaded machine efficiencies come out low.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { lastValueFrom, toArray } from 'rxjs';
import {
  CostlyModel, ExpParams, SMCUpdater, SimplePrecessionModel, UniformDistribution, builtInRegistry, deriveSeed, likelihoodRequest, perfTestMultiple, runTrial, serialApply, trialSpec,
  type Model, type TrialResult, type TrialSpec,
} from '../src/index.js';
import { childExecArgv } from '../src/boundary/siblingModule.js';
import { ParallelizedModel, createPool, poolBackend, poolTrialApply, sharedFloat64, type Pool } from '../src/pool/index.js';
import { median, now, timeMedian } from './timing.js';

const maxEngines = Number(process.argv[2] ?? availableParallelism());
const time = timeMedian;
const sections = (process.env['BENCH_SECTIONS'] ?? '1,2,3,4,5').split(',').map(Number);
const section = (k: number): boolean => sections.includes(k);

/**
 * Medians (ms) of several functions timed interleaved — one run of each per round — so that the
 * drift of a shared machine hits them alike and their ratios stay meaningful.
 */
async function timeInterleaved(fns: Array<() => unknown>, rounds: number, warm = 2, pick: (ts: number[]) => number = median): Promise<number[]> {
  const ts = fns.map(() => [] as number[]);
  for (let r = 0; r < warm + rounds; r++) {
    for (let i = 0; i < fns.length; i++) {
      const t0 = now();
      await fns[i]!();
      if (r >= warm) ts[i]!.push(now() - t0);
    }
  }
  return ts.map(pick);
}

/** The bare loop: Pr(0) = mean_m cos²(m ω t / 2) for all particles and experiments. */
function rawKernel(x: Float64Array, t: Float64Array, k: number, out: Float64Array): void {
  const nE = t.length, inv = 1 / k;
  for (let j = 0; j < x.length; j++) {
    for (let e = 0; e < nE; e++) {
      const h = (x[j]! * t[e]!) / 2;
      let s = 0;
      for (let m = 1; m <= k; m++) {
        const c = Math.cos(m * h);
        s += c * c;
      }
      out[j * nE + e] = s * inv;
    }
  }
}

/**
 * The ceiling for any pool: `n` bare worker threads (no piscina, no model, no registry), each
 * running the raw kernel on its numpy-array_split share of shared particles, one message each
 * way per call. `run()` does one call; `close()` ends the threads.
 */
function rawThreads(n: number, x: Float64Array, t: Float64Array, k: number, out: Float64Array): { run(): Promise<void>; close(): Promise<unknown> } {
  const src = `
    const { parentPort } = require('node:worker_threads');
    ${rawKernelSource}
    parentPort.on('message', ({ x, t, k, out, s0, s1 }) => { kernel(x, t, k, out, s0, s1); parentPort.postMessage(0); });`;
  const q = Math.floor(x.length / n), r = x.length % n;
  const workers = Array.from({ length: n }, () => new Worker(src, { eval: true }));
  return {
    run: () =>
      Promise.all(
        workers.map(
          (w, c) =>
            new Promise<void>((resolve) => {
              w.once('message', () => resolve());
              w.postMessage({ x, t, k, out, s0: c * q + Math.min(c, r), s1: (c + 1) * q + Math.min(c + 1, r) });
            }),
        ),
      ).then(() => undefined),
    close: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

/** The raw kernel as source text for the bare threads (rows s0..s1 only). */
const rawKernelSource = `function kernel(x, t, k, out, s0, s1) {
  const nE = t.length, inv = 1 / k;
  for (let j = s0; j < s1; j++) for (let e = 0; e < nE; e++) {
    const h = (x[j] * t[e]) / 2; let s = 0;
    for (let m = 1; m <= k; m++) { const c = Math.cos(m * h); s += c * c; }
    out[j * nE + e] = s * inv;
  }
}`;

function particles(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, j) => 0.001 + (2 * j) / n);
}

const fmt = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : '–');
function table(head: string[], rows: string[][]): void {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  console.log(line(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  rows.forEach((r) => console.log(line(r)));
}

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), availableParallelism ${availableParallelism()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; node ${process.version}`);

// Start every pool first (each worker compiles the sources once) so that start-up is not timed.
const engineCounts = Array.from({ length: maxEngines }, (_, i) => i + 1);
const pools = new Map<number, Pool>(engineCounts.map((n) => [n, createPool({ engines: n })]));
await Promise.all([...pools.values()].map(async (p) => Promise.all(Array.from({ length: p.nEngines * 2 }, () => p.probe()))));

// ---- 1. speedup and efficiency at 1e5 particles ----
if (section(1)) {
  const N = 100_000;
  const t = Float64Array.of(0.7, 3.1);
  const eps = ExpParams.scalar(t);
  const x = particles(N), sx = sharedFloat64(N);
  sx.set(x);
  const pr0 = new Float64Array(N * 2), out = new Float64Array(2 * N * 2), sout = sharedFloat64(2 * N * 2);
  // Choose k so that one serial call carries >= 20 ms of work (the target's premise).
  let k = 2;
  while (k < 1024 && (await time(() => new CostlyModel({ k }).likelihood([0, 1], x, eps, out), 5)) < 20) k *= 2;
  const model = new CostlyModel({ k });
  const [serialOnce = 0, serialFreshOnce = 0, rawOnce = 0] = await timeInterleaved(
    [() => model.likelihood([0, 1], x, eps, out), () => model.likelihood([0, 1], x, eps), () => rawKernel(x, t, k, pr0)],
    9,
  );
  console.log(
    `\n1. CostlyModel(k = ${k}) likelihood, 1e5 particles × 2 experiments × outcomes [0, 1]:\n` +
      `   serial ${fmt(serialOnce)} ms into a reused output (${fmt(serialFreshOnce)} ms allocating a fresh one), raw kernel ${fmt(rawOnce)} ms (serial/raw ${fmt(serialOnce / rawOnce)})`,
  );
  const rows: string[][] = [];
  const spr0 = sharedFloat64(N * 2);
  for (const n of engineCounts) {
    const pm = new ParallelizedModel(model, pools.get(n)!, { serialThreshold: 0 });
    const bare = rawThreads(n, sx, t, k, spr0);
    // Serial, raw, bare threads and the three pool variants interleaved: each row has its own baseline.
    const [serial = 0, serialFresh = 0, raw = 0, threads = 0, shared = 0, priv = 0, fresh = 0] = await timeInterleaved(
      [
        () => model.likelihood([0, 1], x, eps, out),
        () => model.likelihood([0, 1], x, eps),
        () => rawKernel(x, t, k, pr0),
        () => bare.run(),
        () => pm.likelihoodAsync([0, 1], sx, eps, { out: sout }),
        () => pm.likelihoodAsync([0, 1], x, eps, { out }),
        () => pm.likelihoodAsync([0, 1], x, eps),
      ],
      11,
    );
    await bare.close();
    rows.push([
      `${n}`,
      fmt(serial),
      fmt(raw / threads / n),
      fmt(shared),
      fmt(serial / shared),
      fmt(serial / shared / n),
      fmt(shared / threads),
      fmt(priv),
      fmt(serial / priv / n),
      fmt(fresh),
      fmt(serialFresh / fresh / n),
    ]);
  }
  table(['engines', 'serial ms', 'bare-thread eff.', 'shared ms', 'speedup', 'efficiency', 'vs bare threads', 'private ms', 'efficiency', 'fresh ms', 'eff. vs fresh'], rows);
  console.log(
    '   bare-thread eff.: raw kernel / (n · bare worker threads on shares of the particles) — the machine\'s ceiling right now;\n' +
      '   shared: particles and output already in shared memory (zero copy); private: plain arrays, copied in and out once;\n' +
      '   fresh: no output given (a new shared result per call), compared with the serial model allocating its own.',
  );
}

// ---- 2. per-call overhead and crossover ----
if (section(2)) {
  const pool = pools.get(maxEngines)!;
  const eps = ExpParams.scalar([1.3]);
  console.log(`\n2. per-call overhead and crossover on ${pool.name} (one experiment, outcome 0, shared particles and output; parallel forced with serialThreshold 0)`);
  const models: Array<[string, Model]> = [
    ['SimplePrecessionModel', new SimplePrecessionModel()],
    ['CostlyModel(k = 8)', new CostlyModel({ k: 8 })],
  ];
  const sizes = [2, 10, 100, 300, 1000, 3000, 10_000, 30_000, 100_000];
  for (const [label, model] of models) {
    const pm = new ParallelizedModel(model, pool, { serialThreshold: 0 });
    const rows: string[][] = [];
    let crossover: number | undefined;
    for (const n of sizes) {
      const x = sharedFloat64(n), out = sharedFloat64(n);
      x.set(particles(n));
      const reps = n <= 1000 ? 200 : n <= 10_000 ? 50 : 11;
      const [s = 0, p = 0] = await timeInterleaved([() => model.likelihood(0, x, eps, out), () => pm.likelihoodAsync(0, x, eps, { out })], reps, 5);
      if (crossover === undefined && p < s) crossover = n;
      rows.push([`${n}`, fmt(s * 1000, 1), fmt(p * 1000, 1), fmt((p - s / pool.nEngines) * 1000, 1), fmt(s / p)]);
    }
    console.log(`  ${label}:`);
    table(['  particles', 'serial µs', 'parallel µs', 'overhead µs', 'speedup'], rows);
    console.log(`  crossover: parallel first wins at ${crossover ?? `> ${sizes.at(-1)}`} particles (QInfer's default serialThreshold 10 × engines = ${10 * pool.nEngines})`);
  }
  const tiny = sharedFloat64(2), tinyOut = sharedFloat64(2);
  tiny.set([0.3, 0.6]);
  const bare = rawThreads(pool.nEngines, tiny, Float64Array.of(1.3), 1, tinyOut);
  const [bareMs = 0] = await timeInterleaved([() => bare.run()], 300, 20);
  await bare.close();
  console.log(`  overhead = parallel − serial / engines (the time the pool adds beyond a perfect split); floor: ${pool.nEngines} bare worker threads, one message each way, ${fmt(bareMs * 1000, 1)} µs per call on 2 particles`);
}

// ---- 3. perfTestMultiple trials/s ----
if (section(3)) {
  const nTrials = Number(process.env['BENCH_TRIALS'] ?? 48);
  const options = {
    model: { name: 'SimplePrecessionModel' },
    prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
    heuristic: { name: 'ExpSparseHeuristic' },
    nParticles: 1000,
    nExp: 100,
  };
  const registry = builtInRegistry();
  const rate = async (apply: Parameters<typeof perfTestMultiple>[2]): Promise<number> => {
    const t0 = now();
    await lastValueFrom(perfTestMultiple(nTrials, options, { seed: 1, ...apply }).pipe(toArray()));
    return nTrials / ((now() - t0) / 1000);
  };
  // Warm-up: every thread JIT-compiles the whole SMC path (the first trials on a fresh worker are
  // several times slower), so each engine first runs a few dozen trials.
  for (let i = 0; i < 2; i++) await rate({ apply: serialApply(registry), registry });
  const serial = await rate({ apply: serialApply(registry), registry });
  console.log(`\n3. perfTestMultiple(${nTrials} trials, SimplePrecession, 1000 particles, 100 experiments, ExpSparse): serial ${fmt(serial, 1)} trials/s`);
  const rows: string[][] = [];
  for (const n of engineCounts) {
    const pool = pools.get(n)!;
    for (let i = 0; i < 3; i++) await rate({ apply: poolTrialApply(pool), concurrency: n });
    const r = await rate({ apply: poolTrialApply(pool), concurrency: n });
    rows.push([`${n}`, fmt(r, 1), fmt(r / serial), fmt(r / serial / n)]);
  }
  table(['engines', 'trials/s', 'vs serial', 'efficiency'], rows);
}

// ---- 4. updater storage: heap (copied per datum) against shared memory (copied never) ----
if (section(4)) {
  const pool = pools.get(maxEngines)!;
  const backend = poolBackend(pool, { serialThreshold: 0 });
  const model = new SimplePrecessionModel(), prior = new UniformDistribution([0, 1]);
  const eps = ExpParams.scalar([2.7]);
  console.log(
    `\n4. one pooled likelihood step on ${pool.name}, SimplePrecessionModel, one experiment (best ms of interleaved calls: the least disturbed by other load):\n` +
      '   call = likelihoodRequest + backend.likelihood into the updater\'s buffer; step = call + applyLikelihood (Bayes update)',
  );
  const rows: string[][] = [];
  for (const n of [10_000, 100_000, 1_000_000]) {
    const heap = new SMCUpdater(model, n, prior, { rng: 1 });
    const shared = new SMCUpdater(model, n, prior, { rng: 1, allocate: sharedFloat64 });
    const call = (up: SMCUpdater) => () => backend.likelihood(likelihoodRequest(up, 0, eps), { out: up.likelihoodBuffer() });
    // applyLikelihood with L = 1 keeps the weights as they are, so every round times the same state.
    const ones = new Float64Array(n).fill(1);
    const step = (up: SMCUpdater) => async () => {
      await call(up)();
      up.applyLikelihood(0, eps, ones);
    };
    const reps = n >= 1_000_000 ? 15 : 41;
    const s0 = pool.stats;
    const [heapCall = 0, sharedCall = 0, heapStep = 0, sharedStep = 0] = await timeInterleaved([call(heap), call(shared), step(heap), step(shared)], reps, 3, (ts) => Math.min(...ts));
    const s1 = pool.stats, calls = 2 * (reps + 3);
    rows.push([
      n.toExponential(0),
      fmt(heapCall, 3),
      fmt(sharedCall, 3),
      fmt(heapCall / sharedCall),
      fmt(heapStep, 3),
      fmt(sharedStep, 3),
      fmt(heapStep / sharedStep),
      `${((s1.copiedIn - s0.copiedIn + s1.copiedOut - s0.copiedOut) / calls / 1024).toFixed(0)} KiB`,
    ]);
  }
  table(['particles', 'heap call', 'shared call', 'heap/shared', 'heap step', 'shared step', 'heap/shared', 'copied per heap call'], rows);
  console.log('   heap: the pool copies n particles into recycled shared memory and n likelihoods back per call; shared: allocate: sharedFloat64, no copy.');
}

// ---- 5. trials: one on a worker against one on this thread; pool:N against N bare threads ----
if (section(5)) {
  const small = process.env['BENCH_TRIAL'] === 'small';
  const options = {
    model: { name: 'SimplePrecessionModel' },
    prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
    heuristic: { name: 'ExpSparseHeuristic' },
    nParticles: small ? 1000 : 6000,
    nExp: small ? 100 : 200,
  };
  const registry = builtInRegistry();
  const specs = (n: number, round: number): TrialSpec[] => Array.from({ length: n }, (_, k) => trialSpec(options, k, deriveSeed(100 + round, k)));
  const rounds = Number(process.env['BENCH_ROUNDS'] ?? 7);
  const single = small ? 40 : 6; // trials per round, one at a time
  console.log(`\n5. trials (SimplePrecession, ${options.nParticles} particles, ${options.nExp} experiments, ExpSparse), ${rounds} interleaved rounds, medians`);
  // (a) one trial at a time: this thread against a pool:1 worker (the dispatch, wake-up and result included).
  const pool1 = pools.get(1)!;
  // The floor of any pool here: a bare worker thread (bench/trialThread.ts) sent one trial per message.
  const oneBare = new Worker(fileURLToPath(new URL('./trialThread.cjs', import.meta.url)), childExecArgv(true) === undefined ? {} : { execArgv: childExecArgv(true)! });
  const onBare = (s: TrialSpec): Promise<unknown> => new Promise((resolve) => {
    oneBare.once('message', resolve);
    oneBare.postMessage([s]);
  });
  // Warm-up: every thread JIT-compiles the whole SMC path (the first trials run several times slower).
  for (const s of specs(single, 0)) (runTrial(s, registry), await pool1.runTrial(s), await onBare(s));
  const fns = [
    () => { for (const s of specs(single, 1)) runTrial(s, registry); },
    async () => { for (const s of specs(single, 1)) await onBare(s); },
    async () => { for (const s of specs(single, 1)) await pool1.runTrial(s); },
  ];
  const [mainMs = 0, bareMs = 0, workerMs = 0] = await timeInterleaved(fns, rounds, 1);
  const [mainBest = 0, bareBest = 0, workerBest = 0] = await timeInterleaved(fns, rounds, 0, (ts) => Math.min(...ts));
  await oneBare.terminate();
  const per = (ms: number): string => `${fmt(ms / single, 2)} ms`;
  console.log(
    `   one at a time (medians): ${per(mainMs)} per trial on this thread, ${per(bareMs)} on a bare worker thread (one message each way per trial), ${per(workerMs)} on a pool:1 worker — ` +
      `worker / main ${fmt(workerMs / mainMs, 3)}, bare / main ${fmt(bareMs / mainMs, 3)} (the floor of any thread here), worker / bare ${fmt(workerMs / bareMs, 3)}; ` +
      `best rounds ${per(mainBest)}, ${per(bareBest)}, ${per(workerBest)} — worker / main ${fmt(workerBest / mainBest, 3)}, bare / main ${fmt(bareBest / mainBest, 3)}`,
  );
  // (b) throughput: pool:N against N bare worker threads running the same trials.
  const rows: string[][] = [];
  const perThread = small ? 40 : 6;
  const bareExecArgv = childExecArgv(true);
  for (const n of engineCounts) {
    const pool = pools.get(n)!, total = n * perThread;
    const entry = fileURLToPath(new URL('./trialThread.cjs', import.meta.url));
    const bare = Array.from({ length: n }, () => new Worker(entry, bareExecArgv === undefined ? {} : { execArgv: bareExecArgv }));
    const runBare = (list: TrialSpec[]): Promise<TrialResult[][]> =>
      Promise.all(bare.map((w, c) => new Promise<TrialResult[]>((resolve) => {
        w.once('message', resolve);
        w.postMessage(list.filter((_, k) => k % n === c));
      })));
    // perfTestMultiple's trial k has seed deriveSeed(seed, k): the same trials as specs(·, seed − 100).
    const runPool = (count: number, seed: number, inFlight: number, batch = 1): Promise<unknown> =>
      lastValueFrom(perfTestMultiple(count, options, { apply: poolTrialApply(pool, { batch }), concurrency: inFlight, seed }).pipe(toArray()));
    await runBare(specs(2 * n, 0));
    await runPool(2 * n, 100, 2 * n);
    const [bareMs = 0, poolMs = 0, pool2Ms = 0] = await timeInterleaved(
      [() => runBare(specs(total, 2)), () => runPool(total, 102, n), () => runPool(total, 102, (2 * n + 1) * 8, 8)], rounds, 1);
    await Promise.all(bare.map((w) => w.terminate()));
    const rate = (ms: number): string => fmt(total / (ms / 1000), 1);
    rows.push([`${n}`, rate(bareMs), rate(poolMs), fmt(bareMs / poolMs, 3), rate(pool2Ms), fmt(bareMs / pool2Ms, 3)]);
  }
  table(['engines', 'bare threads trials/s', 'pool, N in flight', 'pool / bare', 'pool, batched', 'pool / bare'], rows);
  console.log('   bare threads: the same trials split evenly, one message each way per thread per round — the ceiling for any pool of that size now.');
  console.log('   batched (the CLI default): poolTrialApply(pool, { batch: 8 }), (2N + 1) × 8 in flight — short trials ~20 ms of work per message, one batch running and one queued per worker.');
}

await Promise.all([...pools.values()].map((p) => p.close()));
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
