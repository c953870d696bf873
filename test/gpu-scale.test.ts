/**
 * The chosen Dawn usage pattern at 1e7 particles (the size the issue asks for on lavapipe):
 * persistent device buffers across updates with the GPU-resident updater (compared with the
 * float64 CPU updater on the same 1e7-particle cloud), device resampling at that size, and a
 * likelihood call too large for one storage binding (split into particle chunks). Slow on a
 * software adapter (tens of seconds); it is the one test at this scale.
 */
import { describe, expect, it } from 'vitest';
import { ExpParams, SMCUpdater, SimplePrecessionModel, UniformDistribution } from '../src/index.js';
import { cosSquared } from '../src/util/cosSquared.js';
import { GpuUpdater, gpuBackend } from '../src/gpu/index.js';
import { RUN_GPU, WHERE } from './gpuGate.js';

const N = 10_000_000;

describe.runIf(RUN_GPU)(`1e7 particles ${WHERE}`, () => {
  it('keeps 1e7 particles on the device across updates, agrees with the CPU updater, resamples', { timeout: 300_000 }, async () => {
    const model = new SimplePrecessionModel(), prior = new UniformDistribution([0, 1]);
    const gpu = await GpuUpdater.create(model, N, prior, { rng: 9, resampleThresh: 0 });
    const cpu = new SMCUpdater(model, N, prior, { rng: 9, resampleThresh: 0 });
    const data: [number, number][] = [[0, 1], [1, 2.5], [0, 6], [0, 11], [1, 19]];
    for (const [o, t] of data) {
      const r = await gpu.update(o, ExpParams.scalar([t]));
      cpu.update(o, ExpParams.scalar([t]));
      expect(Math.abs(r.normalization / cpu.normalizationRecord[cpu.normalizationRecord.length - 1]! - 1)).toBeLessThan(1e-4);
    }
    const est = await gpu.estimates();
    const sd = Math.sqrt(cpu.estCovarianceMtx().data[0]!);
    expect(Math.abs(est.mean[0]! - cpu.estMean()[0]!)).toBeLessThan(1e-4 * sd);
    expect(Math.abs(gpu.nEss / cpu.nEss - 1)).toBeLessThan(1e-4);
    await gpu.resample();
    const after = await gpu.estimates();
    expect(Math.abs(after.mean[0]! - est.mean[0]!)).toBeLessThan((5 * sd) / Math.sqrt(cpu.nEss));
    expect(Math.abs(Math.sqrt(after.covariance[0]!) / sd - 1)).toBeLessThan(0.01);
    const r = await gpu.update(0, ExpParams.scalar([30]));
    expect(r.accepted).toBe(true);
    expect(gpu.host.generation).toBe(1);
    await gpu.close();
  });

  it('splits a likelihood larger than one storage binding into chunks (1e7 × 4 experiments)', { timeout: 300_000 }, async () => {
    const backend = gpuBackend();
    const model = new SimplePrecessionModel();
    const x = new Float64Array(N);
    for (let j = 0; j < N; j++) x[j] = (j + 0.5) / N;
    const ts = [0.3, 2, 9, 40];
    const L = await backend.likelihood({ model, outcomes: Int32Array.of(1), x, nModels: N, expparams: ExpParams.scalar(ts) });
    await backend.close();
    let bad = 0;
    for (let j = 0; j < N; j++) {
      for (let k = 0; k < 4; k++) {
        const th = (x[j]! * ts[k]!) / 2;
        if (!(Math.abs(L[j * 4 + k]! - (1 - cosSquared(th))) <= 2 ** -21 * (1 + th))) bad++;
      }
    }
    expect(bad).toBe(0);
  });
});
