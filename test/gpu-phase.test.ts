/**
 * Phase-exact likelihoods at the phases of long ExpSparse runs (t = (9/8)^k reaches 2e15 at
 * k = 300): the GPU backend against an exact reference (BigInt, π from decimal digits) with the
 * bound of docs/gpu.md as the tolerance,
 *
 *   |L_gpu − L_exact| ≤ 2⁻²¹ · (1 + Θ_δ),
 *
 * where Θ_δ is the *offset* phase — the part of the phase carried by the particle's float32
 * offset from the call's reference r (the midpoint of a narrow cloud): SimplePrecession and
 * SimpleInversion |x − r|·t/2, UnknownT2 |x₀ − r₀|·t/2 + |x₁ − r₁|·t, MultiCos
 * |x₀ − r₀|·t₁ + |x₁ − r₁|·t₂. The reference part r·t (up to 1e15 here) is reduced on the host
 * exactly and costs nothing. For contrast the float64 CPU models' own error is printed: they
 * round x·t to a double, so theirs grows like 2⁻⁵³·|x t|.
 */
import { describe, expect, it } from 'vitest';
import { ExpParams, Rng, SimplePrecessionModel, type Model } from '../src/index.js';
import { MultiCosModel } from '../src/models/MultiCosModel.js';
import { SimpleInversionModel } from '../src/models/SimpleInversionModel.js';
import { UnknownT2Model } from '../src/models/UnknownT2Model.js';
import { gpuBackend } from '../src/gpu/index.js';
import { cos2Fixed, fixed, productFixed } from './helpers/exactReference.js';
import { RUN_GPU, WHERE } from './gpuGate.js';

const TOL = 2 ** -21;
const logU = (rng: Rng, lo: number, hi: number): number => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * rng.uniform());

/**
 * Times of call `c` around step k₀ = 300 − 25c of an ExpSparse run, t = (9/8)^k: half at steps
 * k₀ − 20 … k₀ + 1, half log-uniform on [1, (9/8)³⁰⁰ ≈ 2e15].
 */
function times(rng: Rng, n: number, k0: number): number[] {
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 ? (9 / 8) ** Math.max(0, k0 + 1 - Math.floor(22 * rng.uniform())) : logU(rng, 1, (9 / 8) ** 300)));
}

/** A posterior-like width at step k₀ (~1/t, up to 10× either way), or (one call in three) a wide one. */
function width(rng: Rng, k0: number, c: number): number {
  return c % 3 === 2 ? logU(rng, 1e-6, 1e-3) : logU(rng, 0.1, 10) / (9 / 8) ** k0;
}

/** A cloud centre in [0.2, 0.9]; 0.9 for call 0, so that phases reach 0.9·(9/8)³⁰⁰/2 ≈ 1e15. */
function centre(rng: Rng, c: number): number {
  return c === 0 ? 0.9 : 0.2 + 0.7 * rng.uniform();
}

interface PhaseCase {
  readonly model: Model;
  /** A narrow cloud for call c around step k₀: centre and width per parameter. */
  cloud(rng: Rng, k0: number, c: number): { centre: number[]; width: number[] };
  experiments(rng: Rng, n: number, k0: number): ExpParams;
  /** Exact Pr(0) and the full phase |y| of particle x, experiment k. */
  exact(x: Float64Array, eps: ExpParams, k: number): { p0: number; phase: number };
  /** Θ_δ for offsets d = x − r. */
  offsetPhase(d: Float64Array, eps: ExpParams, k: number): number;
}

const sp = new SimplePrecessionModel(), si = new SimpleInversionModel(), t2 = new UnknownT2Model(), mc = new MultiCosModel();
const CASES: PhaseCase[] = [
  {
    model: sp,
    cloud: (r, k0, c) => ({ centre: [centre(r, c)], width: [width(r, k0, c)] }),
    experiments: (r, n, k0) => ExpParams.scalar(times(r, n, k0)),
    exact: (x, e, k) => ({ p0: cos2Fixed(productFixed(x[0]!, e.values()[k]!, -1)), phase: (x[0]! * e.values()[k]!) / 2 }),
    offsetPhase: (d, e, k) => Math.abs(d[0]! * e.values()[k]!) / 2,
  },
  {
    model: si,
    cloud: (r, k0, c) => ({ centre: [centre(r, c)], width: [width(r, k0, c)] }),
    experiments: (r, n, k0) => ExpParams.records(si.expparamsSchema, times(r, n, k0).map((t) => ({ t, w_: r.uniform() * 0.1 }))),
    exact: (x, e, k) => {
      const t = e.field('t')[k]!, w = e.field('w_')[k]!;
      return { p0: cos2Fixed(((fixed(x[0]!) - fixed(w)) * fixed(t)) >> 401n), phase: Math.abs((t * (x[0]! - w)) / 2) };
    },
    offsetPhase: (d, e, k) => Math.abs(d[0]! * e.field('t')[k]!) / 2,
  },
  {
    model: t2,
    cloud: (r, k0, c) => {
      const c1 = logU(r, 0.1, 3) / (9 / 8) ** k0; // decay rates that leave v = e^{−t T₂⁻¹} visible at step k₀
      return { centre: [centre(r, c), c1], width: [width(r, k0, c), c1 * logU(r, 1e-3, 0.5)] };
    },
    experiments: (r, n, k0) => ExpParams.records(t2.expparamsSchema, times(r, n, k0).map((t) => ({ t }))),
    exact: (x, e, k) => {
      const t = e.field('t')[k]!;
      const v = Math.exp(-t * x[1]!);
      return { p0: v * cos2Fixed(productFixed(x[0]!, t, -1)) + (1 - v) / 2, phase: (x[0]! * t) / 2 };
    },
    offsetPhase: (d, e, k) => Math.abs(d[0]! * e.field('t')[k]!) / 2 + Math.abs(d[1]! * e.field('t')[k]!),
  },
  {
    model: mc,
    cloud: (r, k0, c) => ({ centre: [centre(r, c), centre(r, c)], width: [width(r, k0, c), width(r, k0, c)] }),
    experiments: (r, n, k0) => {
      const t1 = times(r, n, k0), t2s = times(r, n, k0);
      return ExpParams.records(mc.expparamsSchema, t1.map((t, k) => ({ ts: [t, t2s[k]!] })));
    },
    exact: (x, e, k) => {
      const ts = e.field('ts');
      return {
        p0: cos2Fixed(productFixed(x[0]!, ts[2 * k]!)) * cos2Fixed(productFixed(x[1]!, ts[2 * k + 1]!)),
        phase: Math.max(x[0]! * ts[2 * k]!, x[1]! * ts[2 * k + 1]!),
      };
    },
    offsetPhase: (d, e, k) => Math.abs(d[0]! * e.field('ts')[2 * k]!) + Math.abs(d[1]! * e.field('ts')[2 * k + 1]!),
  },
];

