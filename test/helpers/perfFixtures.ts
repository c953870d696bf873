import { QinferError } from '../../src/errors/QinferError.js';
import { ExpParams } from '../../src/expparams/ExpParams.js';
import { ExpSparseHeuristic } from '../../src/heuristics/ExpSparseHeuristic.js';
import type { PerfTestOptions } from '../../src/perf/PerfTestOptions.js';
import type { PerformanceTable } from '../../src/perf/PerformanceTable.js';
import { TRIAL_STREAMS } from '../../src/rng/trialStreams.js';
import type { Registry } from '../../src/registry/Registry.js';
import { builtInRegistry } from '../../src/registry/builtInRegistry.js';
import { deriveSeed } from '../../src/rng/deriveSeed.js';

/** SimplePrecessionModel, U[0, 1], ExpSparse: the reference performance test. */
export function precessionOptions(nParticles: number, nExp: number, extra: Partial<PerfTestOptions> = {}): PerfTestOptions {
  return {
    model: { name: 'SimplePrecessionModel' },
    prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } },
    heuristic: { name: 'ExpSparseHeuristic' },
    nParticles,
    nExp,
    ...extra,
  };
}

/** The seed the heuristic of trial `k` of a test with root `seed` receives. */
export function heuristicSeed(seed: number, k: number): number {
  return deriveSeed(deriveSeed(seed, k), TRIAL_STREAMS.heuristic);
}

/**
 * A registry with the built-ins plus test heuristics:
 * - `Flaky` (QInfer's flaky_heuristic): ExpSparse, but throws when the heuristic's seed is listed
 *   in `params.failures` as `[seed, step]` and `step` data have been seen;
 * - `TwoTimes`: MultiCos experiments `ts = [t, t]` with `t = (9/8)^n`.
 */
export function testRegistry(): Registry {
  const reg = builtInRegistry();
  reg.registerHeuristic('Flaky', (p, up, rng) => {
    const inner = new ExpSparseHeuristic(up);
    const failures = (p['failures'] as [number, number][] | undefined) ?? [];
    const at = failures.find(([s]) => s === rng.seed)?.[1];
    return {
      next: () => {
        if (at !== undefined && up.dataRecord.length === at) {
          throw new QinferError('ERR_HEURISTIC', `flaky heuristic fails at step ${at}`);
        }
        return inner.next();
      },
    };
  });
  reg.registerHeuristic('TwoTimes', (_p, up) => ({
    next: () => {
      const t = (9 / 8) ** up.dataRecord.length;
      return ExpParams.records(up.model.expparamsSchema, [{ ts: [t, t] }]);
    },
  }));
  return reg;
}

/**
 * Everything a performance table holds except the elapsed times (which depend on the machine):
 * two runs of the same test must give equal contents, whatever backend or completion order.
 */
export function tableContent(t: PerformanceTable): unknown {
  return {
    loss: Array.from(t.loss),
    resampleCount: Array.from(t.resampleCount),
    outcome: Array.from(t.outcome),
    trueParams: Array.from(t.trueParams),
    estParams: Array.from(t.estParams),
    experiments: Object.fromEntries(Object.entries(t.experiments).map(([k, v]) => [k, Array.from(v)])),
    mask: Array.from(t.mask),
    seeds: Array.from(t.seeds),
    failures: t.failures.map((f) => [f.index, f.seed, (f.error as { code?: string } | undefined)?.code]),
  };
}
