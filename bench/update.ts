/**
 * Per-update cost of the SMC updater for SimplePrecessionModel, beside the raw kernel.
 *
 *   npm run bench:update            (or: npx tsx --expose-gc bench/update.ts [sizes…])
 *
 * For each particle count n: 200 ExpSparse experiments with resampling on (Liu–West,
 * threshold 0.5); updates with and without a resample are timed separately. The raw kernel is
 * the floor: a bare loop computing cos²(ωt/2), multiplying the weights and normalising — the
 * arithmetic an update cannot avoid. Heap and ArrayBuffer growth per non-resampling update show
 * whether the hot path allocates in proportion to n. `python3 bench/qinfer_numpy.py` times QInfer's
 * update transcribed in NumPy the same way, for a side-by-side comparison on one machine.
 */
import { ExpParams, ExpSparseHeuristic, Rng, SimplePrecessionModel, SMCUpdater, UniformDistribution } from '../src/index.js';
import { cosSquared } from '../src/util/cosSquared.js';
import { median } from './timing.js';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const N = sizes.length > 0 ? sizes : [1e3, 1e4, 1e5, 1e6];
const nExp = 200;
const gc = (globalThis as { gc?: () => void }).gc;

/** The floor: cos², weights × likelihood, normalisation — with `Math.cos` or the model's fast cos². */
function rawKernel(x: Float64Array, w: Float64Array, t: number, outcome: number, fast: boolean): void {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const y = (t * x[i]!) / 2;
    let c2: number;
    if (fast) c2 = cosSquared(y);
    else {
      const c = Math.cos(y);
      c2 = c * c;
    }
    const l = outcome === 0 ? c2 : 1 - c2;
    const v = w[i]! * l;
    w[i] = v;
    s += v;
  }
  for (let i = 0; i < n; i++) w[i]! /= s;
}


const rows: string[][] = [];
let flip = 0;
/** Alternating outcomes for the memory batch (so that weights stay non-zero). */
const k0 = (): number => (flip ^= 1);
for (const n of N) {
  const model = new SimplePrecessionModel();
  const up = new SMCUpdater(model, n, new UniformDistribution([0, 1]), { rng: 1 });
  const h = new ExpSparseHeuristic(up);
  const rng = new Rng(2);
  const truth = [[0.42]];
  const plain: number[] = [], withResample: number[] = [];
  for (let k = 0; k < nExp; k++) {
    const eps: ExpParams = h.next();
    const d = model.simulateExperiment(truth, eps, rng).data[0]!;
    const before = up.resampleCount;
    const t0 = performance.now();
    up.update(d, eps);
    const dt = performance.now() - t0;
    (up.resampleCount > before ? withResample : plain).push(dt);
  }
  // Memory: a batch of updates without resampling, after a full GC, none inside the batch.
  const memUp = new SMCUpdater(model, n, new UniformDistribution([0, 1]), { rng: 1, resampleThresh: 0, zeroWeightPolicy: 'ignore' });
  const warm = 20, batch = Array.from({ length: warm + 20 }, (_, k) => ExpParams.scalar([(9 / 8) ** (k % 10)]));
  for (const eps of batch.slice(0, warm)) memUp.update(k0(), eps);
  gc?.();
  const m0 = process.memoryUsage();
  for (const eps of batch.slice(warm)) memUp.update(k0(), eps);
  const m1 = process.memoryUsage();
  const measured = batch.length - warm;
  const heap = m1.heapUsed - m0.heapUsed, ab = m1.arrayBuffers - m0.arrayBuffers;
  // the raw kernel on the same sizes and times
  const x = new Rng(3).fillUniform(new Float64Array(n));
  const w = new Float64Array(n).fill(1 / n);
  const raw: number[] = [], rawFast: number[] = [];
  for (let k = 0; k < nExp; k++) {
    for (const [fast, into] of [[false, raw], [true, rawFast]] as const) {
      w.fill(1 / n);
      const t0 = performance.now();
      rawKernel(x, w, (9 / 8) ** (k % 40), k & 1, fast);
      into.push(performance.now() - t0);
    }
  }
  const p = median(plain), r = median(raw), rf = median(rawFast), rs = median(withResample);
  const whole = [...plain, ...withResample].reduce((a, b) => a + b, 0);
  rows.push([
    n.toExponential(0),
    `${p.toFixed(3)} ms`,
    `${r.toFixed(3)} ms`,
    `${rf.toFixed(3)} ms`,
    (p / r).toFixed(2),
    (p / rf).toFixed(2),
    withResample.length === 0 ? '—' : `${rs.toFixed(3)} ms (${withResample.length}×)`,
    `${whole.toFixed(1)} ms`,
    `${(measured ? heap / measured / 1024 : 0).toFixed(1)} KiB`,
    `${(measured ? ab / measured / 1024 : 0).toFixed(1)} KiB`,
    `${((n * 8) / 1024).toFixed(0)} KiB`,
  ]);
}
const head = ['particles', 'update (median)', 'raw (Math.cos)', 'raw (cosSquared)', 'update / raw', 'update / raw fast', 'update with resample', 'whole run', 'heap Δ/update', 'ArrayBuffer Δ/update', 'one weight array'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i]!)).join('  ');
console.log(`SMC update, SimplePrecessionModel, ${nExp} ExpSparse experiments, Liu–West resampling at nEss < n/2${gc ? '' : ' (run with --expose-gc for exact heap figures)'}`);
console.log(line(head));
for (const r of rows) console.log(line(r));
