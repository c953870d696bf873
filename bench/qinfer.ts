/**
 * qinfer-rx beside the real QInfer, interleaved in one run on one machine.
 *
 *   npm run bench:qinfer                      (QINFER_SRC=/path/to/python-qinfer for the QInfer side)
 *   npm run bench:qinfer -- --quick           (seed example with 20 trials, one round at ≥ 1e5 particles)
 *   npx tsx bench/qinfer.ts [--rounds R] [--sizes 1e3,1e4] [--only seed,run,perf] [--qinfer-threads N]
 *
 * Workloads (SimplePrecessionModel, U[0, 1] prior, ExpSparseHeuristic, Liu–West at nEss < n/2):
 * - seed: the seed's example, perf_test_multiple(100 trials, 6000 particles, 200 experiments)
 *   (20 trials with --quick). qinfer-rx runs it through `perfTestMultiple` (serial, the public
 *   API) and as a bare `runTrial` loop (the core alone).
 * - run: one updater fed 200 data at t_k = (9/8)^k from ω = 0.42, at 1e3, 1e4, 1e5 and 1e6
 *   particles; only the update calls are timed.
 * - perf: perf_test_multiple(100 trials, 1000 particles, 100 experiments).
 *
 * QInfer (commit 8170c84) runs in one long-lived child, `/usr/bin/python3
 * scripts/qinfer/bench_server.py` (import time is not counted), with OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE removed from its environment and its BLAS on one thread
 * (OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = 1; `--qinfer-threads N` to change): the workloads are
 * serial, one core, on both sides — with OpenBLAS's default threads QInfer's CPU time is about
 * twice its wall-clock time at 1e5 particles (its second thread spinning), and no faster. Each round runs both sides back to back (the
 * order alternates between rounds) and the ratio QInfer / qinfer-rx is taken per round; the
 * table shows the medians. Absolute times depend on the load: check `uptime` first.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { lastValueFrom } from 'rxjs';
import {
  builtInRegistry,
  deriveSeed,
  ExpSparseHeuristic,
  perfTestMultiple,
  Rng,
  runTrial,
  SimplePrecessionModel,
  SMCUpdater,
  toPerformanceTable,
  UniformDistribution,
  type PerfTestOptions,
} from '../src/index.js';

/** The median (the mean of the middle two for an even count: not the upper one, which would flatter a ratio). */
function median(a: readonly number[]): number {
  const s = [...a].sort((p, q) => p - q), m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(name);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
const roundsArg = option('--rounds');
const sizes = (option('--sizes') ?? '1e3,1e4,1e5,1e6').split(',').map(Number);
const only = new Set((option('--only') ?? 'seed,run,perf').split(','));
const qinferThreads = option('--qinfer-threads') ?? '1';
const seedTrials = Number(option('--trials') ?? (quick ? 20 : 100));
/** Rounds for a workload of the given size: 3 by default, 1 for the slow ones. */
const roundsFor = (heavy: boolean): number => (roundsArg !== undefined ? Number(roundsArg) : heavy ? 1 : quick ? 2 : 3);

const registry = builtInRegistry();
const perfOptions = (nParticles: number, nExp: number): PerfTestOptions => ({
  model: { name: 'SimplePrecessionModel' },
  prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
  heuristic: { name: 'ExpSparseHeuristic' },
  nParticles,
  nExp,
});

interface Timing {
  seconds: number;
  /** CPU time of the process over the same span (all its threads: JIT and GC threads count too). */
  cpu: number;
  resamples: number;
}

/** Wall and CPU seconds since `t0`/`c0` (from `performance.now()` and `process.cpuUsage()`). */
function since(t0: number, c0: NodeJS.CpuUsage): { seconds: number; cpu: number } {
  const c = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

/** perf_test_multiple through the public pipeline (serial apply, concurrency 1). */
async function rxPerf(trials: number, nParticles: number, nExp: number, seed: number): Promise<Timing> {
  const t0 = performance.now(), c0 = process.cpuUsage();
  const table = await lastValueFrom(perfTestMultiple(trials, perfOptions(nParticles, nExp), { seed, registry }).pipe(toPerformanceTable(trials)));
  const t = since(t0, c0);
  if (table.nValid !== trials) throw new Error(`${trials - table.nValid} trials failed`);
  let rs = 0;
  for (let k = 0; k < trials; k++) rs += table.resampleCount[k * nExp + nExp - 1]!;
  return { ...t, resamples: rs / trials };
}

/** The same trials as a bare runTrial loop on this thread (the core, no RxJS). */
function coreLoop(trials: number, nParticles: number, nExp: number, seed: number): Timing {
  const options = perfOptions(nParticles, nExp);
  let rs = 0;
  const t0 = performance.now(), c0 = process.cpuUsage();
  for (let k = 0; k < trials; k++) rs += runTrial({ ...options, index: k, seed: deriveSeed(seed, k) }, registry).resampleCount[nExp - 1]!;
  return { ...since(t0, c0), resamples: rs / trials };
}

/** One updater, 200 ExpSparse data from ω = 0.42; the update calls alone are timed. */
function wholeRun(n: number, nExp: number, seed: number): Timing {
  const model = new SimplePrecessionModel();
  const up = new SMCUpdater(model, n, new UniformDistribution([0, 1]), { rng: seed });
  const h = new ExpSparseHeuristic(up);
  const sim = new Rng(seed + 1);
  const truth = [[0.42]];
  let seconds = 0, cpu = 0;
  for (let k = 0; k < nExp; k++) {
    const eps = h.next();
    const d = model.simulateExperiment(truth, eps, sim).data[0]!;
    const t0 = performance.now(), c0 = process.cpuUsage();
    up.update(d, eps);
    const t = since(t0, c0);
    seconds += t.seconds;
    cpu += t.cpu;
  }
  return { seconds, cpu, resamples: up.resampleCount };
}

/** The QInfer child: one JSON request per line, one reply per line. */
class QInfer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterableIterator<string>;
  readonly version: Promise<string>;

  constructor(src: string) {
    const env: NodeJS.ProcessEnv = { ...process.env, QINFER_SRC: src };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    env.OPENBLAS_NUM_THREADS = env.OMP_NUM_THREADS = env.MKL_NUM_THREADS = qinferThreads;
    const script = fileURLToPath(new URL('../scripts/qinfer/bench_server.py', import.meta.url));
    this.child = spawn('/usr/bin/python3', [script], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    this.child.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(`QInfer child exited with ${code}:\n${stderr}`);
    });
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    this.version = this.read().then((r) => `QInfer ${String(r.qinfer)} (NumPy ${String(r.numpy)})`);
  }

  private async read(): Promise<Record<string, unknown>> {
    const { value, done } = await this.lines.next();
    if (done === true) throw new Error('the QInfer child closed its output (see its error above)');
    const r = JSON.parse(value) as Record<string, unknown>;
    if (typeof r.error === 'string') throw new Error(`QInfer: ${r.error}`);
    return r;
  }

  async time(req: Record<string, unknown>): Promise<Timing> {
    await this.version;
    this.child.stdin.write(`${JSON.stringify(req)}\n`);
    const r = await this.read();
    return { seconds: Number(r.seconds), cpu: Number(r.cpu), resamples: Number(r.resamples) };
  }

  close(): void {
    this.child.stdin.end();
  }
}

