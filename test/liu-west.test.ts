import { describe, expect, it } from 'vitest';
import { QinferArgumentError, QinferError } from '../src/errors/QinferError.js';
import type { QinferWarning } from '../src/errors/warn.js';
import { ExpParams } from '../src/expparams/ExpParams.js';
import { UniformDistribution } from '../src/distributions/UniformDistribution.js';
import { SimplePrecessionModel } from '../src/models/SimplePrecessionModel.js';
import { LiuWestResampler } from '../src/resamplers/LiuWestResampler.js';
import type { ResampleOptions } from '../src/resamplers/Resampler.js';
import { multinomialParents, sortedUniforms } from '../src/resamplers/sortedUniforms.js';
import { Rng } from '../src/rng/Rng.js';
import { ParticleDistribution } from '../src/smc/ParticleDistribution.js';
import { SMCUpdater } from '../src/smc/SMCUpdater.js';
import { toRowMajor, type ParticlesLike } from '../src/util/particles.js';
import { MockModel } from './helpers/testModels.js';

/** A generator that replays fixed uniforms (then 0.5); only `uniform()` is used by these kernels. */
function replay(values: number[]): Rng {
  let i = 0;
  const uniform = (): number => values[i++] ?? 0.5;
  const fillUniform = (out: Float64Array, start = 0, end = out.length): Float64Array => {
    for (let k = start; k < end; k++) out[k] = uniform();
    return out;
  };
  return { uniform, fillUniform } as unknown as Rng;
}

/** One parameter, valid only in the bands (0, 3) and (10, 13): just to the right of two parents at 0 and 10. */
class TwoBandModel extends MockModel {
  validCalls = 0;
  constructor() {
    super({ nMps: 1 });
  }
  override areModelsValid(mps: ParticlesLike): Uint8Array {
    this.validCalls++;
    const { x, nM } = toRowMajor(mps, 1);
    return Uint8Array.from({ length: nM }, (_, j) => ((x[j]! > 0 && x[j]! < 3) || (x[j]! > 10 && x[j]! < 13) ? 1 : 0));
  }
}

/** One parameter, never valid. */
class NeverValidModel extends MockModel {
  constructor() {
    super({ nMps: 1 });
  }
  override areModelsValid(mps: ParticlesLike): Uint8Array {
    return new Uint8Array(toRowMajor(mps, 1).nM);
  }
}

describe('sortedUniforms', () => {
  it('is sorted, in [0, 1), and uniform (Kolmogorov–Smirnov distance below the 0.1% critical value)', () => {
    const n = 20000, u = sortedUniforms(n, new Rng(4));
    let ks = 0, sorted = true;
    for (let i = 0; i < n; i++) {
      if (i > 0 && u[i]! < u[i - 1]!) sorted = false;
      ks = Math.max(ks, Math.abs(u[i]! - (i + 1) / n), Math.abs(u[i]! - i / n));
    }
    expect(sorted).toBe(true);
    expect(u[0]!).toBeGreaterThanOrEqual(0);
    expect(u[n - 1]!).toBeLessThan(1);
    expect(ks).toBeLessThan(1.95 / Math.sqrt(n));
  });

  it('never returns 1, even when the last gap is below an ulp of the total', () => {
    const u = sortedUniforms(3, replay([0.5, 0.5, 0.5, 1e-300]));
    expect(u[2]!).toBeLessThan(1);
    expect(u[0]!).toBeCloseTo(1 / 3, 15);
    expect(u[1]!).toBeCloseTo(2 / 3, 15);
  });
});

