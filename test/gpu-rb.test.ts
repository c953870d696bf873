/**
 * RandomizedBenchmarkingModel on the device (float32, phase-exact offsets from a float64
 * reference) against the float64 CPU model: |ΔL| ≤ 2⁻²¹ (1 + Θ) with Θ = m |d_p / r_p| + 1, the
 * float32 rounding of the offset's effect on pᵐ (a relative 2⁻²⁴ per unit of m·d/r) — over
 * sequence lengths 0 … 4096, survivals near 1 and near B, standard and interleaved.
 */
import { describe, expect, it } from 'vitest';
import { ExpParams, RandomizedBenchmarkingModel, Rng } from '../src/index.js';
import { gpuBackend } from '../src/gpu/index.js';
import { RUN_GPU, WHERE } from './gpuGate.js';

const TOL = 2 ** -21;

describe.runIf(RUN_GPU)(`RB likelihood on the GPU vs float64 ${WHERE}`, () => {
  for (const interleaved of [false, true]) {
    it(`interleaved = ${interleaved}: |ΔL| ≤ 2⁻²¹(1 + Θ), m up to 4096, near-1 survivals`, async () => {
      const model = new RandomizedBenchmarkingModel({ interleaved });
      const gpu = gpuBackend();
      const rng = new Rng(31), nM = 2000, nP = model.nModelparams;
      const x = new Float64Array(nM * nP);
      // a posterior-like cloud: p ≈ 0.995 ± 0.002, A + B just under 1
      for (let j = 0; j < nM; j++) {
        const p = 0.995 + 0.002 * (rng.uniform() - 0.5), A = 0.48 + 0.02 * (rng.uniform() - 0.5), B = Math.min(1 - A, 0.5 + 0.02 * (rng.uniform() - 0.5));
        x.set(interleaved ? [0.99 + 0.004 * (rng.uniform() - 0.5), p, A, B] : [p, A, B], j * nP);
      }
      const ms = [0, 1, 2, 5, 17, 64, 300, 1024, 4096];
      const eps = ExpParams.records(model.expparamsSchema, ms.flatMap((m) => (interleaved ? [{ m, reference: 0 }, { m, reference: 1 }] : [{ m }])));
      const outcomes = Int32Array.of(0, 1);
      const L = await gpu.likelihood({ model, outcomes, x, nModels: nM, expparams: eps });
      const ref = model.likelihood(outcomes, x, eps).data;
      await gpu.close();
      const nE = eps.length, m = eps.field('m');
      const mean = new Float64Array(nP);
      for (let j = 0; j < nM; j++) for (let p = 0; p < nP; p++) mean[p] += x[j * nP + p]! / nM;
      let worst = 0;
      const bad: string[] = [];
      for (let o = 0; o < 2; o++) for (let j = 0; j < nM; j++) for (let k = 0; k < nE; k++) {
        const i = (o * nM + j) * nE + k;
        const rel = Math.abs(x[j * nP + (interleaved ? 1 : 0)]! - mean[interleaved ? 1 : 0]!) / mean[interleaved ? 1 : 0]! + (interleaved ? Math.abs(x[j * nP]! - mean[0]!) / mean[0]! : 0);
        const theta = 1 + m[k]! * rel;
        const d = Math.abs(L[i]! - ref[i]!);
        worst = Math.max(worst, d / (2 ** -23 * theta));
        if (!(d <= TOL * theta) && bad.length < 5) bad.push(`o${o} j${j} m${m[k]}: ${L[i]} vs ${ref[i]}`);
      }
      expect(bad).toEqual([]);
      console.log(`RB (interleaved ${interleaved}): worst |ΔL| = ${worst.toFixed(2)} × 2⁻²³(1 + Θ) ${WHERE}`);
    });
  }
  it('a cloud over the whole prior (reference p = 0: pow of the absolute value): |ΔL| ≤ 2⁻²¹(1 + 2m)', async () => {
    const model = new RandomizedBenchmarkingModel();
    const gpu = gpuBackend();
    const rng = new Rng(32), nM = 1000, x = new Float64Array(nM * 3);
    for (let j = 0; j < nM; j++) {
      const A = rng.uniform(), B = (1 - A) * rng.uniform();
      x.set([rng.uniform(), A, B], j * 3);
    }
    const eps = ExpParams.records(model.expparamsSchema, [0, 1, 3, 8, 17].map((m) => ({ m })));
    const L = await gpu.likelihood({ model, outcomes: Int32Array.of(0, 1), x, nModels: nM, expparams: eps });
    const ref = model.likelihood([0, 1], x, eps).data, m = eps.field('m');
    await gpu.close();
    for (let i = 0; i < ref.length; i++) expect(Math.abs(L[i]! - ref[i]!)).toBeLessThanOrEqual(TOL * (1 + 2 * m[i % eps.length]!));
  });
  it('qinfer-rx estimate --updater gpu runs RB resident on the device and agrees with the CPU updater', async () => {
    const { runCli } = await import('../src/cli/runCli.js');
    const run = async (updater: string) => {
      let out = '';
      const code = await runCli(['estimate', '-m', 'RandomizedBenchmarkingModel', '--true', '0.99,0.5,0.45', '-e', '40', '-p', '4000', '--seed', '3', '--updater', updater,
        '--heuristic-param', 'tField=m', '--heuristic-param', 'otherFields={}', '--heuristic-param', 'integer=true', '--heuristic-param', 'base=1.2'],
        { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true, isTTY: false } });
      expect(code).toBe(0);
      const m = /^  p = ([0-9.]+)\((\d+)\)/m.exec(out)!;
      const decimals = m[1]!.split('.')[1]?.length ?? 0;
      return { out, p: Number(m[1]), sd: Number(m[2]) * 10 ** -decimals };
    };
    const gpu = await run('gpu'), cpu = await run('cpu');
    expect(gpu.out).toMatch(/posterior on the GPU/);
    expect(Math.abs(gpu.p - cpu.p)).toBeLessThan(cpu.sd); // float32 on the device: the same posterior within its width
  });
  it('the GPU backend refuses a non-integer m like the CPU model', async () => {
    const model = new RandomizedBenchmarkingModel();
    const gpu = gpuBackend();
    await expect(gpu.likelihood({ model, outcomes: Int32Array.of(0), x: Float64Array.of(0.99, 0.5, 0.4), nModels: 1, expparams: ExpParams.records(model.expparamsSchema, [{ m: 2.5 }]) })).rejects.toMatchObject({ code: 'ERR_EXPPARAMS_FIELD' });
    await gpu.close();
  });
});
