/**
 * GPU benchmark (issue 13), every GPU path beside serial, the worker pool and the raw kernel,
 * printed as ratios (interleaved in one run; medians after warm-up):
 *
 *   npx tsx bench/gpu.ts [--quick] [--sections 1,2,3] [--engines N] [--reps 5] [--json out.json]
 *                        [--trials 100 --particles 6000 --exps 200]
 *
 * 1. Likelihood of SimplePrecessionModel, 1e6 particles × 1 experiment and 1e5 × 100 — transfers
 *    included (float64 → float32 offsets, the hop to the GPU host process, upload, dispatch,
 *    readback, widening): the raw kernel (a bare float64 loop with the model's fast cos²), the
 *    serial model, a pool of `--engines` threads (default: all cores) and `gpuBackend`.
 *    Target on a GPU: ≥ 5× serial at 1e6 × 1.
 * 2. One Bayes update with its posterior mean (one datum, no resampling) at 1e6 and 1e7
 *    particles: the raw update loop (w ← w·cos², Σw, Σw², Σw·x), `SMCUpdater.update` +
 *    `estimates`, the same with the likelihood on the pool, and the GPU-resident `GpuUpdater`
 *    (one submission and a 48-byte readback per datum). Targets: ≥ 50× the CPU update at 1e6,
 *    ≥ 100× at 1e7.
 * 3. The seed workload: 100 trials × 6000 particles × 200 ExpSparse experiments
 *    (SimplePrecession, U[0, 1] prior): `perfTestMultiple` serial (one core), on the pool
 *    (`poolTrialApply`), the raw kernel's floor (trials × experiments raw updates, no
 *    resampling) and the batched GPU engine (`gpuBatchApply`, all trials in one dispatch per
 *    experiment), with the median final loss of each as the check that they did the same work.
 *    Target: ≥ 30× serial single-core.
 *
 * `--quick` shrinks the sizes (1e5 × 1, 1e4 × 100; updates at 1e5 and 1e6; 20 trials × 1000 ×
 * 100) for a software adapter. On lavapipe (a CPU pretending to be a GPU) the numbers only show
 * that the paths work and agree: the output says so. `--json` writes every figure.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { lastValueFrom } from 'rxjs';
import {
  ExpParams, SMCUpdater, SimplePrecessionModel, UniformDistribution, perfTestMultiple, toPerformanceTable, type LikelihoodBackend, type PerfTestOptions, type TrialApply,
} from '../src/index.js';
import { createPool, poolBackend, poolTrialApply } from '../src/pool/index.js';
import { GpuHost, GpuUpdater, gpuBackend, gpuBatchApply } from '../src/gpu/index.js';
import { cosSquared } from '../src/util/cosSquared.js';
import { now, timeMedian } from './timing.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}
const quick = process.argv.includes('--quick');
const sectionsAt = process.argv.indexOf('--sections');
const sections = sectionsAt < 0 ? [1, 2, 3] : process.argv[sectionsAt + 1]!.split(',').map(Number);
const reps = arg('reps', 5), engines = arg('engines', availableParallelism());
const jsonAt = process.argv.indexOf('--json');
const jsonPath = jsonAt < 0 ? undefined : process.argv[jsonAt + 1];
const model = new SimplePrecessionModel();
const out: Record<string, unknown> = {};

/** The floor of a likelihood: L[j, k] = cos²(x_j t_k / 2), a bare float64 loop. */
function rawLikelihood(x: Float64Array, t: Float64Array, L: Float64Array): void {
  const nE = t.length;
  for (let j = 0; j < x.length; j++) {
    const w = x[j]!;
    for (let k = 0; k < nE; k++) L[j * nE + k] = cosSquared((w * t[k]!) / 2);
  }
}

/** The floor of one update with its mean: w ← w·cos²(x t/2), Σw, Σw², Σw·x, then w /= Σw. */
function rawUpdate(x: Float64Array, w: Float64Array, t: number): number {
  let s = 0, q = 0, m = 0;
  for (let j = 0; j < x.length; j++) {
    const v = w[j]! * cosSquared((x[j]! * t) / 2);
    w[j] = v;
    s += v;
    q += v * v;
    m += v * x[j]!;
  }
  for (let j = 0; j < x.length; j++) w[j]! /= s;
  return m / s + q;
}

const f = (v: number): string => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(2)) : '—');
const pad = (s: string, n = 11): string => s.padEnd(n);
const ratio = (a: number, b: number): string => `${f(a / b)}×`;

