import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import { ignoreWarnings, type WarningSink } from '../errors/warn.js';
import { checkCount } from '../distributions/checkCount.js';
import type { Model } from '../models/Model.js';
import type { Rng } from '../rng/Rng.js';
import type { ParticleDistribution } from '../smc/ParticleDistribution.js';
import { sqrtmPsd } from '../util/symmetricEigen.js';
import type { ResampledCloud, ResampleOptions, Resampler } from './Resampler.js';
import { multinomialParents } from './sortedUniforms.js';

/** Options of {@link LiuWestResampler} (QInfer's defaults). */
export interface LiuWestOptions {
  /** Shrinkage towards the mean, default 0.98. */
  a?: number;
  /** Kernel width; default `√(1 − a²)` so that the covariance is preserved. */
  h?: number;
  /** Rounds of redrawing invalid particles, default 1000. */
  maxiter?: number;
  /** Redraw particles the model calls invalid, default true. */
  postselect?: boolean;
  /** Covariance used when the estimate is exactly zero: `zeroCovComp · I`, default 1e-10. */
  zeroCovComp?: number;
  /** Particle count of the new cloud (default: that of the old one). */
  defaultNParticles?: number;
  /** Fills `out` with standard normals (default `rng.normal()`); injectable for tests. */
  kernel?: (out: Float64Array, rng: Rng) => void;
  /** Where ResamplerWarnings go. */
  onWarning?: WarningSink;
}

/**
 * The Liu–West resampler (Liu & West 2001; QInfer's `LiuWestResampler`, spec §4):
 *
 *   x'_i = a x_{j_i} + (1 − a) μ + h S z_i,   S = sqrtm_psd(C),  z_i ~ N(0, I),
 *
 * with parents `j_i` drawn with probability `w` (multinomial, in O(n) from sorted uniforms: no
 * sorting), `μ`, `C` the weighted mean and covariance. With `a² + h² = 1` the new cloud keeps
 * the mean and covariance in expectation. All new weights are `1/n`.
 *
 * Decisions on QInfer's quirks: a particle that is invalid after a round is redrawn around its
 * OWN shrunk parent `m_i` (QInfer reuses the first rows of `m`, a bug); after `maxiter` rounds
 * the invalid particles are kept with a `resampler` warning, as in QInfer.
 *
 * @example
 * ```ts
 * import { LiuWestResampler } from 'qinfer-rx';
 * const rs = new LiuWestResampler({ a: 0.98 });
 * const cloud = rs.resample(model, updater, rng); // { locations, weights, nParticles }
 * ```
 */
export class LiuWestResampler implements Resampler {
  readonly a: number;
  readonly h: number;
  readonly maxiter: number;
  readonly postselect: boolean;
  readonly zeroCovComp: number;
  readonly defaultNParticles: number | undefined;
  private readonly kernel: (out: Float64Array, rng: Rng) => void;
  private readonly onWarning: WarningSink;

  constructor(options: LiuWestOptions = {}) {
    this.a = options.a ?? 0.98;
    if (!(this.a >= 0 && this.a <= 1)) throw new QinferArgumentError('ERR_ARGUMENT', `Liu–West a must be in [0, 1], got ${this.a}`);
    this.h = options.h ?? Math.sqrt(1 - this.a * this.a);
    if (!(this.h >= 0) || !Number.isFinite(this.h)) throw new QinferArgumentError('ERR_ARGUMENT', `Liu–West h must be ≥ 0, got ${this.h}`);
    this.maxiter = options.maxiter ?? 1000;
    checkCount(this.maxiter, 'maxiter', true);
    this.postselect = options.postselect ?? true;
    this.zeroCovComp = options.zeroCovComp ?? 1e-10;
    if (options.defaultNParticles !== undefined) checkCount(options.defaultNParticles, 'defaultNParticles');
    this.defaultNParticles = options.defaultNParticles;
    this.kernel = options.kernel ?? ((out, rng) => rng.fillNormal(out));
    this.onWarning = options.onWarning ?? ignoreWarnings;
  }

  resample(model: Model, dist: ParticleDistribution, rng: Rng, options: ResampleOptions = {}): ResampledCloud {
    const d = dist.nRvs;
    const n = options.nParticles ?? this.defaultNParticles ?? dist.nParticles;
    checkCount(n, 'nParticles');
    const mu = options.precomputedMean ?? dist.estMean();
    let C = options.precomputedCov ?? dist.estCovarianceMtx().data;
    let fro = 0;
    for (let i = 0; i < d * d; i++) fro += C[i]! * C[i]!;
    if (fro === 0) {
      this.onWarning({ category: 'resampler', message: 'Covariance has zero norm; adding in small covariance in resampler. Consider increasing n_particles to improve covariance estimates.' });
      C = new Float64Array(d * d);
      for (let p = 0; p < d; p++) C[p * d + p] = this.zeroCovComp;
    }
    const { S, error } = sqrtmPsd(C, d);
    if (!Number.isFinite(error)) {
      throw new QinferError('ERR_RESAMPLER', 'Non-finite matrix square root of the covariance in the Liu–West resampler', { details: { error } });
    }
    const hS = S.map((s) => s * this.h);
    const a = this.a, x = dist.locations, w = dist.particleWeights;
    const parents = multinomialParents(w, n, rng);
    // m_i = a x_{j_i} + (1 − a) μ
    const m = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const o = parents[i]! * d;
      for (let p = 0; p < d; p++) m[i * d + p] = a * x[o + p]! + (1 - a) * mu[p]!;
    }
    const out = new Float64Array(n * d);
    let todo = Int32Array.from({ length: n }, (_, i) => i);
    const z = new Float64Array(n * d);
    for (let iter = 0; ; iter++) {
      this.kernel(z.subarray(0, todo.length * d), rng);
      for (let r = 0; r < todo.length; r++) {
        const i = todo[r]!;
        for (let p = 0; p < d; p++) {
          let s = 0;
          for (let q = 0; q < d; q++) s += hS[p * d + q]! * z[r * d + q]!;
          out[i * d + p] = m[i * d + p]! + s;
        }
      }
      if (!this.postselect) break;
      const cand = new Float64Array(todo.length * d);
      todo.forEach((i, r) => cand.set(out.subarray(i * d, (i + 1) * d), r * d));
      const valid = model.areModelsValid(cand);
      const still = todo.filter((_, r) => valid[r] === 0);
      if (still.length === 0) break;
      if (iter + 1 >= this.maxiter) {
        this.onWarning({ category: 'resampler', message: `Liu-West resampling failed to find valid models for ${still.length} particles within ${this.maxiter} iterations.` });
        break;
      }
      todo = still;
    }
    return { locations: out, weights: new Float64Array(n).fill(1 / n), nParticles: n };
  }
}
