import { describe, expect, it } from 'vitest';
import { resolveCliBackend } from '../src/cli/cliBackends.js';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import { runTrial } from '../src/perf/runTrial.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';

const registry = builtInRegistry();
const context = (options: Record<string, unknown>) => ({ registry, options, log: () => {} });

describe('qinfer-rx perf --backend pool', () => {
  it('resolves to a pool apply with batches of up to 8 short trials, two batches out per engine (one running), giving the serial trial', async () => {
    const backend = await resolveCliBackend('pool', context({ engines: 2 }));
    try {
      expect(backend.concurrency).toBe((2 * 2 + 1) * 8);
      expect(backend.running).toBe(2);
      expect(backend.description).toContain('batches of up to 8');
      const spec = {
        index: 0, seed: 12, nParticles: 200, nExp: 8,
        model: { name: 'SimplePrecessionModel' }, prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } }, heuristic: { name: 'ExpSparseHeuristic' },
      };
      const r = await backend.apply(spec, new AbortController().signal);
      expect(Array.from(r.loss)).toEqual(Array.from(runTrial(spec, registry).loss));
    } finally {
      await backend.close();
    }
  });

  it('batch=1 sends one trial per message, two in flight per engine', async () => {
    const backend = await resolveCliBackend('pool', context({ engines: 1, batch: 1 }));
    try {
      expect(backend.concurrency).toBe(2);
      expect(backend.description).not.toContain('batches');
    } finally {
      await backend.close();
    }
  });

  it('rejects bad options', async () => {
    await expect(resolveCliBackend('pool', context({ batch: 0 }))).rejects.toBeInstanceOf(QinferArgumentError);
    await expect(resolveCliBackend('pool', context({ engines: 0 }))).rejects.toBeInstanceOf(QinferArgumentError);
    await expect(resolveCliBackend('pool', context({ engines: 'four' }))).rejects.toBeInstanceOf(QinferArgumentError);
    await expect(resolveCliBackend('pool', context({ threads: 2 }))).rejects.toBeInstanceOf(QinferArgumentError);
    await expect(resolveCliBackend('pool', context({ modules: [3] }))).rejects.toBeInstanceOf(QinferArgumentError);
  });
});
