import { describe, expect, it } from 'vitest';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { ExpParams, recordSchema } from '../src/expparams/ExpParams.js';
import { ExpSparseHeuristic } from '../src/heuristics/ExpSparseHeuristic.js';
import { SimpleInversionModel } from '../src/models/SimpleInversionModel.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { Rng } from '../src/rng/Rng.js';
import { FusedCloud } from '../src/smc/fusedCloud.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { laneSum, scaleWeights, UPDATE_SUMS, WEIGH_CLIPPED, weighLikelihood } from '../src/smc/likelihoodWeights.js';
import { neumaierError } from '../src/util/compensatedSum.js';
import { UpdateKernels } from '../src/util/wasm/updateKernels.js';

/** The same model with its kernel replaced by an equal one: the updater must take the JavaScript path. */
class JsPathPrecession extends SimplePrecessionModel {
  override pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start?: number, end?: number): void {
    super.pr0Into(x, nM, eps, out, start, end);
  }
}

const wasm = UpdateKernels.create() !== undefined;

describe.runIf(wasm)('WebAssembly update kernels', () => {
  it('equal the JavaScript likelihood and both update passes bit for bit: v, the lane sums, the new weights (odd n, both outcomes, offsets)', () => {
    for (const n of [1, 7, 1001]) {
      const k = UpdateKernels.create()!;
      k.reserve(n);
      const x = new Rng(n).fillUniform(new Float64Array(n)).map((v) => 2 * v - 0.5);
      const w = new Rng(n + 1).fillUniform(new Float64Array(n));
      k.x.set(x);
      k.w.set(w);
      const model = new SimpleInversionModel();
      for (const [t, off, outcome] of [[3.7, 0, 0], [120.5, 0.25, 1], [1e6, -0.1, 0], [0, 0, 1]] as const) {
        const eps = ExpParams.records(recordSchema({ name: 't', type: 'float' }, { name: 'w_', type: 'float' }), [{ t, w_: off }]);
        const L = model.likelihood(outcome, x, eps).data;
        const sums = new Float64Array(UPDATE_SUMS), clipped = weighLikelihood(L, w, x, n, sums) === WEIGH_CLIPPED;
        k.cos2Weights(n, t / 2, off, outcome);
        expect(k.flags).toBe(clipped ? 1 : 0);
        expect(Array.from(k.sums)).toEqual(Array.from(sums));
        for (let i = 0; i < n; i++) expect(k.v[i]).toBe(w[i]! * Math.max(L[i]!, 0));
        // the sums in their lanes: even indices in lane 0, odd in lane 1, each in index order
        let N0 = 0, c0 = 0, M1 = 0;
        for (let i = 0; i < n; i += 2) {
          const v = w[i]! * Math.max(L[i]!, 0), s = N0 + v;
          c0 += neumaierError(N0, v, s);
          N0 = s;
        }
        for (let i = 1; i < n; i += 2) M1 += w[i]! * Math.max(L[i]!, 0) * x[i]!;
        expect([sums[0], sums[2], sums[9]]).toEqual([N0, c0, M1]);
        const r = 1 / laneSum(sums[0]!, sums[1]!, sums[2]!, sums[3]!);
        k.scale(n, r);
        const wj = w.slice();
        scaleWeights(L, wj, n, r);
        for (let i = 0; i < n; i++) expect(k.w[i]).toBe(wj[i]);
        k.w.set(w);
      }
    }
  });

  it('flags a datum for the JavaScript path where cos² needs Math.cos (|y| ≥ 1.3e10) or x is NaN', () => {
    const k = UpdateKernels.create()!;
    k.reserve(3);
    k.x.set([0.5, 0.9, 0.1]);
    k.w.fill(1 / 3);
    expect(Number.isNaN(FusedWeighNaN(k, 1e11))).toBe(true);
    expect(Number.isNaN(FusedWeighNaN(k, 1e10))).toBe(false); // y = 9e9: still exact
    k.cos2Weights(3, 1, 0, 0);
    expect(k.flags).toBe(0);
    k.x[1] = NaN;
    k.cos2Weights(3, 1, 0, 0);
    expect(k.flags & 2).toBe(2);
    // Judged once per call, not per pair: a NaN or infinite location of weight 0, in either
    // lane, at the odd tail, or among many, is still seen.
    for (const n of [3, 8, 1001]) {
      for (const at of [0, 1, n - 1]) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          k.reserve(n);
          k.x.fill(0.5, 0, n);
          k.w.fill(1 / n, 0, n);
          k.x[at] = bad;
          k.w[at] = 0;
          k.cos2Weights(n, 1, 0, at % 2);
          expect(k.flags & 2, `n ${n}, x[${at}] = ${bad}`).toBe(2);
        }
      }
      k.x.fill(0.5, 0, n);
      k.cos2Weights(n, 1, 0, 1);
      expect(k.flags, `n ${n}, all finite`).toBe(0);
    }
  });

  it('an updater on the fused path gives the JavaScript path\'s run bit for bit: weights, resampling, records, estimates, call counts', () => {
    // scale 30: t reaches 4e11, so the last ~40 data go through the JavaScript redo (|y| ≥ 1.3e10).
    const run = (model: SimplePrecessionModel) => {
      const up = new SMCUpdater(model, 2000, new UniformDistribution([0, 1]), { rng: 5 });
      const h = new ExpSparseHeuristic(up, { scale: 30 }), sim = new Rng(6), means: number[] = [];
      for (let k = 0; k < 200; k++) {
        const eps = h.next();
        up.update(model.simulateExperiment([[0.83]], eps, sim).data[0]!, eps);
        means.push(up.estMean()[0]!);
      }
      return { up, means, calls: model.callCount };
    };
    const fused = run(new SimplePrecessionModel()), js = run(new JsPathPrecession());
    expect(FusedCloud.create(new JsPathPrecession(), 1)).toBeDefined(); // the guard is the model's, not the cloud's
    expect(fused.up.locations.buffer).not.toBe(js.up.locations.buffer);
    expect(fused.up.resampleCount).toBeGreaterThan(10);
    expect(fused.up.resampleCount).toBe(js.up.resampleCount);
    expect(fused.up.normalizationRecord).toEqual(js.up.normalizationRecord);
    expect(fused.means).toEqual(js.means);
    expect(Array.from(fused.up.particleWeights)).toEqual(Array.from(js.up.particleWeights));
    expect(Array.from(fused.up.locations)).toEqual(Array.from(js.up.locations));
    expect(fused.calls).toBe(js.calls);
    expect(fused.up.nEss).toBe(js.up.nEss);
  });
});

/** cos2Weights at h, returning NaN when the kernel asks for the JavaScript path (as FusedCloud.weigh). */
function FusedWeighNaN(k: UpdateKernels, h: number): number {
  k.cos2Weights(3, h, 0, 0);
  return (k.flags & 2) !== 0 ? NaN : laneSum(k.sums[0]!, k.sums[1]!, k.sums[2]!, k.sums[3]!);
}

describe('the WebAssembly module', () => {
  it('is the one its text in scripts/wasm/build-kernels.mjs assembles to (regenerate after editing it)', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, ['scripts/wasm/build-kernels.mjs', '--check'], { encoding: 'utf8' });
    expect(out).toContain('up to date');
  });

  it('compiles here (Node 20 has WebAssembly SIMD), so the fused update is what the suite tests', () => {
    expect(wasm).toBe(true);
  });
});