const host = new GpuHost();
const info = await host.adapterInfo();
const software = info.isFallbackAdapter;
console.log(`device: ${info.name}${software ? ' — SOFTWARE adapter (lavapipe): these figures prove correctness only; GPU targets need a GPU' : ''}`);
console.log(`cores: ${availableParallelism()}, pool: ${engines} engines, load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}${quick ? ', --quick sizes' : ''}\n`);
out['device'] = { name: info.name, software, limits: info.limits };
out['machine'] = { cores: availableParallelism(), engines, load: loadavg(), node: process.version, quick };

const pool = engines > 0 ? createPool({ engines }) : undefined;
const poolLik: LikelihoodBackend | undefined = pool ? poolBackend(pool, { serialThreshold: 0 }) : undefined;
const gpu = gpuBackend({ host });

// 1. likelihood ----------------------------------------------------------------------------------
if (sections.includes(1)) {
console.log('1. likelihood, SimplePrecessionModel, ms per call (transfers included); ratios: X / gpu');
console.log([pad('particles'), pad('exps', 6), pad('raw'), pad('serial'), pad(`pool:${engines}`), pad('gpu'), pad('serial/gpu'), pad('pool/gpu'), 'raw/gpu'].join(''));
const likRows: unknown[] = [];
for (const [n, nE] of quick ? [[1e5, 1], [1e4, 100]] : [[1e6, 1], [1e5, 100]]) {
  const x = Float64Array.from({ length: n }, (_, j) => (j + 0.5) / n);
  const t = Float64Array.from({ length: nE }, (_, k) => 1 + k);
  const eps = ExpParams.scalar(t);
  const L = new Float64Array(n * nE);
  const req = { model, outcomes: Int32Array.of(0), x, nModels: n, expparams: eps };
  const tRaw = await timeMedian(() => rawLikelihood(x, t, L), reps, 1);
  const tSerial = await timeMedian(() => model.likelihood(req.outcomes, x, eps, L), reps, 1);
  const tPool = poolLik ? await timeMedian(() => poolLik.likelihood(req, { out: L }), reps, 1) : NaN;
  const tGpu = await timeMedian(() => gpu.likelihood(req, { out: L }), reps, 1);
  likRows.push({ particles: n, experiments: nE, rawMs: tRaw, serialMs: tSerial, poolMs: tPool, gpuMs: tGpu });
  console.log([pad(String(n)), pad(String(nE), 6), pad(f(tRaw)), pad(f(tSerial)), pad(f(tPool)), pad(f(tGpu)), pad(ratio(tSerial, tGpu)), pad(ratio(tPool, tGpu)), ratio(tRaw, tGpu)].join(''));
}
out['likelihood'] = likRows;
}
await gpu.close();

// 2. resident update ------------------------------------------------------------------------------
if (sections.includes(2)) {
console.log('\n2. one Bayes update with its posterior mean (no resampling), ms per datum; ratios: X / gpu');
console.log([pad('particles'), pad('raw'), pad('cpu'), pad(`cpu+pool:${engines}`, 14), pad('gpu'), pad('cpu/gpu'), pad('pool/gpu'), 'raw/gpu'].join(''));
const updRows: unknown[] = [];
for (const n of quick ? [1e5, 1e6] : [1e6, 1e7]) {
  const prior = new UniformDistribution([0, 1]);
  const cpu = new SMCUpdater(model, n, prior, { rng: 1, resampleThresh: 0 });
  const viaPool = new SMCUpdater(model, n, prior, { rng: 1, resampleThresh: 0 });
  const up = await GpuUpdater.create(model, n, prior, { rng: 1, resampleThresh: 0, host });
  const x = Float64Array.from(cpu.locations), w = new Float64Array(n).fill(1 / n);
  const L = new Float64Array(n);
  let k = 0;
  const next = (): { o: number; eps: ExpParams } => ({ o: k % 2, eps: ExpParams.scalar([1 + (k++ % 7) * 0.1]) });
  const r = n >= 1e7 ? Math.min(reps, 3) : reps;
  const tRaw = await timeMedian(() => rawUpdate(x, w, 1 + (k++ % 7) * 0.1), r, 1);
  const tCpu = await timeMedian(() => {
    const { o, eps } = next();
    cpu.update(o, eps);
    return cpu.estimates({ covariance: false });
  }, r, 1);
  const tPool = poolLik ? await timeMedian(async () => {
    const { o, eps } = next();
    const lik = await poolLik.likelihood({ model, outcomes: Int32Array.of(o), x: viaPool.locations, nModels: n, expparams: eps }, { out: L });
    viaPool.applyLikelihood(o, eps, lik);
    return viaPool.estimates({ covariance: false });
  }, r, 1) : NaN;
  const tGpu = await timeMedian(async () => {
    const { o, eps } = next();
    await up.update(o, eps);
    return up.estimates({ covariance: false });
  }, r, 2);
  await up.close();
  updRows.push({ particles: n, rawMs: tRaw, cpuMs: tCpu, poolMs: tPool, gpuMs: tGpu });
  console.log([pad(String(n)), pad(f(tRaw)), pad(f(tCpu)), pad(f(tPool), 14), pad(f(tGpu)), pad(ratio(tCpu, tGpu)), pad(ratio(tPool, tGpu)), ratio(tRaw, tGpu)].join(''));
}
out['update'] = updRows;
}

