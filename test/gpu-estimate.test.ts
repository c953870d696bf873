/**
 * The GPU-resident updater in every host of the estimation step, on a real adapter (lavapipe in
 * CI): the operators and estimate(), the performance trials (runTrialAsync, updaterTrialApply)
 * and the CLI's `estimate --updater gpu` (with its CPU fallback when there is no adapter).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lastValueFrom, of, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { estimate } from '../operators/estimate.js';
import { fromInstrument } from '../operators/fromInstrument.js';
import { parallel } from '../operators/parallel.js';
import { serialBackend } from '../src/backends/serialBackend.js';
import type { CliIo } from '../src/cli/CliIo.js';
import { runCli } from '../src/cli/runCli.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { GpuHost } from '../src/gpu/GpuHost.js';
import { GpuUpdater } from '../src/gpu/GpuUpdater.js';
import { ExpSparseHeuristic } from '../src/heuristics/ExpSparseHeuristic.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { perfTestMultiple } from '../src/perf/perfTestMultiple.js';
import { runTrial } from '../src/perf/runTrial.js';
import { toPerformanceTable } from '../src/perf/toPerformanceTable.js';
import type { TrialSpec } from '../src/perf/TrialSpec.js';
import { runTrialAsync, updaterTrialApply } from '../src/perf/updaterTrialApply.js';
import { builtInRegistry } from '../src/registry/builtInRegistry.js';
import { Rng } from '../src/rng/Rng.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { RUN_GPU, WHERE } from './gpuGate.js';

const model = new SimplePrecessionModel();
const prior = new UniformDistribution([0, 1]);
const reg = builtInRegistry();
const U01 = { name: 'UniformDistribution', params: { ranges: [[0, 1]] } };

function io(): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [], err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => (out.push(s), true) }, stderr: { write: (s: string) => (err.push(s), true), isTTY: false } } as CliIo };
}

describe.runIf(RUN_GPU)(`the GPU-resident updater in the estimation step ${WHERE}`, () => {
  const host = new GpuHost();
  afterAll(() => host.close());

  it('estimate({ updater: gpuUpdater }) learns ω from the data the CPU run sees, asynchronously', async () => {
    const n = 4000, nExp = 40;
    const gpu = await GpuUpdater.create(model, n, prior, { rng: 3, host });
    const cpu = new SMCUpdater(model, n, prior, { rng: 3 });
    const run = (up: SMCUpdater | GpuUpdater) =>
      lastValueFrom(estimate({ updater: up, heuristic: new ExpSparseHeuristic(up), nExperiments: nExp, trueParams: [0.42], rng: 9 }).pipe(toArray()));
    let syncEmissions = 0;
    const sub = estimate({ updater: gpu, heuristic: new ExpSparseHeuristic(gpu), nExperiments: 1, trueParams: [0.42] }).subscribe(() => syncEmissions++);
    expect(syncEmissions).toBe(0); // a device updater's steps are awaited, not synchronous
    sub.unsubscribe();
    await gpu.close();
    const gpu2 = await GpuUpdater.create(model, n, prior, { rng: 3, host });
    const [g, c] = [await run(gpu2), await run(cpu)];
    expect(g.map((s) => s.index)).toEqual(Array.from({ length: nExp }, (_, i) => i));
    // ExpSparse depends only on the number of data, so both runs ask the same experiments and the
    // simulated system (one stream convention) answers them with the same outcomes.
    expect(g.map((s) => s.outcome)).toEqual(c.map((s) => s.outcome));
    expect(g.map((s) => s.experiment)).toEqual(c.map((s) => s.experiment));
    const last = g[nExp - 1]!, ref = c[nExp - 1]!;
    const sd = Math.sqrt(ref.covariance[0]!);
    expect(Math.abs(last.mean[0]! - ref.mean[0]!)).toBeLessThan(0.5 * sd);
    expect(Math.abs(Math.sqrt(last.covariance[0]!) / sd - 1)).toBeLessThan(0.4);
    expect(Math.abs(last.mean[0]! - 0.42)).toBeLessThan(5 * sd);
    expect(last.resampleCount).toBeGreaterThan(0);
    expect(last.nParticles).toBe(n);
    expect(gpu2.dataRecord.length).toBe(nExp);
    await gpu2.close();
  });

  it('fromInstrument takes a device updater; full snapshots read the cloud back; a backend is refused', async () => {
    const gpu = await GpuUpdater.create(model, 512, prior, { rng: 1, host });
    const rng = new Rng(8);
    const data = Array.from({ length: 6 }, (_, k) => {
      const expparams = ExpParams.scalar([(9 / 8) ** k]);
      return { outcome: model.simulateExperiment([[0.6]], expparams, rng).data[0]!, expparams };
    });
    const snaps = await lastValueFrom(fromInstrument(of(...data), { updater: gpu, snapshot: 'full' }).pipe(toArray()));
    expect(snaps.length).toBe(6);
    expect(snaps[5]!.particles!.weights.length).toBe(512);
    expect(snaps[5]!.particles!.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(gpu.dataRecord).toEqual(data.map((d) => d.outcome));
    expect(() => fromInstrument(of(...data), { updater: gpu, backend: serialBackend() })).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
    const err = await lastValueFrom(of({ updater: gpu, index: 0, outcome: 0, expparams: data[0]!.expparams }).pipe(parallel(serialBackend()))).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_ARGUMENT' });
    await gpu.close();
  });

  it('runs performance trials on the device (runTrialAsync, updaterTrialApply) with the trial’s data', async () => {
    const spec: TrialSpec = { index: 0, seed: 17, model: { name: 'SimplePrecessionModel' }, prior: U01, heuristic: { name: 'ExpSparseHeuristic' }, nParticles: 2000, nExp: 30 };
    const cpu = runTrial(spec, reg);
    const gpu = await runTrialAsync(spec, reg, GpuUpdater.factory({ host }));
    expect(Array.from(gpu.outcome)).toEqual(Array.from(cpu.outcome));
    expect(Array.from(gpu.trueParams)).toEqual(Array.from(cpu.trueParams));
    expect(gpu.elapsedTime.every((t) => t > 0)).toBe(true);
    expect(gpu.loss[29]!).toBeLessThan(1e-3);
    const table = await lastValueFrom(
      perfTestMultiple(2, { model: spec.model, prior: U01, heuristic: spec.heuristic, nParticles: 1000, nExp: 10 }, { apply: updaterTrialApply(GpuUpdater.factory({ host }), reg), seed: 5 }).pipe(toPerformanceTable(2)),
    );
    expect(table.nTrials).toBe(2);
    expect(() => reg.createHeuristic({ name: 'PGH' }, { residence: 'device' } as never, new Rng(1))).toThrow(expect.objectContaining({ code: 'ERR_ARGUMENT' }));
  });

  it('qinfer-rx estimate --updater gpu keeps the posterior on the device and plots it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinfer-gpu-est-'));
    const t = io();
    const code = await runCli(['estimate', '--true', '0.42', '-e', '30', '-p', '1000', '--every', '10', '--updater', 'gpu', '--plot', join(dir, 'post.svg')], t.io);
    const out = t.out.join('');
    expect(code, t.err.join('')).toBe(0);
    expect(out).toMatch(/1000 particles, 30 experiments, ExpSparseHeuristic, seed 1, posterior on the GPU/);
    expect(out).toMatch(/final estimate after 30 experiments/);
    expect(readFileSync(join(dir, 'post.svg'), 'utf8')).toMatch(/^<svg/);
  });
});

describe('qinfer-rx estimate --updater gpu without an adapter', () => {
  it('falls back to the CPU updater with a message and the CPU run’s numbers', async () => {
    const run = promisify(execFile);
    const args = ['tsx', 'src/cli/main.ts', 'estimate', '--true', '0.42', '-e', '12', '-p', '300', '--every', '4'];
    const env = { ...process.env, VK_DRIVER_FILES: '/nonexistent/icd.json', VK_ICD_FILENAMES: '/nonexistent/icd.json' };
    const gpu = await run('npx', [...args, '--updater', 'gpu'], { env, cwd: process.cwd() });
    const cpu = await run('npx', args, { env, cwd: process.cwd() });
    expect(gpu.stderr).toMatch(/--updater gpu: .*; running the CPU updater \(SMCUpdater\) instead/);
    expect(gpu.stdout).toBe(cpu.stdout);
  }, 60_000);
});
