import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import { ignoreWarnings, type WarningSink } from '../errors/warn.js';
import { checkCount } from '../util/checkCount.js';
import type { Model } from '../models/Model.js';
import type { Rng } from '../rng/Rng.js';
import { fillNormalZiggurat } from '../rng/normalZiggurat.js';
import { centeredCovariance, weightedMean } from '../util/weightedMoments.js';
import type { ParticleDistribution } from '../smc/ParticleDistribution.js';
import { robustSqrtmPsd } from '../util/robustSqrtmPsd.js';
import { matrix } from '../util/particles.js';
import type { ResampledCloud, ResampleOptions, Resampler } from './Resampler.js';
import { MultinomialGuide } from './multinomialGuide.js';
import { multinomialParents } from './sortedUniforms.js';

/**
 * Up to this many particles (old and new) the parents come from the guide table in random order
 * (its tables and the cloud stay in cache); beyond, from sorted uniforms in index order.
 */
const GUIDE_MAX = 1 << 15;

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
  /** Fills `out` with standard normals (default: the ziggurat, `fillNormalZiggurat`); injectable for tests. */
  kernel?: (out: Float64Array, rng: Rng) => void;
  /** Where ResamplerWarnings go. */
  onWarning?: WarningSink;
}

/**
 * The Liu–West resampler (Liu & West 2001; QInfer's `LiuWestResampler`, `qinfer/resamplers.py`):
 *
 *   x'_i = a x_{j_i} + (1 − a) μ + h S z_i,   S = sqrtm_psd(C),  z_i ~ N(0, I),
 *
 * with parents `j_i = searchsorted(cumsum(w), u_i)` drawn with probability `w` (multinomial, as
 * QInfer, in O(1) per draw by a guide table, {@link MultinomialGuide}, up to 32768 particles;
 * beyond, from sorted uniforms in one merge pass, {@link multinomialParents}, which reads the
 * old cloud in order instead of missing the cache at every draw), `μ`, `C` the weighted mean
 * and covariance. With `a² + h² = 1` the new cloud keeps the mean and covariance in expectation.
 * All new weights are `1/n`.
 *
 * Cost: the normals are written into the new cloud and turned into particles in place, and every
 * other buffer (running sum, guide table, parents, uniforms, retry rows) is scratch owned by the
 * resampler and reused, so a call allocates the new cloud and nothing else proportional to n —
 * and not even that when the caller hands buffers for it (`into`, as the updater's fused cloud
 * does).
 * Random stream: the parents' uniforms (n, or n + 1 for sorted uniforms), then the kernel's n·d
 * normals, then per retry round the normals of the invalid rows.
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
  // Scratch reused across calls (never part of a returned cloud).
  private readonly guide = new MultinomialGuide();
  private parents = new Int32Array(0);
  private f64 = new Float64Array(0);
  private cov = new Float64Array(0);
  private mean = new Float64Array(0);
  private covWork = new Float64Array(0);
  private readonly todo: Int32Array[] = [new Int32Array(0), new Int32Array(0)];

  constructor(options: LiuWestOptions = {}) {
    const p = liuWestParameters(options);
    this.a = p.a;
    this.h = p.h;
    this.maxiter = p.maxiter;
    this.postselect = p.postselect;
    this.zeroCovComp = p.zeroCovComp;
    if (options.defaultNParticles !== undefined) checkCount(options.defaultNParticles, 'defaultNParticles');
    this.defaultNParticles = options.defaultNParticles;
    this.kernel = options.kernel ?? ((out, rng) => void fillNormalZiggurat(rng, out));
    this.onWarning = options.onWarning ?? ignoreWarnings;
  }

  resample(model: Model, dist: ParticleDistribution, rng: Rng, options: ResampleOptions = {}): ResampledCloud {
    const d = dist.nRvs;
    const n = options.nParticles ?? this.defaultNParticles ?? dist.nParticles;
    checkCount(n, 'nParticles');
    const mu = options.precomputedMean ?? weightedMean(dist.locations, dist.particleWeights, dist.nParticles, d, this.meanBuffer(d));
    if (mu.length !== d || (options.precomputedCov !== undefined && options.precomputedCov.length !== d * d)) {
      throw new QinferArgumentError('ERR_SHAPE', `precomputed mean/covariance must have ${d} / ${d * d} values`);
    }
    if (!mu.every(Number.isFinite)) throw new QinferError('ERR_RESAMPLER', 'the mean of the particle cloud is not finite', { details: { mean: Array.from(mu) } });
    // Two-pass covariance: identical particles give exactly 0 (QInfer's one-pass estimate can
    // round to ±1e-17 there, and a negative one would collapse the cloud instead of the fallback).
    const C = options.precomputedCov ?? centeredCovariance(dist.locations, dist.particleWeights, dist.nParticles, d, this.covBuffer(d), this.covWork);
    const hS = liuWestKernelWidth(C, d, this, this.onWarning);
    const a = this.a, x = dist.locations, w = dist.particleWeights;
    // Parents j_i = searchsorted(cumsum(w), u_i) by a guide table (O(1) per draw, no sort); the
    // kernel's normals z_i are written into the new cloud, then turned in place into
    // x'_i = a x_{j_i} + (1 − a) μ + h S z_i in the same pass that draws the parents.
    const parents = this.parents.length >= n ? this.parents : (this.parents = new Int32Array(n));
    const into = options.into;
    const allocate = options.allocate ?? ((k: number) => new Float64Array(k));
    const out = into !== undefined && into.locations.length >= n * d ? into.locations.subarray(0, n * d) : allocate(n * d);
    if (dist.nParticles <= GUIDE_MAX && n <= GUIDE_MAX) {
      this.guide.prepare(w, dist.nParticles);
      const u = this.scratchF64(n);
      rng.fillUniform(u, 0, n);
      this.kernel(out, rng);
      drawShrinkJitter(this.guide, u, parents, x, mu, a, hS, out, d, n);
    } else {
      // Beyond the caches, parents in random order would miss at every gather: sorted ones
      // (exponential spacings, one merge pass) read the old cloud in order.
      multinomialParents(w, n, rng, parents, this.scratchF64(n));
      this.kernel(out, rng);
      shrinkAndJitter(x, parents, mu, a, hS, out, d, null, n);
    }
    if (this.postselect) {
      let todo = invalidRows(model.areModelsValid(matrix(out, n, d)), null, n, this.todoBuffer(n, 0));
      let k = todo.length;
      // Later rounds: only the invalid particles, each redrawn around its OWN parent.
      for (let iter = 1, side = 1; k > 0; iter++, side ^= 1) {
        if (iter >= this.maxiter) {
          this.onWarning({ category: 'resampler', message: `Liu-West resampling failed to find valid models for ${k} particles within ${this.maxiter} iterations.` });
          break;
        }
        const cand = this.scratchF64(k * d).subarray(0, k * d);
        this.kernel(cand, rng);
        shrinkAndJitter(x, parents, mu, a, hS, cand, d, todo, k);
        const valid = model.areModelsValid(matrix(cand, k, d));
        for (let r = 0; r < k; r++) for (let p = 0; p < d; p++) out[todo[r]! * d + p] = cand[r * d + p]!;
        todo = invalidRows(valid, todo, k, this.todoBuffer(k, side));
        k = todo.length;
      }
    }
    const weights = into !== undefined && into.weights.length >= n ? into.weights.subarray(0, n) : allocate(n);
    return { locations: out, weights: weights.fill(1 / n), nParticles: n };
  }

  /** The reused mean buffer (length d). */
  private meanBuffer(d: number): Float64Array {
    if (this.mean.length !== d) this.mean = new Float64Array(d);
    return this.mean;
  }

  /** The reused `d × d` covariance buffer. */
  private covBuffer(d: number): Float64Array {
    if (this.cov.length !== d * d) {
      this.cov = new Float64Array(d * d);
      this.covWork = new Float64Array(2 * d);
    }
    return this.cov;
  }

  /** A reused float64 scratch buffer of at least `len` values. */
  private scratchF64(len: number): Float64Array {
    if (this.f64.length < len) this.f64 = new Float64Array(Math.max(len, 2 * this.f64.length));
    return this.f64;
  }

  /** One of two reused row-index buffers (rounds alternate, reading one and writing the other). */
  private todoBuffer(len: number, side: number): Int32Array {
    const cur = this.todo[side]!;
    if (cur.length >= len) return cur;
    return (this.todo[side] = new Int32Array(len));
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

/** The first round: `parents[i] = guide.draw(u[i])`, then {@link shrinkAndJitter} of row i, fused. */
function drawShrinkJitter(guide: MultinomialGuide, u: Float64Array, parents: Int32Array, x: Float64Array, mu: Float64Array, a: number, hS: Float64Array, dst: Float64Array, d: number, n: number): void {
  if (d === 1) {
    const h = hS[0]!, c = (1 - a) * mu[0]!;
    for (let i = 0; i < n; i++) {
      const j = guide.draw(u[i]!);
      parents[i] = j;
      dst[i] = a * x[j]! + c + h * dst[i]!;
    }
    return;
  }
  for (let i = 0; i < n; i++) parents[i] = guide.draw(u[i]!);
  shrinkAndJitter(x, parents, mu, a, hS, dst, d, null, n);
}

/**
 * In place: `dst[r] ← a x_{j} + (1 − a) μ + hS · dst[r]` for `r < k`, with `j = parents[i]`,
 * `i = rows[r]` (`rows` null: `i = r`), and `dst[r]` holding the normals `z` on entry.
 */
function shrinkAndJitter(x: Float64Array, parents: Int32Array, mu: Float64Array, a: number, hS: Float64Array, dst: Float64Array, d: number, rows: Int32Array | null, k: number): void {
  const b = 1 - a;
  if (d === 1) {
    const h = hS[0]!, c = b * mu[0]!;
    if (rows === null) for (let r = 0; r < k; r++) dst[r] = a * x[parents[r]!]! + c + h * dst[r]!;
    else for (let r = 0; r < k; r++) dst[r] = a * x[parents[rows[r]!]!]! + c + h * dst[r]!;
    return;
  }
  const z = new Float64Array(d);
  for (let r = 0; r < k; r++) {
    const o = parents[rows === null ? r : rows[r]!]! * d, row = r * d;
    for (let q = 0; q < d; q++) z[q] = dst[row + q]!;
    for (let p = 0; p < d; p++) {
      let s = 0;
      for (let q = 0; q < d; q++) s += hS[p * d + q]! * z[q]!;
      dst[row + p] = a * x[o + p]! + b * mu[p]! + s;
    }
  }
}

/** The particle indices whose `valid` flag is 0 (`rows[r]` for row r, or r itself), written into `buf`. */
function invalidRows(valid: Uint8Array, rows: Int32Array | null, k: number, buf: Int32Array): Int32Array {
  let c = 0;
  for (let r = 0; r < k; r++) if (valid[r] === 0) buf[c++] = rows === null ? r : rows[r]!;
  return buf.subarray(0, c);
}