// 3. the seed workload, batched ---------------------------------------------------------------------
if (sections.includes(3)) {
const [nT, nP, nX] = quick ? [20, 1000, 100] : [arg('trials', 100), arg('particles', 6000), arg('exps', 200)];
const seedOptions: PerfTestOptions = {
  model: { name: 'SimplePrecessionModel' }, prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
  heuristic: { name: 'ExpSparseHeuristic' }, nParticles: nP, nExp: nX,
};
console.log(`\n3. perf test: ${nT} trials × ${nP} particles × ${nX} ExpSparse experiments (SimplePrecession), whole run in ms; ratios: X / gpu`);
const whole = async (apply: TrialApply | undefined, concurrency: number): Promise<{ ms: number; median: number }> => {
  const t0 = now();
  const table = await lastValueFrom(perfTestMultiple(nT, seedOptions, { ...(apply === undefined ? {} : { apply }), concurrency, seed: 2024 }).pipe(toPerformanceTable(nT)));
  return { ms: now() - t0, median: table.summary().finalMedianLoss };
};
const batch = gpuBatchApply({ host });
// warm-up: compiles the kernels (a tiny run of the same model)
await lastValueFrom(perfTestMultiple(2, { ...seedOptions, nParticles: 256, nExp: 2 }, { apply: batch, concurrency: batch.concurrency }));
const gpuRun = await whole(batch, batch.concurrency);
await batch.close();
const serialRun = await whole(undefined, 1);
const poolRun = pool ? await whole(poolTrialApply(pool), pool.nEngines) : { ms: NaN, median: NaN };
const xr = new Float64Array(nP), wr = new Float64Array(nP);
const t0 = now();
for (let trial = 0; trial < nT; trial++) {
  for (let j = 0; j < nP; j++) (xr[j] = (j + 0.5) / nP), (wr[j] = 1 / nP);
  for (let s = 0; s < nX; s++) rawUpdate(xr, wr, (9 / 8) ** (s % 60));
}
const rawMs = now() - t0;
console.log([pad('serial', 10), pad(`pool:${engines}`, 10), pad('raw floor', 10), pad('gpu batch', 10), pad('serial/gpu'), pad('pool/gpu'), pad('raw/gpu'), 'median final loss serial | pool | gpu'].join(''));
console.log([pad(f(serialRun.ms), 10), pad(f(poolRun.ms), 10), pad(f(rawMs), 10), pad(f(gpuRun.ms), 10), pad(ratio(serialRun.ms, gpuRun.ms)), pad(ratio(poolRun.ms, gpuRun.ms)), pad(ratio(rawMs, gpuRun.ms)),
  `${serialRun.median.toExponential(2)} | ${poolRun.median.toExponential(2)} | ${gpuRun.median.toExponential(2)}`].join(''));
out['seed'] = { trials: nT, particles: nP, experiments: nX, serialMs: serialRun.ms, poolMs: poolRun.ms, rawMs, gpuMs: gpuRun.ms, medians: { serial: serialRun.median, pool: poolRun.median, gpu: gpuRun.median } };
}

console.log(`\ntargets on a GPU: likelihood ≥ 5× serial at 1e6 × 1; resident update ≥ 50× the CPU at 1e6, ≥ 100× at 1e7; batched seed workload ≥ 30× serial single-core.${software ? ' Not applicable on this software adapter.' : ''}`);
await pool?.close();
await host.close();
if (jsonPath !== undefined) writeFileSync(jsonPath, JSON.stringify(out, null, 2) + '\n');