describe('multinomialParents', () => {
  it('draws parents with frequencies ∝ weights, in ascending order, never a zero-weight particle', () => {
    const w = Float64Array.of(0, 0.1, 0, 0.3, 0.6, 0);
    const m = 100000, parents = multinomialParents(w, m, new Rng(7));
    const counts = new Array<number>(w.length).fill(0);
    let ascending = true;
    for (let i = 0; i < m; i++) {
      counts[parents[i]!]!++;
      if (i > 0 && parents[i]! < parents[i - 1]!) ascending = false;
    }
    expect(ascending).toBe(true);
    expect([counts[0], counts[2], counts[5]]).toEqual([0, 0, 0]);
    for (const j of [1, 3, 4]) expect(Math.abs(counts[j]! - m * w[j]!), `parent ${j}`).toBeLessThan(4 * Math.sqrt(m * w[j]! * (1 - w[j]!)));
  });

  it('a uniform beyond the rounded total goes to the last particle of positive weight', () => {
    // Σw = 0.99999999999 < u₃ ≈ 1: QInfer's clamp would pick the zero-weight particle 2.
    const parents = multinomialParents(Float64Array.of(0.5, 0.49999999999, 0), 3, replay([0.5, 0.5, 0.5, 1e-300]));
    expect(Array.from(parents)).toEqual([0, 1, 1]);
  });

  it('ParticleDistribution.sample clamps the same way', () => {
    // These normalised weights sum to 1 − 2⁻⁵² in floating point; u = 1 − 2⁻⁵³ lies beyond it.
    const w = [0.909, 0.063, 0.261, 0.332, 0.498, 0.289, 0];
    const pd = new ParticleDistribution(w.map((_, i) => [i]), w);
    const s = pd.sample(2, { uniform: () => 1 - 2 ** -53 } as unknown as Rng);
    expect(Array.from(s.data)).toEqual([5, 5]);
  });
});

describe('ParticleDistribution.estCovarianceCentered', () => {
  it('is exactly zero for identical particles and agrees with the one-pass estimate otherwise', () => {
    const same = new ParticleDistribution(Array.from({ length: 500 }, () => [0.5, -1.25]));
    expect(Array.from(same.estCovarianceCentered())).toEqual([0, 0, 0, 0]);
    const pd = new ParticleDistribution([[1, 2], [3, 1], [0, 0], [2, 5]], [0.1, 0.2, 0.3, 0.4]);
    const one = pd.estCovarianceMtx().data, two = pd.estCovarianceCentered();
    for (let i = 0; i < 4; i++) expect(two[i]!).toBeCloseTo(one[i]!, 13);
    // By hand: μ₀ = 0.1 + 0.6 + 0 + 0.8 = 1.5; Var(x₀) = Σ w x₀² − μ₀² = 3.5 − 2.25 = 1.25.
    expect(two[0]!).toBeCloseTo(1.25, 14);
  });
});