interface Row {
  workload: string;
  rx: number[];
  qi: number[];
  ratios: number[];
  cpuRatios: number[];
  rxResamples: number;
  qiResamples: number;
}

const rows: Row[] = [];
const fmt = (s: number): string => (Number.isNaN(s) ? '—' : s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(1)} ms`);

/** Runs `rx` and `qi` back to back for `rounds` rounds (alternating the order) and records a row. */
async function compare(workload: string, rounds: number, rx: (round: number) => Promise<Timing> | Timing, qi: ((round: number) => Promise<Timing>) | undefined): Promise<void> {
  const row: Row = { workload, rx: [], qi: [], ratios: [], cpuRatios: [], rxResamples: NaN, qiResamples: NaN };
  for (let r = 0; r < rounds; r++) {
    let a: Timing, b: Timing | undefined;
    if (r % 2 === 1 && qi !== undefined) {
      b = await qi(r);
      a = await rx(r);
    } else {
      a = await rx(r);
      b = qi === undefined ? undefined : await qi(r);
    }
    row.rx.push(a.seconds);
    row.rxResamples = a.resamples;
    if (b !== undefined) {
      row.qi.push(b.seconds);
      row.qiResamples = b.resamples;
      row.ratios.push(b.seconds / a.seconds);
      row.cpuRatios.push(b.cpu / a.cpu);
    }
  }
  rows.push(row);
  const q = row.qi.length > 0 ? `  QInfer ${fmt(median(row.qi))}  ratio ${median(row.ratios).toFixed(2)}×` : '';
  console.error(`  ${workload}: qinfer-rx ${fmt(median(row.rx))}${q}`);
}

const src = process.env.QINFER_SRC;
let qinfer: QInfer | undefined;
if (src === undefined || src === '') {
  console.log('QINFER_SRC is not set: printing qinfer-rx figures alone. For the side-by-side comparison fetch');
  console.log('QInfer 1.0 (github.com/QInfer/python-qinfer, commit 8170c84), install Debian\'s python3-numpy,');
  console.log('python3-scipy and python3-future, and run:  QINFER_SRC=/path/to/python-qinfer npm run bench:qinfer\n');
} else if (!existsSync(`${src}/src/qinfer`)) {
  console.log(`QINFER_SRC=${src} holds no src/qinfer: printing qinfer-rx figures alone.\n`);
} else {
  qinfer = new QInfer(src);
}

const [l1, l5] = loadavg();
console.log(`machine: ${cpus()[0]?.model ?? '?'} × ${availableParallelism()}, Node ${process.version}; load average ${l1!.toFixed(2)} (1 min), ${l5!.toFixed(2)} (5 min)`);
if (qinfer !== undefined) console.log(`reference: ${await qinfer.version}, /usr/bin/python3, BLAS threads ${qinferThreads}`);

// Warm-up: compile the hot paths on both sides before anything is timed.
coreLoop(3, 6000, 200, 1);
wholeRun(1e4, 200, 1);
await qinfer?.time({ op: 'seed', trials: 1, particles: 6000, exp: 200 });

if (only.has('seed')) {
  const rounds = roundsFor(false);
  const qiSeed = qinfer === undefined ? undefined : () => qinfer!.time({ op: 'seed', trials: seedTrials, particles: 6000, exp: 200 });
  await compare(`seed: ${seedTrials} trials × 6000 particles × 200 exp, perfTestMultiple serial`, rounds, (r) => rxPerf(seedTrials, 6000, 200, 42 + r), qiSeed);
  await compare(`seed: ${seedTrials} trials × 6000 particles × 200 exp, runTrial loop (core)`, rounds, (r) => coreLoop(seedTrials, 6000, 200, 42 + r), qiSeed);
}
if (only.has('run')) {
  for (const n of sizes) {
    await compare(`whole run: 200 updates, ${n.toExponential(0)} particles`, roundsFor(n >= 1e6 || (quick && n >= 1e5)), (r) => wholeRun(n, 200, 1 + r), qinfer === undefined ? undefined : (r) => qinfer!.time({ op: 'run', particles: n, exp: 200, seed: 1 + r }));
  }
}
if (only.has('perf')) {
  await compare('perf tests: 100 trials × 1000 particles × 100 exp, perfTestMultiple serial', roundsFor(false), (r) => rxPerf(100, 1000, 100, 7 + r), qinfer === undefined ? undefined : () => qinfer!.time({ op: 'seed', trials: 100, particles: 1000, exp: 100 }));
}
qinfer?.close();

const head = ['workload', 'qinfer-rx', 'QInfer', 'QInfer / qinfer-rx', 'CPU-time ratio', 'resamples (rx / QInfer)', 'rounds'];
const table = rows.map((r) => [
  r.workload,
  fmt(median(r.rx)),
  r.qi.length > 0 ? fmt(median(r.qi)) : '—',
  r.ratios.length > 0 ? `${median(r.ratios).toFixed(2)}×  (${r.ratios.map((x) => x.toFixed(2)).join(', ')})` : '—',
  r.cpuRatios.length > 0 ? `${median(r.cpuRatios).toFixed(2)}×` : '—',
  `${r.rxResamples.toFixed(1)} / ${Number.isNaN(r.qiResamples) ? '—' : r.qiResamples.toFixed(1)}`,
  String(r.rx.length),
]);
const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
console.log('\n' + head.map((h, i) => h.padEnd(widths[i]!)).join('  '));
for (const t of table) console.log(t.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
console.log('\nTimes are wall-clock medians over the rounds; the ratio is the median of the per-round ratios (each round runs both');
console.log('sides back to back). The CPU-time ratio divides the processes\' CPU times over the same spans: it leaves out the time a');
console.log('loaded machine takes either process off the CPU (qinfer-rx\'s includes its JIT and GC threads, so it is conservative).');
