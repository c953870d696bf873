/**
 * Cost of one Liu–West resampling per particle, beside the raw cost of its normals.
 *
 *   npx tsx bench/resample.ts [n]          (default 6000 particles, the seed's count)
 *
 * For d = 1 and d = 4: a weighted cloud (normal locations, unequal weights) resampled by
 * `LiuWestResampler` with the updater's defaults (a = 0.98, postselection with a model whose
 * particles are all valid: SimplePrecessionModel on a cloud of positive ω at d = 1, a model that
 * accepts everything at d = 4), in ns per particle, beside the raw cost of drawing the n·d standard
 * normals alone, with the ziggurat the resampler uses (`fillNormalZiggurat`) and with the polar
 * method of `Rng.fillNormal`, all in CPU time (`process.cpuUsage`, robust to a loaded machine
 * taking the process off the CPU). "Liu–West" (the WebAssembly kernels, the cloud copied into their memory) writes the new cloud into buffers the caller owns, with
 * the mean precomputed, as the updater calls it; "new arrays" allocates the new cloud (a fresh
 * 8·n·(d + 1) bytes each call, with its page faults and collection). The measurements are interleaved (round robin, median of rounds).
 * Targets: ≤ 30 ns per particle at d = 1; at d = 4 within 2× of the cost of the normals.
 */
import { LiuWestResampler, ParticleDistribution, Rng, SimplePrecessionModel, type Model } from '../src/index.js';
import { fillNormalZiggurat } from '../src/rng/normalZiggurat.js';
import { loadavg } from 'node:os';
import { median } from './timing.js';

const n = Number(process.argv[2] ?? 6000);
const rounds = 15;

/** Only `areModelsValid` is used by the resampler: every particle is valid. */
const acceptAll = (d: number): Model => ({ nModelparams: d, areModelsValid: (m: { shape: number[] }) => new Uint8Array(m.shape[0]!).fill(1) }) as unknown as Model;

function cloud(d: number): ParticleDistribution {
  const rng = new Rng(3);
  const x = new Float64Array(n * d);
  rng.fillNormal(x);
  if (d === 1) for (let i = 0; i < n; i++) x[i] = 0.5 + 0.05 * x[i]!; // ω > 0: SimplePrecessionModel's valid region
  const w = Array.from({ length: n }, () => 0.2 + rng.uniform());
  return new ParticleDistribution(x, w, { nRvs: d });
}

const rows: string[][] = [];
for (const d of [1, 4]) {
  const dist = cloud(d);
  const model = d === 1 ? new SimplePrecessionModel() : acceptAll(d);
  const rs = new LiuWestResampler();
  const rng = new Rng(1);
  const z = new Float64Array(n * d);
  const reps = Math.max(5, Math.floor(2e6 / (n * d)));
  // As the updater calls it: the new cloud written into buffers it owns, the mean precomputed.
  const into = { locations: new Float64Array(n * d), weights: new Float64Array(n) };
  const mean = dist.estMean();
  const cases: Array<[string, () => unknown]> = [
    ['Liu–West resample (into buffers)', () => rs.resample(model, dist, rng, { into, precomputedMean: mean })],
    ['Liu–West resample (new arrays)', () => rs.resample(model, dist, rng)],
    ['n·d normals (ziggurat)', () => fillNormalZiggurat(rng, z)],
    ['n·d normals (polar, Rng.fillNormal)', () => rng.fillNormal(z)],
  ];
  const times = cases.map(() => [] as number[]);
  for (let r = 0; r < rounds + 2; r++) {
    cases.forEach(([, f], c) => {
      // CPU time of this process (not wall time): a loaded machine taking the process off the
      // CPU does not count; a busy sibling hyperthread still does.
      const c0 = process.cpuUsage();
      for (let k = 0; k < reps; k++) f();
      const u = process.cpuUsage(c0);
      if (r >= 2) times[c]!.push(((u.user + u.system) / 1000 / reps / n) * 1e6);
    });
  }
  const [lw, lwNew, zig, polar] = times.map(median) as [number, number, number, number];
  rows.push([String(d), `${lw.toFixed(1)}`, `${lwNew.toFixed(1)}`, `${zig.toFixed(1)}`, `${polar.toFixed(1)}`, (lw / zig).toFixed(2), (lw / polar).toFixed(2)]);
}
const head = ['d', 'Liu–West ns/particle', 'LW, new arrays', 'n·d normals (ziggurat)', 'n·d normals (polar)', 'LW / ziggurat normals', 'LW / polar normals'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
console.log(`Liu–West resampling of ${n} particles (a = 0.98, postselection on, all valid); CPU time, median of ${rounds} interleaved rounds; load average ${loadavg()[0]!.toFixed(2)}`);
console.log(head.map((h, i) => h.padStart(widths[i]!)).join('  '));
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i]!)).join('  '));