describe('LiuWestResampler', () => {
  it('redraws a retried particle around its OWN parent (the fix of QInfer\'s retry quirk)', () => {
    // Parents 0 (weight 0.2) and 10 (weight 0.8); a = 1 so m_i is the parent itself; h S = 1.
    // About half of each parent's proposals fall outside its band and are retried. Redrawn around
    // their own parents, the share of particles near 0 stays the parent share 0.2; QInfer reuses the
    // first rows of m (here all parent 0, since our parents come sorted) and would push it near 0.6.
    const model = new TwoBandModel();
    const n = 4000;
    const rs = new LiuWestResampler({ a: 1, h: 1 });
    const dist = new ParticleDistribution([[0], [10]], [0.2, 0.8]);
    const cloud = rs.resample(model, dist, new Rng(12), { nParticles: n, precomputedCov: Float64Array.of(1) });
    expect(model.validCalls).toBeGreaterThan(1); // retries happened
    const valid = model.areModelsValid(cloud.locations);
    expect(Array.from(valid).every((v) => v === 1)).toBe(true);
    const nearZero = Array.from(cloud.locations).filter((x) => x < 5).length;
    expect(Math.abs(nearZero - 0.2 * n)).toBeLessThan(4 * Math.sqrt(n * 0.2 * 0.8));
  });

  it('keeps invalid particles after maxiter rounds, with one resampler warning', () => {
    const warnings: QinferWarning[] = [];
    const rs = new LiuWestResampler({ maxiter: 5, onWarning: (w) => warnings.push(w) });
    const cloud = rs.resample(new NeverValidModel(), new ParticleDistribution([[1], [2], [3]]), new Rng(1));
    expect(cloud.nParticles).toBe(3);
    expect(Array.from(cloud.locations).every(Number.isFinite)).toBe(true);
    expect(warnings.map((w) => w.category)).toEqual(['resampler']);
  });

  it('changes the particle count through defaultNParticles, overridden per call by nParticles', () => {
    const dist = new ParticleDistribution(Array.from({ length: 200 }, (_, i) => [i / 200, 1 - i / 200]));
    const model = new MockModel();
    const rs = new LiuWestResampler({ defaultNParticles: 50 });
    const c1 = rs.resample(model, dist, new Rng(1));
    expect([c1.nParticles, c1.locations.length, c1.weights.length]).toEqual([50, 100, 50]);
    expect(Array.from(c1.weights).every((w) => w === 1 / 50)).toBe(true);
    const c2 = rs.resample(model, dist, new Rng(1), { nParticles: 80 });
    expect([c2.nParticles, c2.locations.length]).toEqual([80, 160]);
    const c3 = new LiuWestResampler().resample(model, dist, new Rng(1));
    expect(c3.nParticles).toBe(200);
  });

  it('an updater adopts the new count, keeps Σw = 1, and updates fine afterwards', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 300, new UniformDistribution([0, 1]), {
      rng: 3,
      resampler: new LiuWestResampler({ defaultNParticles: 120 }),
    });
    up.update(0, ExpParams.scalar([2]), false);
    up.resample();
    expect(up.nParticles).toBe(120);
    expect(up.particleWeights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 14);
    up.update(1, ExpParams.scalar([4]));
    expect(up.particleWeights.length).toBe(120);
    expect(up.particleWeights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
  });

  it('the default resampler of an updater follows its current count (after reset with a new count)', () => {
    const up = new SMCUpdater(new SimplePrecessionModel(), 300, new UniformDistribution([0, 1]), { rng: 3 });
    up.reset({ nParticles: 77 });
    up.update(0, ExpParams.scalar([2]), false);
    up.resample();
    expect(up.nParticles).toBe(77);
  });

  it('rejects bad options with typed codes', () => {
    const bad: Array<[() => unknown, string]> = [
      [() => new LiuWestResampler({ a: 1.5 }), 'ERR_ARGUMENT'],
      [() => new LiuWestResampler({ h: -0.1 }), 'ERR_ARGUMENT'],
      [() => new LiuWestResampler({ maxiter: 1.5 }), 'ERR_PARTICLE_COUNT'],
      [() => new LiuWestResampler({ defaultNParticles: 0 }), 'ERR_PARTICLE_COUNT'],
      [() => new LiuWestResampler().resample(new MockModel(), new ParticleDistribution([[0, 1]]), new Rng(0), { nParticles: -2 }), 'ERR_PARTICLE_COUNT'],
    ];
    for (const [f, code] of bad) {
      expect(f).toThrow(QinferArgumentError);
      try {
        f();
      } catch (e) {
        expect((e as QinferArgumentError).code).toBe(code);
      }
    }
  });
});

describe('LiuWestResampler errors', () => {
  const dist = new ParticleDistribution([[0, 1], [1, 2], [2, 0]]);
  /** Class and code of what resampling `dist` with these options throws. */
  const failure = (opts: ResampleOptions): [unknown, string | undefined] => {
    try {
      new LiuWestResampler().resample(new MockModel(), dist, new Rng(0), opts);
    } catch (e) {
      return [(e as object).constructor, (e as QinferError).code];
    }
    return [undefined, undefined];
  };
  it('precomputed moments of the wrong size → ERR_SHAPE', () => {
    expect(failure({ precomputedMean: Float64Array.of(0) })).toEqual([QinferArgumentError, 'ERR_SHAPE']);
    expect(failure({ precomputedCov: Float64Array.of(1, 0, 0) })).toEqual([QinferArgumentError, 'ERR_SHAPE']);
  });
  it('a non-finite mean or covariance → QinferError ERR_RESAMPLER (never a NaN cloud)', () => {
    expect(failure({ precomputedMean: Float64Array.of(NaN, 0) })).toEqual([QinferError, 'ERR_RESAMPLER']);
    expect(failure({ precomputedCov: Float64Array.of(1, 0, 0, NaN) })).toEqual([QinferError, 'ERR_RESAMPLER']);
  });
});
