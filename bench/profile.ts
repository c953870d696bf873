/**
 * A CPU profile of the seed's trial, summarised: the share of all samples spent in each function
 * (self time), largest first.
 *
 *   npx tsx bench/profile.ts [trials] [--particles N] [--exp E] [--top K] [--save file.cpuprofile]
 *
 * Runs `trials` (default 20) seed trials (SimplePrecessionModel, 6000 particles, 200 ExpSparse
 * experiments, U[0, 1] prior) as a bare `runTrial` loop after three warm-up trials, under the
 * V8 sampling profiler (node:inspector, 100 µs interval). "(garbage collector)" is GC time,
 * "(program)" time V8 cannot attribute to JavaScript (the profiler, compilation, native code).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { builtInRegistry, deriveSeed, runTrial } from '../src/index.js';

const args = process.argv.slice(2);
const option = (name: string, def: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const trials = args[0] !== undefined && !args[0].startsWith('--') ? Number(args[0]) : 20;
const nParticles = option('--particles', 6000), nExp = option('--exp', 200), top = option('--top', 25);
const saveAt = args.indexOf('--save');

const registry = builtInRegistry();
const spec = {
  model: { name: 'SimplePrecessionModel' },
  prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
  heuristic: { name: 'ExpSparseHeuristic' },
  nParticles,
  nExp,
};
for (let k = 0; k < 3; k++) runTrial({ ...spec, index: k, seed: deriveSeed(1, k) }, registry);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const t0 = performance.now();
for (let k = 0; k < trials; k++) runTrial({ ...spec, index: k, seed: deriveSeed(42, k) }, registry);
const ms = performance.now() - t0;
const { profile } = (await session.post('Profiler.stop')) as { profile: { nodes: ProfileNode[] } };
session.disconnect();
if (saveAt >= 0) writeFileSync(args[saveAt + 1]!, JSON.stringify(profile));

const self = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  const hits = n.hitCount ?? 0;
  if (hits === 0) continue;
  const f = n.callFrame;
  const file = f.url.replace(/^.*\/(src|node_modules)\//, '$1/');
  const key = f.url === '' ? f.functionName || '(anonymous)' : `${f.functionName || '(anonymous)'}  ${file}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + hits);
  total += hits;
}
console.log(`${trials} trials × ${nParticles} particles × ${nExp} experiments: ${(ms / trials).toFixed(1)} ms per trial (wall, profiler on); ${total} samples`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