describe.runIf(RUN_GPU)(`phase-exact GPU likelihood at phases up to 1e15 ${WHERE}`, () => {
  it.each(CASES.map((c) => [c.model.name, c] as const))('%s: |L − L_exact| ≤ 2⁻²¹(1 + Θ_δ), whatever the reference phase', async (_name, c) => {
    const gpu = gpuBackend();
    const rng = new Rng(2024);
    const nP = c.model.nModelparams, nM = 80, nE = 40, outcomes = Int32Array.of(0, 1);
    let worst = 0, maxPhase = 0, sharpAtLarge = 0, cpuWorst = 0;
    const bad: string[] = [];
    for (let call = 0; call < 12; call++) {
      const k0 = 300 - 25 * call;
      const { centre, width } = c.cloud(rng, k0, call);
      const x = new Float64Array(nM * nP);
      for (let j = 0; j < nM; j++) for (let p = 0; p < nP; p++) x[j * nP + p] = centre[p]! + width[p]! * (rng.uniform() - 0.5);
      // the backend's reference for a narrow cloud is its midrange
      const ref = Array.from({ length: nP }, (_, p) => {
        let lo = Infinity, hi = -Infinity;
        for (let j = 0; j < nM; j++) (lo = Math.min(lo, x[j * nP + p]!)), (hi = Math.max(hi, x[j * nP + p]!));
        expect(hi).toBeLessThanOrEqual(3 * lo);
        return lo + (hi - lo) / 2;
      });
      const eps = c.experiments(rng, nE, k0);
      const L = await gpu.likelihood({ model: c.model, outcomes, x, nModels: nM, expparams: eps });
      const cpu = c.model.likelihood(outcomes, x, eps).data;
      for (let j = 0; j < nM; j++) {
        const xj = x.subarray(j * nP, (j + 1) * nP);
        const d = Float64Array.from(xj, (v, p) => v - ref[p]!);
        for (let k = 0; k < nE; k++) {
          const { p0, phase } = c.exact(xj, eps, k);
          const th = c.offsetPhase(d, eps, k);
          maxPhase = Math.max(maxPhase, Math.abs(phase));
          if (Math.abs(phase) > 1e14 && th < 1) sharpAtLarge++;
          for (let o = 0; o < 2; o++) {
            const i = (o * nM + j) * nE + k;
            const want = o === 0 ? p0 : 1 - p0;
            const gap = Math.abs(L[i]! - want);
            expect(L[i]).toBeGreaterThanOrEqual(0);
            expect(L[i]).toBeLessThanOrEqual(1);
            worst = Math.max(worst, gap / (2 ** -23 * (1 + th)));
            if (Math.abs(phase) > 1e12) cpuWorst = Math.max(cpuWorst, Math.abs(cpu[i]! - want));
            if (!(gap <= TOL * (1 + th)) && bad.length < 5) bad.push(`call ${call} j${j} k${k} o${o}: ${L[i]} vs ${want} (phase ${phase}, Θ_δ ${th})`);
          }
        }
      }
    }
    await gpu.close();
    expect(bad).toEqual([]);
    expect(maxPhase).toBeGreaterThan(5e14); // phases up to ~1e15 …
    expect(sharpAtLarge).toBeGreaterThan(20); // … many of them with Θ_δ < 1, where the bound is 2⁻²⁰
    console.log(`${c.model.name}: worst |ΔL| = ${worst.toFixed(2)} × 2⁻²³(1+Θ_δ) at phases up to ${maxPhase.toExponential(1)}; float64 CPU model's worst |ΔL| at phases > 1e12: ${cpuWorst.toExponential(1)} ${WHERE}`);
  });
});
