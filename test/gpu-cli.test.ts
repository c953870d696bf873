import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/CliIo.js';
import { runCli } from '../src/cli/runCli.js';
import { GpuHost } from '../src/gpu/GpuHost.js';
import { GpuUpdater } from '../src/gpu/GpuUpdater.js';
import { perfTestMultiple } from '../src/perf/perfTestMultiple.js';
import { toPerformanceTable } from '../src/perf/toPerformanceTable.js';
import { updaterTrialApply } from '../src/perf/updaterTrialApply.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
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
    expect(err).toMatch(/batched trials on the device/);
  });

  it('--backend gpu --backend-opt engine=likelihood keeps float64 updates here with GPU likelihoods', async () => {
    const t = io();
    const code = await runCli(['perf', '--backend', 'gpu', '--backend-opt', 'engine=likelihood', '-t', '2', '-e', '10', '-p', '500', '--no-out', '--no-plot'], t.io);
    const err = t.err.join('');
    expect(code, err).toBe(0);
    expect(err).toMatch(/backend gpu: .*float64 updates with phase-exact float32 likelihoods/);
    expect(await runCli(['perf', '--backend', 'gpu', '--backend-opt', 'engine=fast', '-t', '1', '--no-out', '--no-plot'], io().io)).toBe(2);
  });

  it('--backend gpu --backend-opt engine=resident runs each trial on the resident updater: the table of updaterTrialApply(GpuUpdater.factory())', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinfer-gpu-resident-'));
    const host = new GpuHost();
    try {
      const t = io();
      const out = join(dir, 'perf.json');
      const code = await runCli(['perf', '--backend', 'gpu', '--backend-opt', 'engine=resident', '-t', '2', '-e', '10', '-p', '500', '-s', '3', '--out', out, '--no-plot'], t.io);
      const err = t.err.join('');
      expect(code, err).toBe(0);
      expect(err).toMatch(/backend gpu: .*posterior resident on the device \(GpuUpdater\)/);
      const cli = JSON.parse(readFileSync(out, 'utf8')) as { runs: { table: { bayesRisk: number[] } }[] };
      const registry = builtInRegistry();
      const options = { model: { name: 'SimplePrecessionModel' }, prior: { name: 'UniformDistribution', params: { ranges: [[0, 1]] } }, heuristic: { name: 'ExpSparseHeuristic' }, nParticles: 500, nExp: 10 };
      const code2 = await lastValueFrom(perfTestMultiple(2, options, { apply: updaterTrialApply(GpuUpdater.factory({ host }), registry), seed: 3 }).pipe(toPerformanceTable(2)));
      expect(cli.runs[0]!.table.bayesRisk).toEqual(Array.from(code2.bayesRisk()));
      // The resident updater refuses PGH: the first trial fails at once, saying why, the code printed.
      const pgh = io();
      expect(await runCli(['perf', '--backend', 'gpu', '--backend-opt', 'engine=resident', '-H', 'PGH', '-t', '1', '-e', '3', '-p', '200', '--no-out', '--no-plot'], pgh.io)).not.toBe(0);
      expect(pgh.err.join('')).toMatch(/ERR_TRIAL_FAILED.*PGH draws particles on the host.*residence 'device'/);
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--backend gpu without an adapter: one line with the reason, then every trial on the CPU, the serial table', async () => {
    const saved = { d: process.env.VK_DRIVER_FILES, i: process.env.VK_ICD_FILENAMES };
    process.env.VK_DRIVER_FILES = process.env.VK_ICD_FILENAMES = '/nonexistent/qinfer-no-driver.json';
    const hidden = io();
    let code: number;
    try {
      code = await runCli(['perf', '--backend', 'gpu', '-t', '20', '-e', '40', '-p', '300', '--no-out', '--no-plot', '--progress', 'none'], hidden.io);
    } finally {
      for (const [k, v] of [['VK_DRIVER_FILES', saved.d], ['VK_ICD_FILENAMES', saved.i]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const serial = io();
    expect(await runCli(['perf', '--backend', 'serial', '-t', '20', '-e', '40', '-p', '300', '--no-out', '--no-plot', '--progress', 'none'], serial.io)).toBe(0);
    const err = hidden.err.join('');
    expect(code, err).toBe(0);
    const gpuLines = err.split('\n').filter((l) => l.startsWith('gpu:'));
    expect(gpuLines).toHaveLength(1);
    expect(gpuLines[0]).toMatch(/^gpu: no WebGPU adapter \(.+\); every trial runs on the CPU \(serial\) — see https:\/\/github\.com\/qinfer-rx\/qinfer-rx\/blob\/main\/docs\/gpu\.md$/);
    expect(err).not.toContain('install-lavapipe.sh'); // the long instructions stay in the error, not in the run's log
    const table = (out: string[]): string => out.join('').split('\n').filter((l) => /^\d+ particles/.test(l)).map((l) => l.replace(/\s+[\d.]+ [µm]?s$/, '')).join('\n');
    expect(table(hidden.out)).toBe(table(serial.out)); // same losses: the serial trials
    expect(table(hidden.out)).toMatch(/^300 particles\s+20\s+0/);
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
