import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/CliIo.js';
import { runCli } from '../src/cli/runCli.js';
import { RUN_GPU, WHERE } from './gpuGate.js';

function io(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [], err: string[] = [];
  return {
    out,
    err,
    io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true), isTTY: false } } as CliIo,
  };
}

describe.runIf(RUN_GPU)(`qinfer-rx perf --backend gpu | auto ${WHERE}`, () => {
  it('--backend gpu runs the trials with float32 likelihoods on the adapter and closes it', async () => {
    const t = io();
    const code = await runCli(['perf', '--backend', 'gpu', '-t', '3', '-e', '10', '-p', '500', '--no-out', '--no-plot'], t.io);
    const err = t.err.join('');
    expect(code, err).toBe(0);
    expect(err).toMatch(/backend gpu: .*float32 likelihoods/);
    expect(err).toMatch(/3\/3 trials \(0 failed\)/);
  });

  it('--backend auto prints the measured table and crossovers, then runs', async () => {
    const t = io();
    const code = await runCli(['perf', '--backend', 'auto', '--backend-opt', 'engines=2', '-t', '2', '-e', '8', '-p', '300', '--no-out', '--no-plot'], t.io);
    const err = t.err.join('');
    expect(code, err).toBe(0);
    expect(err).toMatch(/particles\s+serial\s+pool:2\s+gpu:/);
    expect(err).toMatch(/1000000 .*(serial|pool:2|gpu)/);
    expect(err).toMatch(/2\/2 trials \(0 failed\)/);
  });

  it('--backend auto rejects unknown options with exit 2', async () => {
    const t = io();
    expect(await runCli(['perf', '--backend', 'auto', '--backend-opt', 'speed=11', '-t', '1', '--no-out', '--no-plot'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/unknown auto option 'speed'/);
  });
});
