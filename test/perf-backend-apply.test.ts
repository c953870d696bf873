import { lastValueFrom } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { LikelihoodBackend } from '../src/backends/LikelihoodBackend.js';
import { serialBackend } from '../src/backends/serialBackend.js';
import { backendTrialApply, runTrialOn } from '../src/perf/backendTrialApply.js';
import { perfTestMultiple } from '../src/perf/perfTestMultiple.js';
import { trialSpec } from '../src/perf/PerfTestOptions.js';
import { runTrial } from '../src/perf/runTrial.js';
import type { TrialApply } from '../src/perf/TrialSpec.js';
import { serialApply } from '../src/perf/serialApply.js';
import { toPerformanceTable } from '../src/perf/toPerformanceTable.js';
import { createPool } from '../src/pool/createPool.js';
import { poolBackend } from '../src/pool/poolBackend.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { precessionOptions, tableContent } from './helpers/perfFixtures.js';
import { expectSameRecords } from './helpers/redis.js';

const registry = builtInRegistry();
const options = precessionOptions(400, 25);

describe('trials with their likelihoods on a backend (backendTrialApply, runTrialOn)', () => {
  const pool = createPool({ engines: 2 });
  afterAll(() => pool.close());

  it('runTrialOn(serialBackend) gives runTrial’s records bit for bit', async () => {
    for (const k of [0, 1, 2]) {
      const spec = trialSpec(options, k, 1000 + k);
      expectSameRecords(await runTrialOn(spec, registry, serialBackend()), runTrial(spec, registry));
    }
  });

  it('perfTestMultiple on a pool backend gives the serial table, whatever the concurrency', async () => {
    const table = (apply: TrialApply, concurrency: number) =>
      lastValueFrom(perfTestMultiple(6, options, { seed: 5, apply, concurrency }).pipe(toPerformanceTable(6)));
    const serial = await table(serialApply(registry), 1);
    const onPool = await table(backendTrialApply(poolBackend(pool, { serialThreshold: 0 }), registry), 3);
    expect(tableContent(onPool)).toEqual(tableContent(serial));
    expect(pool.stats.chunks).toBeGreaterThan(0);
  });

  it('stops between experiments when aborted, and rejects an aborted signal at once', async () => {
    const ac = new AbortController();
    let calls = 0;
    const counting: LikelihoodBackend = {
      name: 'counting',
      likelihood: (req, o) => {
        if (++calls === 3) ac.abort();
        return serialBackend().likelihood(req, o);
      },
      close: async () => {},
    };
    await expect(backendTrialApply(counting, registry)(trialSpec(options, 0, 1), ac.signal)).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(calls).toBe(3);
    await expect(backendTrialApply(counting, registry)(trialSpec(options, 0, 1), ac.signal)).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(calls).toBe(3);
  });

  it('passes a backend failure through and rejects a non-backend at creation', async () => {
    const failing: LikelihoodBackend = { name: 'failing', likelihood: async () => Promise.reject(Object.assign(new Error('device lost'), { code: 'ERR_GPU' })), close: async () => {} };
    await expect(backendTrialApply(failing, registry)(trialSpec(options, 0, 1), new AbortController().signal)).rejects.toMatchObject({ code: 'ERR_GPU' });
    expect(() => backendTrialApply({} as LikelihoodBackend)).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });
});
