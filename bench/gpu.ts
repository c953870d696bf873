/**
 * GPU benchmark (issue 6), ratios side by side:
 *
 *   npx tsx bench/gpu.ts [--max 1e7] [--update-max 1e7] [--engines N] [--reps 5]
 *
 * 1. Likelihood of SimplePrecessionModel at 1e4 … `--max` particles × 1 and 100 experiments
 *    (cells above 1e8 elements are left out: 800 MB of float64 output): the serial model, the raw
 *    kernel (a bare float64 loop computing cos² with the model's fast `cosSquared`, the floor of
 *    any CPU path), a worker pool of
 *    `--engines` threads (default: all cores; 0 leaves it out) and the GPU backend — transfers
 *    included: float64→float32, the hop to the GPU host process, upload, dispatch, readback and
 *    widening back to float64. Printed: ms per call and serial/gpu, raw/gpu, serial/pool.
 * 2. One full Bayes update (one datum, no resampling) at 1e5, 1e6, 1e7 (up to `--update-max`):
 *    the CPU `SMCUpdater` (float64) against the GPU-resident `GpuUpdater` (a 32-byte readback per
 *    datum), and the raw update kernel (a bare loop w ← w·cos², Σw, Σw²).
 *
 * Timings are medians after warm-up; the device, the core count and the load are printed first.
 * On a software adapter (lavapipe) the numbers only show that the path works: run it with
 * `--max 1e5 --update-max 1e5` there.
 */
import { availableParallelism, loadavg } from 'node:os';
import { ExpParams, SMCUpdater, SimplePrecessionModel, UniformDistribution, type LikelihoodBackend } from '../src/index.js';
import { createPool, poolBackend } from '../src/pool/index.js';
import { GpuUpdater, gpuBackend } from '../src/gpu/index.js';
import { cosSquared } from '../src/util/cosSquared.js';
import { timeMedian } from './timing.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}
const maxN = arg('max', 1e7), updateMax = arg('update-max', 1e7), reps = arg('reps', 5);
const engines = arg('engines', availableParallelism());
const model = new SimplePrecessionModel();

/** The floor: L[j, k] = cos²(x_j t_k / 2), a bare float64 loop (the model's own fast cos²). */
function rawLikelihood(x: Float64Array, t: Float64Array, out: Float64Array): void {
  const nE = t.length;
  for (let j = 0; j < x.length; j++) {
    const w = x[j]!;
    for (let k = 0; k < nE; k++) out[j * nE + k] = cosSquared((w * t[k]!) / 2);
  }
}

/** The floor of one update: w ← w·cos²(x t/2), then Σw and Σw² (what the GPU computes). */
function rawUpdate(x: Float64Array, w: Float64Array, t: number): number {
  let s = 0, q = 0;
  for (let j = 0; j < x.length; j++) {
    const v = w[j]! * cosSquared((x[j]! * t) / 2);
    w[j] = v;
    s += v;
    q += v * v;
  }
  for (let j = 0; j < x.length; j++) w[j]! /= s;
  return q / (s * s);
}

const f = (v: number): string => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(2)) : '—');
const pad = (s: string, n = 11): string => s.padEnd(n);

const gpu = gpuBackend();
const info = await gpu.adapterInfo();
console.log(`device: ${info.name}${info.isFallbackAdapter ? ' (software adapter: correctness only, timings not representative)' : ''}`);
console.log(`cores: ${availableParallelism()}, load average: ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}\n`);

const pool = engines > 0 ? poolBackend(createPool({ engines }), { closePool: true, serialThreshold: 0 }) : undefined;

console.log('1. likelihood, SimplePrecessionModel, ms per call (transfers included) and ratios');
console.log([pad('particles'), pad('exps', 6), pad('raw'), pad('serial'), ...(pool ? [pad(`pool:${engines}`)] : []), pad('gpu'), pad('serial/gpu'), pad('raw/gpu'), ...(pool ? ['serial/pool'] : [])].join(''));
for (const n of [1e4, 1e5, 1e6, 1e7].filter((v) => v <= maxN)) {
  for (const nE of [1, 100]) {
    if (n * nE > 1e8) {
      console.log([pad(String(n)), pad(String(nE), 6), 'left out (over 1e8 elements)'].join(''));
      continue;
    }
    const x = new Float64Array(n);
    for (let j = 0; j < n; j++) x[j] = (j + 0.5) / n;
    const t = Float64Array.from({ length: nE }, (_, k) => 1 + k);
    const eps = ExpParams.scalar(t);
    const out = new Float64Array(n * nE);
    const req = { model, outcomes: Int32Array.of(0), x, nModels: n, expparams: eps };
    const r = n * nE >= 1e7 ? Math.min(reps, 3) : reps;
    const tRaw = await timeMedian(() => rawLikelihood(x, t, out), r, 1);
    const tSerial = await timeMedian(() => model.likelihood(req.outcomes, x, eps, out), r, 1);
    const tPool = pool ? await timeMedian(() => (pool as LikelihoodBackend).likelihood(req, { out }), r, 1) : NaN;
    const tGpu = await timeMedian(() => gpu.likelihood(req, { out }), r, 1);
    console.log([pad(String(n)), pad(String(nE), 6), pad(f(tRaw)), pad(f(tSerial)), ...(pool ? [pad(f(tPool))] : []), pad(f(tGpu)),
      pad(`${f(tSerial / tGpu)}×`), pad(`${f(tRaw / tGpu)}×`), ...(pool ? [`${f(tSerial / tPool)}×`] : [])].join(''));
  }
}
await gpu.close();
await pool?.close();

console.log('\n2. one Bayes update (one datum, no resampling), ms per datum and ratios');
console.log([pad('particles'), pad('raw'), pad('cpu'), pad('gpu'), pad('cpu/gpu'), 'raw/gpu'].join(''));
for (const n of [1e5, 1e6, 1e7].filter((v) => v <= updateMax)) {
  const prior = new UniformDistribution([0, 1]);
  const cpu = new SMCUpdater(model, n, prior, { rng: 1, resampleThresh: 0 });
  const up = await GpuUpdater.create(model, n, prior, { rng: 1, resampleThresh: 0 });
  const x = Float64Array.from(cpu.locations), w = new Float64Array(n).fill(1 / n);
  let k = 0;
  const ts = () => ExpParams.scalar([1 + (k++ % 7) * 0.1]);
  const r = n >= 1e7 ? Math.min(reps, 3) : reps;
  const tRaw = await timeMedian(() => rawUpdate(x, w, 1 + (k++ % 7) * 0.1), r, 1);
  const tCpu = await timeMedian(() => cpu.update(k % 2, ts()), r, 1);
  const tGpu = await timeMedian(() => up.update(k % 2, ts()), r, 2);
  await up.close();
  console.log([pad(String(n)), pad(f(tRaw)), pad(f(tCpu)), pad(f(tGpu)), pad(`${f(tCpu / tGpu)}×`), `${f(tRaw / tGpu)}×`].join(''));
}
