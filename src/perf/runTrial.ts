import type { Registry } from '../registry/Registry.js';
import { TrialRun, type TrialRunOptions } from './TrialRun.js';
import type { TrialResult, TrialSpec } from './TrialSpec.js';

/**
 * Runs one performance-test trial to the end, synchronously, on this thread (QInfer's
 * `perf_test`, `qinfer/perf_testing.py`): the pure core that every backend (serial, worker pool, cluster engine)
 * calls. For each of `spec.nExp` experiments it records the true parameters, asks the heuristic
 * for an experiment, simulates the datum from the true model, times `updater.update` alone and
 * records
 *
 *   loss = Σ_k Q_k (est_k − true_k)²   (right-aligned, true parameters after the time step).
 *
 * The result depends only on `spec` (its seed fixes every random stream) and the registry.
 *
 * @example
 * ```ts
 * import { runTrial, builtInRegistry, deriveSeed } from 'qinfer-rx';
 * const r = runTrial({
 *   index: 0, seed: deriveSeed(42, 0), nParticles: 1000, nExp: 50,
 *   model: { name: 'SimplePrecessionModel' },
 *   prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
 *   heuristic: { name: 'ExpSparseHeuristic' },
 * }, builtInRegistry());
 * r.loss[49]; // the loss after 50 experiments
 * ```
 */
export function runTrial(spec: TrialSpec, registry: Registry, options: TrialRunOptions = {}): TrialResult {
  const run = new TrialRun(spec, registry, options);
  while (!run.done) run.next();
  return run.result();
}
