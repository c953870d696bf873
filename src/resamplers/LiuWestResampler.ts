import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import { ignoreWarnings, type WarningSink } from '../errors/warn.js';
import { checkCount } from '../util/checkCount.js';
import type { Model } from '../models/Model.js';
import type { Rng } from '../rng/Rng.js';
import type { ParticleDistribution } from '../smc/ParticleDistribution.js';
import { robustSqrtmPsd } from '../util/robustSqrtmPsd.js';
import { matrix } from '../util/particles.js';
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
 * The Liu–West resampler (Liu & West 2001; QInfer's `LiuWestResampler`, `qinfer/resamplers.py`):
 *
 *   x'_i = a x_{j_i} + (1 − a) μ + h S z_i,   S = sqrtm_psd(C),  z_i ~ N(0, I),
 *
 * with parents `j_i` drawn with probability `w` (multinomial, in O(n) from sorted uniforms: no
 * sorting), `μ`, `C` the weighted mean and covariance. With `a² + h² = 1` the new cloud keeps
 * the mean and covariance in expectation. All new weights are `1/n`.
 *
 * Decisions on QInfer's quirks: a particle that is invalid after a round is redrawn around its
 * OWN shrunk parent `m_i` (QInfer reuses the first rows of `m`, a bug); after `maxiter` rounds
 * the invalid particles are kept with a `resampler` warning, as in QInfer. `C` is computed in two
 * passes about a shift ({@link ParticleDistribution.estCovarianceCentered}), so identical particles
 * give exactly `C = 0` and the `zeroCovComp · I` fallback (QInfer's one-pass estimate can round
 * to ±1e-17 there, and a negative value would collapse the cloud for good). A zero-weight particle
 * is never a parent.
 *
 * Near-singular, non-positive-semidefinite or non-finite covariances (QInfer #108, #151) go
 * through `robustSqrtmPsd` (symmetrised, eigenvalues clipped, `zeroCovComp · I` fallback, with a
 * warning). Errors: precomputed mean/covariance of the wrong size → `ERR_SHAPE`; a non-finite
 * mean or covariance → `QinferError` `ERR_RESAMPLER`.
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
    const p = liuWestParameters(options);
    this.a = p.a;
    this.h = p.h;
    this.maxiter = p.maxiter;
    this.postselect = p.postselect;
    this.zeroCovComp = p.zeroCovComp;
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
    if (mu.length !== d || (options.precomputedCov !== undefined && options.precomputedCov.length !== d * d)) {
      throw new QinferArgumentError('ERR_SHAPE', `precomputed mean/covariance must have ${d} / ${d * d} values`);
    }
    if (!mu.every(Number.isFinite)) throw new QinferError('ERR_RESAMPLER', 'the mean of the particle cloud is not finite', { details: { mean: Array.from(mu) } });
    // Two-pass covariance: identical particles give exactly 0 (QInfer's one-pass estimate can
    // round to ±1e-17 there, and a negative one would collapse the cloud instead of the fallback).
    const C = options.precomputedCov ?? dist.estCovarianceCentered();
    const hS = liuWestKernelWidth(C, d, this, this.onWarning);
    const a = this.a, x = dist.locations, w = dist.particleWeights;
    const parents = multinomialParents(w, n, rng);
    // m_i = a x_{j_i} + (1 − a) μ
    const m = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const o = parents[i]! * d;
      for (let p = 0; p < d; p++) m[i * d + p] = a * x[o + p]! + (1 - a) * mu[p]!;
    }
    // First round: every particle at once, validated in place (no copies).
    const allocate = options.allocate ?? ((k: number) => new Float64Array(k));
    const out = allocate(n * d);
    const z = new Float64Array(n * d);
    this.kernel(z, rng);
    jitter(m, hS, z, out, d, null, n);
    if (this.postselect) {
      let valid = model.areModelsValid(matrix(out, n, d));
      let todo = invalidRows(valid, null, n);
      // Later rounds: only the invalid particles, each redrawn around its OWN m_i.
      for (let iter = 1; todo.length > 0; iter++) {
        if (iter >= this.maxiter) {
          this.onWarning({ category: 'resampler', message: `Liu-West resampling failed to find valid models for ${todo.length} particles within ${this.maxiter} iterations.` });
          break;
        }
        const k = todo.length;
        this.kernel(z.subarray(0, k * d), rng);
        const cand = new Float64Array(k * d);
        jitter(m, hS, z, cand, d, todo, k);
        valid = model.areModelsValid(matrix(cand, k, d));
        for (let r = 0; r < k; r++) for (let p = 0; p < d; p++) out[todo[r]! * d + p] = cand[r * d + p]!;
        todo = invalidRows(valid, todo, k);
      }
    }
    return { locations: out, weights: allocate(n).fill(1 / n), nParticles: n };
  }
}

/** The Liu–West parameters, with QInfer's defaults. */
export interface LiuWestParameters {
  readonly a: number;
  readonly h: number;
  readonly maxiter: number;
  readonly postselect: boolean;
  readonly zeroCovComp: number;
}

