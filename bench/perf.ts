/**
 * Throughput of performance testing on the serial path, beside its floor.
 *
 *   npx tsx bench/perf.ts [trials] [particles] [experiments]      (defaults 100, 1000, 100)
 *
 * The job: perfTestMultiple(100 trials, SimplePrecessionModel, 1000 particles, 100 experiments,
 * ExpSparseHeuristic) with the default serial apply (concurrency 1), collected into a
 * PerformanceTable. The floor is the bare core: one trial's time (median of the same 100 trials
 * run with runTrial in a plain loop) × the number of trials — what the serial path costs without
 * RxJS, the event-loop yields between trials and the table. A second line gives the share of
 * the floor spent inside `updater.update` (the records' elapsed_time), the part a faster
 * likelihood backend can shrink. Each measurement is the best of 3 rounds after a warm-up.
 *
 * For a QInfer comparison on the same machine run, with QInfer 1.0 and numpy:
 *   perf_test_multiple(100, SimplePrecessionModel(), 1000, UniformDistribution([0,1]), 100, ExpSparseHeuristic)
 * and divide its trials/s into the perfTestMultiple line.
 */
import { lastValueFrom } from 'rxjs';
import { builtInRegistry, deriveSeed, perfTestMultiple, runTrial, toPerformanceTable, type PerfTestOptions } from '../src/index.js';

const [nTrials = 100, nParticles = 1000, nExp = 100] = process.argv.slice(2).map(Number);
const seed = 2024;
const options: PerfTestOptions = {
  model: { name: 'SimplePrecessionModel' },
  prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
  heuristic: { name: 'ExpSparseHeuristic' },
  nParticles,
  nExp,
};
const registry = builtInRegistry();

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

/** The floor: the same trials with runTrial in a plain loop; per-trial times and time in update. */
function floorRound(): { perTrial: number[]; updateSeconds: number } {
  const perTrial: number[] = [];
  let updateSeconds = 0;
  for (let k = 0; k < nTrials; k++) {
    const t0 = performance.now();
    const r = runTrial({ ...options, index: k, seed: deriveSeed(seed, k) }, registry);
    perTrial.push((performance.now() - t0) / 1000);
    for (const e of r.elapsedTime) updateSeconds += e;
  }
  return { perTrial, updateSeconds };
}

async function rxRound(): Promise<number> {
  const t0 = performance.now();
  const table = await lastValueFrom(perfTestMultiple(nTrials, options, { seed, registry }).pipe(toPerformanceTable(nTrials)));
  const s = (performance.now() - t0) / 1000;
  if (table.nValid !== nTrials) throw new Error(`${nTrials - table.nValid} trials failed`);
  return s;
}

// Warm-up: compile the hot paths.
for (let k = 0; k < 10; k++) runTrial({ ...options, index: k, seed: deriveSeed(1, k) }, registry);
await rxRound();

let best = { floor: Infinity, oneTrial: Infinity, update: 0, rx: Infinity };
for (let round = 0; round < 3; round++) {
  const f = floorRound();
  const sum = f.perTrial.reduce((a, b) => a + b, 0);
  const one = median(f.perTrial);
  const rx = await rxRound();
  best = { floor: Math.min(best.floor, sum), oneTrial: Math.min(best.oneTrial, one), update: sum <= best.floor ? f.updateSeconds : best.update, rx: Math.min(best.rx, rx) };
}

const floor = best.oneTrial * nTrials;
const fmt = (s: number): string => `${s.toFixed(3)} s`;
console.log(`perf_test_multiple: ${nTrials} trials × SimplePrecessionModel, ${nParticles} particles, ${nExp} experiments, ExpSparse (serial; best of 3)`);
console.log(`  perfTestMultiple (serial apply)  ${fmt(best.rx)}  ${(nTrials / best.rx).toFixed(1)} trials/s  ×${(best.rx / floor).toFixed(2)} of the floor`);
console.log(`  floor: one trial × ${nTrials}         ${fmt(floor)}  ${(nTrials / floor).toFixed(1)} trials/s  (one trial ${(best.oneTrial * 1e3).toFixed(2)} ms, median)`);
console.log(`  runTrial loop (sum)              ${fmt(best.floor)}  ${(nTrials / best.floor).toFixed(1)} trials/s  ×${(best.floor / floor).toFixed(2)} of the floor`);
console.log(`  of which updater.update          ${fmt(best.update)}  ${((100 * best.update) / best.floor).toFixed(0)}% (the rest: heuristic, simulation, estimates, records)`);
