import { describe, expect, it } from 'vitest';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import type { Model } from '../src/models/Model.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { LiuWestResampler } from '../src/resamplers/LiuWestResampler.js';
import { fillNormalZiggurat, zigguratFromUniform } from '../src/rng/normalZiggurat.js';
import { Rng } from '../src/rng/Rng.js';
import { ParticleDistribution } from '../src/smc/ParticleDistribution.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { UpdateKernels } from '../src/util/wasm/updateKernels.js';
import { MockModel } from './helpers/testModels.js';

const wasm = UpdateKernels.create() !== undefined;

/** Weights with zeros inside and at the end, a few dominant particles, the rest small. */
function awkwardWeights(n: number, rng: Rng): number[] {
  const w: number[] = Array.from({ length: n }, (_, i) => (i % 7 === 3 || i >= n - 2 ? 0 : rng.uniform() ** 6 * (i % 97 === 5 ? 1e4 : 1)));
  if (!w.some((v) => v > 0)) w[0] = 1;
  return w;
}

/** A cloud of d parameters (positive ω for d = 1: SimplePrecessionModel's valid region) with awkward weights. */
function cloud(n: number, d: number, seed: number): ParticleDistribution {
  const rng = new Rng(seed);
  const x = rng.fillNormal(new Float64Array(n * d));
  if (d === 1) for (let i = 0; i < n; i++) x[i] = 0.5 + 0.05 * x[i]!;
  return new ParticleDistribution(x, awkwardWeights(n, rng), { nRvs: d });
}

/** The new locations and the generator's next draw after one resampling with `rs`. */
function resampleWith(rs: LiuWestResampler, model: Model, dist: ParticleDistribution, seed: number): [number[], number] {
  const rng = new Rng(seed);
  const c = rs.resample(model, dist, rng);
  return [Array.from(c.locations), rng.uniform()];
}

describe.runIf(wasm)('Liu–West in WebAssembly', () => {
  it('the draw and move equal the JavaScript path and the unfused reference bit for bit, and leave the generator where they leave it (d = 1 … 4)', () => {
    for (const d of [1, 2, 3, 4]) {
      const model = d === 1 ? new SimplePrecessionModel() : new MockModel({ nMps: d });
      for (const n of d <= 2 ? [1, 2, 7, 1000, 6000, 40000] : [1, 2, 7, 1000, 6000]) {
        const dist = cloud(n, d, 10 * n + d);
        const seed = 3 * n + d;
        const kernel = resampleWith(new LiuWestResampler(), model, dist, seed);
        const js = resampleWith(new LiuWestResampler({ wasm: false }), model, dist, seed);
        // The unfused reference: the normals drawn first, then parents, then the move.
        const ref = resampleWith(new LiuWestResampler({ kernel: (out, r) => void fillNormalZiggurat(r, out) }), model, dist, seed);
        expect(kernel, `d ${d}, n ${n}`).toEqual(js);
        expect(kernel, `d ${d}, n ${n}`).toEqual(ref);
      }
    }
  });

  it('a changed particle count and precomputed moments take the same path to the same numbers', () => {
    const dist = cloud(3000, 2, 5);
    const opts = { nParticles: 1234, precomputedMean: dist.estMean(), precomputedCov: dist.estCovarianceCentered() };
    const model = new MockModel({ nMps: 2 });
    const a = new LiuWestResampler().resample(model, dist, new Rng(8), opts);
    const b = new LiuWestResampler({ wasm: false }).resample(model, dist, new Rng(8), opts);
    expect(a.nParticles).toBe(1234);
    expect(Array.from(a.locations)).toEqual(Array.from(b.locations));
  });

  it('the fused updater (cloud and new cloud in the kernels\' memory) gives the same posterior as the JavaScript path', () => {
    const run = (wasmResampler: boolean): SMCUpdater => {
      const model = new SimplePrecessionModel();
      const up = new SMCUpdater(model, 2000, new UniformDistribution([0, 1]), { rng: 4, resampler: new LiuWestResampler({ wasm: wasmResampler }) });
      const sim = new Rng(9);
      for (let k = 0; k < 60; k++) {
        const eps = ExpParams.scalar([1.3 ** k]);
        up.update(model.simulateExperiment([[0.42]], eps, sim).data[0]!, eps);
      }
      return up;
    };
    const a = run(true), b = run(false);
    expect(a.resampleCount).toBeGreaterThan(5);
    expect(a.resampleCount).toBe(b.resampleCount);
    expect(Array.from(a.particleLocations.data)).toEqual(Array.from(b.particleLocations.data));
    expect(Array.from(a.particleWeights)).toEqual(Array.from(b.particleWeights));
  });

  it('the kernels\' uniforms are Rng.fillUniform\'s stream, and the state goes back and forth', () => {
    const k = UpdateKernels.create()!;
    k.reserve(1001);
    const r = new Rng(77), ref = new Rng(77);
    r.writeState(k.state);
    k.fillUniform(k.u, 1001);
    r.readState(k.state);
    expect(Array.from(k.u.subarray(0, 1001))).toEqual(Array.from(ref.fillUniform(new Float64Array(1001))));
    expect(r.uniform()).toBe(ref.uniform());
  });
});