/**
 * The Liu–West parameters with their defaults, validated — shared by every host of the
 * resampler (this one, the GPU-resident updater): `a ∈ [0, 1]` (default 0.98), `h ≥ 0` finite
 * (default `√(1 − a²)`), `maxiter` a non-negative integer (default 1000), `postselect`
 * (default true), `zeroCovComp` (default 1e-10). Bad values throw `ERR_ARGUMENT` /
 * `ERR_PARTICLE_COUNT`.
 *
 * @example
 * ```ts
 * liuWestParameters({ a: 0.9 }).h; // √(1 − 0.81) ≈ 0.436
 * ```
 */
export function liuWestParameters(options: { a?: number; h?: number; maxiter?: number; postselect?: boolean; zeroCovComp?: number }): LiuWestParameters {
  const a = options.a ?? 0.98;
  if (!(a >= 0 && a <= 1)) throw new QinferArgumentError('ERR_ARGUMENT', `Liu–West a must be in [0, 1], got ${a}`);
  const h = options.h ?? Math.sqrt(1 - a * a);
  if (!(h >= 0) || !Number.isFinite(h)) throw new QinferArgumentError('ERR_ARGUMENT', `Liu–West h must be ≥ 0, got ${h}`);
  const maxiter = options.maxiter ?? 1000;
  checkCount(maxiter, 'maxiter', true);
  return { a, h, maxiter, postselect: options.postselect ?? true, zeroCovComp: options.zeroCovComp ?? 1e-10 };
}

/**
 * The kernel of the Liu–West move, `h · sqrtm_psd(C)` (`[d·d]`, row-major), with QInfer's
 * fallback: a covariance of zero norm is replaced by `zeroCovComp · I` with a `resampler`
 * warning. The square root is {@link robustSqrtmPsd}'s (symmetrised, negative eigenvalues
 * clipped), with a `resampler` warning when it clips a significantly negative eigenvalue or falls
 * back — never a non-finite kernel; a non-finite covariance is `ERR_RESAMPLER`.
 *
 * @example
 * ```ts
 * liuWestKernelWidth(Float64Array.of(4), 1, { h: 0.2, zeroCovComp: 1e-10 }, sink); // Float64Array [0.4]
 * ```
 */
export function liuWestKernelWidth(C: Float64Array, d: number, p: Pick<LiuWestParameters, 'h' | 'zeroCovComp'>, onWarning: WarningSink): Float64Array {
  let cov = C;
  if (cov.every((c) => c === 0)) {
    onWarning({ category: 'resampler', message: 'Covariance has zero norm; adding in small covariance in resampler. Consider increasing n_particles to improve covariance estimates.' });
    cov = new Float64Array(d * d);
    for (let q = 0; q < d; q++) cov[q * d + q] = p.zeroCovComp;
  }
  // Robust square root (QInfer issues #108, #151): symmetrised, eigenvalues clipped at 0 (see
  // robustSqrtmPsd for its fallbacks). A non-finite covariance is an error, not something to hide.
  if (!cov.every(Number.isFinite)) {
    throw new QinferError('ERR_RESAMPLER', 'Non-finite covariance in the Liu–West resampler', { details: { cov: Array.from(cov) } });
  }
  const r = robustSqrtmPsd(cov, d, p.zeroCovComp);
  if (r.fallback !== 'none' || r.minEigenvalue < -1e-10 * Math.abs(r.maxEigenvalue)) {
    onWarning({ category: 'resampler', message: `Covariance is not positive semidefinite or not finite (eigenvalues ${r.minEigenvalue} … ${r.maxEigenvalue}); using the ${r.fallback === 'none' ? 'eigenvalue-clipped' : r.fallback} square root.` });
  }
  return r.S.map((s) => s * p.h);
}

/** `dst[r] = m[rows[r]] + hS · z[r]` for `r < k` (`rows` null: the identity). */
function jitter(m: Float64Array, hS: Float64Array, z: Float64Array, dst: Float64Array, d: number, rows: Int32Array | null, k: number): void {
  if (d === 1) {
    const h = hS[0]!;
    for (let r = 0; r < k; r++) dst[r] = m[rows === null ? r : rows[r]!]! + h * z[r]!;
    return;
  }
  for (let r = 0; r < k; r++) {
    const i = rows === null ? r : rows[r]!;
    for (let p = 0; p < d; p++) {
      let s = 0;
      for (let q = 0; q < d; q++) s += hS[p * d + q]! * z[r * d + q]!;
      dst[r * d + p] = m[i * d + p]! + s;
    }
  }
}

/** The particle indices whose `valid` flag is 0 (`rows[r]` for row r, or r itself). */
function invalidRows(valid: Uint8Array, rows: Int32Array | null, k: number): Int32Array {
  let c = 0;
  for (let r = 0; r < k; r++) if (valid[r] === 0) c++;
  const out = new Int32Array(c);
  c = 0;
  for (let r = 0; r < k; r++) if (valid[r] === 0) out[c++] = rows === null ? r : rows[r]!;
  return out;
}
