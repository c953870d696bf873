/**
 * Float32 on the device against the float64 CPU models: the tolerance stated in docs/gpu.md,
 *
 *   |L_gpu − L_cpu| ≤ 2⁻²¹ · (1 + Θ),
 *
 * with Θ the magnitude of the phase the model computes from float32-rounded inputs
 * (SimplePrecession |ωt|/2, SimpleInversion |t|(|ω|+|ω₋|)/2, UnknownT2 |ωt|/2 + |t T₂⁻¹|,
 * MultiCos |ω₁t₁| + |ω₂t₂|). Why it grows with Θ: rounding ω and t to float32 moves the phase
 * by up to ~1.5·2⁻²³·Θ and cos² has slope ≤ 1; the constant is the float32 evaluation itself.
 * Measured on lavapipe: the worst element reaches 1.3–1.6 × 2⁻²³·(1 + Θ), so the bound has a
 * margin of ~2.5. Times span 1e-2 … 1e4, so Θ reaches ~1e4.
 */
import { describe, expect, it } from 'vitest';
import { ExpParams, Rng, SimplePrecessionModel, type Model } from '../src/index.js';
import { MultiCosModel } from '../src/models/MultiCosModel.js';
import { SimpleInversionModel } from '../src/models/SimpleInversionModel.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { cosSquared } from '../src/util/cosSquared.js';
import { gpuBackend } from '../src/gpu/index.js';
import { RUN_GPU, WHERE } from './gpuGate.js';


const TOL = 2 ** -21;

interface Case {
  readonly model: Model;
  particle(rng: Rng): number[];
  experiments(rng: Rng, n: number): ExpParams;
  /** Θ of particle x and experiment k. */
  theta(x: Float64Array, eps: ExpParams, k: number): number;
}

const U = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.uniform();
const logU = (rng: Rng, lo: number, hi: number): number => Math.exp(U(rng, Math.log(lo), Math.log(hi)));

const CASES: Case[] = [
  {
    model: new SimplePrecessionModel(),
    particle: (r) => [U(r, 0, 1)],
    experiments: (r, n) => ExpParams.scalar(Array.from({ length: n }, () => logU(r, 1e-2, 1e4))),
    theta: (x, e, k) => Math.abs(x[0]! * e.values()[k]!) / 2,
  },
  {
    model: new SimpleInversionModel(),
    particle: (r) => [U(r, 0, 1)],
    experiments: (r, n) => ExpParams.records(new SimpleInversionModel().expparamsSchema, Array.from({ length: n }, () => ({ t: logU(r, 1e-2, 1e4), w_: U(r, 0, 1) }))),
    theta: (x, e, k) => (Math.abs(e.field('t')[k]!) * (Math.abs(x[0]!) + Math.abs(e.field('w_')[k]!))) / 2,
  },
  {
    model: new UnknownT2Model(),
    particle: (r) => [U(r, 0, 1), U(r, 0, 0.1)],
    experiments: (r, n) => ExpParams.records(new UnknownT2Model().expparamsSchema, Array.from({ length: n }, () => ({ t: logU(r, 1e-2, 1e3) }))),
    theta: (x, e, k) => Math.abs(x[0]! * e.field('t')[k]!) / 2 + Math.abs(e.field('t')[k]! * x[1]!),
  },
  {
    model: new MultiCosModel(),
    particle: (r) => [U(r, 0, 1), U(r, 0, 1)],
    experiments: (r, n) => ExpParams.records(new MultiCosModel().expparamsSchema, Array.from({ length: n }, () => ({ ts: [logU(r, 1e-2, 1e4), logU(r, 1e-2, 1e4)] }))),
    theta: (x, e, k) => Math.abs(x[0]! * e.field('ts')[2 * k]!) + Math.abs(x[1]! * e.field('ts')[2 * k + 1]!),
  },
];

describe.runIf(RUN_GPU)(`GPU likelihood vs float64 CPU models ${WHERE}`, () => {
  it.each(CASES.map((c) => [c.model.name, c] as const))('%s: |ΔL| ≤ 2⁻²¹(1 + Θ) over outcomes 0/1, Θ up to ~1e4', async (_name, c) => {
    const gpu = gpuBackend();
    const rng = new Rng(17);
    const nM = 3000, nE = 40, nP = c.model.nModelparams;
    const x = new Float64Array(nM * nP);
    for (let j = 0; j < nM; j++) x.set(c.particle(rng), j * nP);
    const eps = c.experiments(rng, nE);
    const outcomes = Int32Array.of(1, 0, 1);
    const L = await gpu.likelihood({ model: c.model, outcomes, x, nModels: nM, expparams: eps });
    const ref = c.model.likelihood(outcomes, x, eps).data;
    expect(L.length).toBe(ref.length);
    let worst = 0, maxTheta = 0;
    const bad: string[] = [];
    for (let o = 0; o < outcomes.length; o++) {
      for (let j = 0; j < nM; j++) {
        const xj = x.subarray(j * nP, (j + 1) * nP);
        for (let k = 0; k < nE; k++) {
          const i = (o * nM + j) * nE + k;
          const th = c.theta(xj, eps, k);
          maxTheta = Math.max(maxTheta, th);
          const d = Math.abs(L[i]! - ref[i]!);
          worst = Math.max(worst, d / (2 ** -23 * (1 + th)));
          if (!(d <= TOL * (1 + th)) && bad.length < 5) bad.push(`o${o} j${j} k${k}: ${L[i]} vs ${ref[i]} (Θ ${th})`);
        }
      }
    }
    await gpu.close();
    expect(bad).toEqual([]);
    expect(maxTheta).toBeGreaterThan(100); // the bound is exercised at large phases, not just near 0
    console.log(`${c.model.name}: worst |ΔL| = ${worst.toFixed(2)} × 2⁻²³(1+Θ) ${WHERE}`);
  });

  it('folds a dispatch past 65 535 workgroups into 2-D and still fills every element', async () => {
    const gpu = gpuBackend();
    const model = new SimplePrecessionModel();
    const nM = 262_144, nE = 65; // 17 039 360 elements > 65 535 · 256
    const x = new Float64Array(nM);
    new Rng(3).fillUniform(x);
    const ts = Array.from({ length: nE }, (_, k) => 0.5 + k);
    const L = await gpu.likelihood({ model, outcomes: Int32Array.of(0), x, nModels: nM, expparams: ExpParams.scalar(ts) });
    await gpu.close();
    let bad = 0;
    for (let j = 0; j < nM; j++) {
      for (let k = 0; k < nE; k++) {
        const th = (x[j]! * ts[k]!) / 2;
        if (!(Math.abs(L[j * nE + k]! - cosSquared(th)) <= TOL * (1 + th))) bad++;
      }
    }
    expect(bad).toBe(0);
  });
});