describe('Liu–West building blocks', () => {
  it('zigguratFromUniform finishes fillNormalZiggurat\'s values from their uniforms, in index order', () => {
    const n = 20000, U = new Rng(6).fillUniform(new Float64Array(n)), g = new Rng(6);
    g.fillUniform(new Float64Array(n));
    const z = Array.from(U, (u) => zigguratFromUniform(g, u));
    const ref = new Rng(6), zr = fillNormalZiggurat(ref, new Float64Array(n));
    expect(z).toEqual(Array.from(zr));
    expect(g.uniform()).toBe(ref.uniform());
  });

  it('Rng.writeState / readState restore the stream', () => {
    const r = new Rng(12), s = new Int32Array(6);
    r.uniform();
    r.writeState(s, 2);
    const a = [r.uniform(), r.nextUint32()];
    r.readState(s, 2);
    expect([r.uniform(), r.nextUint32()]).toEqual(a);
  });

  it('SimplePrecessionModel.areModelsValidInto writes what areModelsValid returns', () => {
    const m = new SimplePrecessionModel(), x = Float64Array.of(-1, 0, 1e-300, 0.5, NaN), out = new Uint8Array(7).fill(9);
    m.areModelsValidInto(x, 5, out);
    expect(Array.from(out.subarray(0, 5))).toEqual(Array.from(m.areModelsValid(x)));
    expect(out[5]).toBe(9);
  });

  it('SimplePrecessionModel.invalidRowsInto lists the rows areModelsValid calls invalid, in order', () => {
    const m = new SimplePrecessionModel(), x = Float64Array.of(-1, 0, 1e-300, 0.5, NaN, 2, -0), rows = new Int32Array(8).fill(-7);
    const valid = m.areModelsValid(x);
    const expected = [...valid.keys()].filter((j) => valid[j] === 0);
    expect(expected).toEqual([0, 1, 4, 6]);
    expect(m.invalidRowsInto(x, 7, rows)).toBe(4);
    expect(Array.from(rows.subarray(0, 4))).toEqual(expected);
    expect(rows[4]).toBe(-7);
  });

  it('SimplePrecessionModel.invalidRowsInto lists the same rows for a cloud in the WebAssembly kernels\' memory', () => {
    const k = UpdateKernels.create();
    if (k === undefined) return;
    const m = new SimplePrecessionModel(), rows = new Int32Array(9);
    k.reserve(9);
    for (const bad of [[], [0], [8], [3, 5], [7]]) {
      const x = k.x.subarray(0, 9);
      x.set([0.5, 0.1, 2, 0.3, 1e-300, 0.7, 0.9, 0.2, 0.4]);
      for (const j of bad) x[j] = j === 5 ? NaN : -0.1 * j;
      for (const n of [9, 8]) {
        const expected = bad.filter((j) => j < n);
        const c = m.invalidRowsInto(x.subarray(0, n), n, rows);
        expect(Array.from(rows.subarray(0, c))).toEqual(expected);
      }
    }
  });
});
