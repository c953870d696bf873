import { describe, expect, it } from 'vitest';
import { backendShorthand, CLI_BACKENDS, resolveCliBackend, type CliBackendEntry } from '../src/cli/cliBackends.js';
import { CLI_COMMANDS } from '../src/cli/cliCommands.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';

describe('--backend short forms', () => {
  it('pool:N is the pool with N engines; a Redis URL is the cluster', () => {
    expect(backendShorthand('pool:3', { x: 1 })).toEqual({ name: 'pool', options: { x: 1, engines: 3 } });
    expect(backendShorthand('redis://10.0.0.5:6379', {})).toEqual({ name: 'cluster', options: { redis: 'redis://10.0.0.5:6379' } });
    expect(backendShorthand('rediss://h:6380', {}).name).toBe('cluster');
    expect(backendShorthand('serial', {})).toEqual({ name: 'serial', options: {} });
  });

  it('rejects pool:N with a bad N and unknown names, listing the choices', async () => {
    expect(() => backendShorthand('pool:0', {})).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    expect(() => backendShorthand('pool:two', {})).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    await expect(resolveCliBackend('quantum', { registry: builtInRegistry(), options: {}, log: () => {} })).rejects.toMatchObject({ code: 'ERR_ARGUMENT' });
  });

  it('hands the factory the options of the short form', async () => {
    const seen: unknown[] = [];
    const entries: CliBackendEntry[] = [
      { name: 'pool', summary: '', load: async () => async (ctx) => (seen.push(ctx.options), { apply: async () => Promise.reject(new Error('unused')), description: 'fake', close: async () => {} }) },
    ];
    const b = await resolveCliBackend('pool:5', { registry: builtInRegistry(), options: {}, log: () => {} }, entries);
    await b.close();
    expect(seen).toEqual([{ engines: 5 }]);
  });

  it('offers serial, pool, gpu, auto and cluster, and the engine sub-command', () => {
    expect(CLI_BACKENDS.map((b) => b.name)).toEqual(expect.arrayContaining(['serial', 'pool', 'gpu', 'auto', 'cluster']));
    expect(CLI_COMMANDS.map((c) => c.name)).toContain('engine');
  });

  it('the engine sub-command loads and rejects missing --redis with exit 2', async () => {
    const run = await CLI_COMMANDS.find((c) => c.name === 'engine')!.load();
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err.push(s), true) }, isTTY: false } as never;
    const prev = process.env['QINFER_REDIS_URL'];
    delete process.env['QINFER_REDIS_URL'];
    try {
      expect(await run([], io)).toBe(2);
    } finally {
      if (prev !== undefined) process.env['QINFER_REDIS_URL'] = prev;
    }
  });
});
