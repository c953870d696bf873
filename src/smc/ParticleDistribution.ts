import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';
import { ignoreWarnings, type WarningSink } from '../errors/warn.js';
import type { Distribution } from '../distributions/Distribution.js';
import { checkCount } from '../util/checkCount.js';
import type { Rng } from '../rng/Rng.js';
import { heapFloat64, type Float64Allocator } from '../util/allocate.js';
import { compensatedDot } from '../util/compensatedSum.js';
import { matrix, toRowMajor, type Matrix, type ParticlesLike } from '../util/particles.js';
import { symmetricEigen } from '../util/symmetricEigen.js';
import { centeredCovariance, weightedMean } from '../util/weightedMoments.js';

/**
 * A weighted particle approximation of a distribution (QInfer's `ParticleDistribution`):
 * locations `x` (`[n, d]`, row-major) and weights `w` stored as `|w| / Σ|w|`.
 *
 * Estimates (as QInfer's `ParticleDistribution` in `qinfer/distributions.py` computes them; no renormalisation of `w`):
 * - `nEss = 1 / Σ w_i²` (+Infinity when all weights are zero; the sum is compensated, so that a
 *   strict threshold test is not decided by summation-order rounding);
 * - `estMean = Σ w_i x_i`;
 * - `estCovarianceMtx = Σ w_i x_i x_iᵀ − μ μᵀ` (one pass, no Bessel correction);
 * - `estEntropy = −Σ_{w_i > 0} w_i ln w_i`.
 *
 * @example
 * ```ts
 * import { ParticleDistribution } from 'qinfer-rx';
 * const pd = new ParticleDistribution([[0], [1]], [0.25, 0.75]);
 * pd.estMean(); // Float64Array [0.75]
 * pd.nEss;      // 1.6
 * ```
 */
export class ParticleDistribution implements Distribution {
  protected _x: Float64Array;
  protected _w: Float64Array;
  protected _n: number;
  protected _d: number;
  /** Where warnings (negative covariance eigenvalues, …) go. */
  protected onWarning: WarningSink;
  /** Where the locations and weights live (default the heap; `sharedFloat64` for a worker pool). */
  readonly allocate: Float64Allocator;

  constructor(locations?: ParticlesLike, weights?: ArrayLike<number>, options: { nRvs?: number; onWarning?: WarningSink; allocate?: Float64Allocator } = {}) {
    this.onWarning = options.onWarning ?? ignoreWarnings;
    this.allocate = options.allocate ?? heapFloat64;
    if (locations === undefined) {
      this._d = options.nRvs ?? 1;
      this._n = 1;
      this._x = new Float64Array(this._d);
      this._w = Float64Array.of(1);
      return;
    }
    const d = options.nRvs ?? inferColumns(locations);
    const { x, nM } = toRowMajor(locations, d);
    this._d = d;
    this._n = nM;
    this._x = this.adopt(x);
    this._w = this.allocate(nM);
    if (weights === undefined) this._w.fill(1 / nM);
    else this.setWeights(weights);
  }

  /** Number of particles. */
  get nParticles(): number {
    return this._n;
  }

  /** Number of random variables (model parameters). */
  get nRvs(): number {
    return this._d;
  }

  /** The locations as a `[n, d]` ndarray view (not a copy). */
  get particleLocations(): Matrix {
    return matrix(this._x, this._n, this._d);
  }

  /** The raw row-major location buffer (a view; the updater may replace it on resampling). */
  get locations(): Float64Array {
    return this._x;
  }

  /** The weights (a view). */
  get particleWeights(): Float64Array {
    return this._w;
  }

  /** Replaces the locations (and count); weights become uniform unless given. */
  setParticles(locations: ParticlesLike, weights?: ArrayLike<number>): void {
    const { x, nM } = toRowMajor(locations, this._d);
    this._x = this.adopt(x);
    this._n = nM;
    this._w = this.allocate(nM).fill(1 / nM);
    if (weights !== undefined) this.setWeights(weights);
  }

  /** Sets the weights to `|w| / Σ|w|` (length must equal the particle count). */
  setWeights(weights: ArrayLike<number>): void {
    if (weights.length !== this._n) throw new QinferArgumentError('ERR_SHAPE', `${weights.length} weights for ${this._n} particles`);
    let s = 0;
    for (let i = 0; i < weights.length; i++) {
      const wi = weights[i]!;
      if (!Number.isFinite(wi)) throw new QinferArgumentError('ERR_ARGUMENT', `weight ${i} is ${wi}`);
      s += Math.abs(wi);
    }
    if (s === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'weights sum to zero');
    if (this._w.length !== this._n) this._w = this.allocate(this._n);
    for (let i = 0; i < weights.length; i++) this._w[i] = Math.abs(weights[i]!) / s;
  }

  /** `x` itself on the heap allocator, else a copy in the allocator's storage. */
  protected adopt(x: Float64Array): Float64Array {
    if (this.allocate === heapFloat64) return x;
    const y = this.allocate(x.length);
    y.set(x);
    return y;
  }

  /** Effective sample size `1 / Σ w_i²` (compensated sum). */
  get nEss(): number {
    return 1 / compensatedDot(this._w, this._w);
  }

  /** `Σ_i w_i x_i` (length d). */
  estMean(): Float64Array {
    return weightedMean(this._x, this._w, this._n, this._d);
  }

  /** `Σ_i w_i f(x_i)` for a function of a particle's parameters. */
  estMeanfn(f: (x: Float64Array) => number): number {
    const d = this._d;
    let s = 0;
    for (let i = 0; i < this._n; i++) s += this._w[i]! * f(this._x.subarray(i * d, (i + 1) * d));
    return s;
  }

  /**
   * Weighted covariance `Σ w_i x_i x_iᵀ − μ μᵀ` (`[d, d]`); with `corr` it is divided by
   * `√(C_pp C_qq)`. Warns (category `approximation`) when an eigenvalue is negative.
   */
  estCovarianceMtx(corr = false): Matrix {
    return this.covarianceAbout(this.estMean(), corr);
  }

  /**
   * The posterior moments of one step from one mean pass: `mean = Σ w_i x_i` and, when
   * `covariance`, `Σ w_i x_i x_iᵀ − μ μᵀ` about that mean (the values of {@link estMean} and
   * {@link estCovarianceMtx}, with the same warnings).
   *
   * @example
   * ```ts
   * const { mean, covariance } = pd.estimates({ covariance: true });
   * ```
   */
  estimates(options: { readonly covariance?: boolean } = {}): { mean: Float64Array; covariance?: Float64Array } {
    const mean = this.estMean();
    return options.covariance === true ? { mean, covariance: this.covarianceAbout(mean, false).data } : { mean };
  }

  /** Copies of the locations (`[n·d]`, row-major) and the weights. */
  particles(): { locations: Float64Array; weights: Float64Array } {
    return { locations: this._x.slice(0, this._n * this._d), weights: this._w.slice(0, this._n) };
  }

  private covarianceAbout(mu: Float64Array, corr: boolean): Matrix {
    const d = this._d, x = this._x, w = this._w;
    const c = new Float64Array(d * d);
    for (let i = 0; i < this._n; i++) {
      const wi = w[i]!, o = i * d;
      for (let p = 0; p < d; p++) {
        const wx = wi * x[o + p]!;
        for (let q = 0; q < d; q++) c[p * d + q] += wx * x[o + q]!;
      }
    }
    for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) c[p * d + q] -= mu[p]! * mu[q]!;
    if (d > 1 || c[0]! < 0) {
      const { values } = symmetricEigen(c, d);
      if (values[0]! < 0) this.onWarning({ category: 'approximation', message: `Numerical error in covariance estimation causing positive semidefinite violation (smallest eigenvalue ${values[0]}).` });
    }
    if (corr) {
      const sd = Array.from({ length: d }, (_, p) => Math.sqrt(c[p * d + p]!));
      for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) c[p * d + q] /= sd[p]! * sd[q]!;
    }
    return ndarray(c, [d, d]);
  }

  /**
   * The weighted covariance `Σ_i w_i (x_i − μ)(x_i − μ)ᵀ` (row-major `d·d`) computed in two
   * passes about a shift `r` (the first particle of positive weight): `δ_i = x_i − r`,
   * `μ' = Σ w_i δ_i`, `C = Σ w_i (δ_i − μ')(δ_i − μ')ᵀ`. Unlike the one-pass {@link estCovarianceMtx}
   * (QInfer's formula, kept for conformance) it does not cancel catastrophically: identical
   * particles give exactly 0 (not ±1e-17, whose negative sign would make `sqrtm_psd` collapse a
   * resampled cloud), and it is positive semidefinite up to rounding. The resampler uses it.
   *
   * @example
   * ```ts
   * new ParticleDistribution([[0.5], [0.5], [0.5]]).estCovarianceCentered(); // Float64Array [0]
   * ```
   */
  estCovarianceCentered(): Float64Array {
    return centeredCovariance(this._x, this._w, this._n, this._d);
  }

  /** Shannon entropy of the weights, `−Σ_{w_i>0} w_i ln w_i`. */
  estEntropy(): number {
    let s = 0;
    for (let i = 0; i < this._n; i++) {
      const wi = this._w[i]!;
      if (wi > 0) s -= wi * Math.log(wi);
    }
    return s;
  }

  /**
   * Draws `n` particles with probability `w`: index `= searchsorted(cumsum(w), u, 'right')`,
   * clamped to the last particle of positive weight (QInfer clamps to the last particle, which
   * could pick a zero-weight particle when the rounded total is below `u`); shape `[n, d]`.
   */
  sample(n: number, rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const d = this._d, cdf = cumsum(this._w), out = new Float64Array(n * d);
    let last = this._n - 1;
    while (last > 0 && !(this._w[last]! > 0)) last--;
    for (let i = 0; i < n; i++) {
      const j = Math.min(searchRight(cdf, rng.uniform()), last);
      out.set(this._x.subarray(j * d, (j + 1) * d), i * d);
    }
    return matrix(out, n, d);
  }

  /**
   * Particles of the credible region at `level` (QInfer's `est_credible_region`): particles in
   * order of decreasing weight while the running sum of weights is `≤ level`, plus the next one.
   * Equal weights keep their index order (QInfer's order is unspecified). Throws `ERR_ARGUMENT`
   * when the running sum never exceeds `level`.
   */
  estCredibleRegion(level = 0.95): Matrix {
    if (!(level > 0 && level <= 1)) throw new QinferArgumentError('ERR_ARGUMENT', `level must be in (0, 1], got ${level}`);
    const d = this._d, w = this._w;
    const idx = Array.from({ length: this._n }, (_, i) => i).sort((a, b) => w[b]! - w[a]! || a - b);
    let s = 0, k = 0;
    while (k < idx.length && s + w[idx[k]!]! <= level) s += w[idx[k++]!]!;
    if (k >= idx.length) throw new QinferArgumentError('ERR_ARGUMENT', `the weights never exceed level ${level}`);
    k += 1;
    const out = new Float64Array(k * d);
    for (let i = 0; i < k; i++) out.set(this._x.subarray(idx[i]! * d, (idx[i]! + 1) * d), i * d);
    return matrix(out, k, d);
  }
}

function inferColumns(mps: ParticlesLike): number {
  if (mps instanceof Float64Array) return 1;
  if (Array.isArray(mps)) return (mps[0] as readonly number[] | undefined)?.length ?? 1;
  const m = mps as Matrix;
  return m.dimension === 1 ? 1 : m.shape[1]!;
}

/** Running sum of `w`. */
export function cumsum(w: Float64Array): Float64Array {
  const c = new Float64Array(w.length);
  let s = 0;
  for (let i = 0; i < w.length; i++) c[i] = s += w[i]!;
  return c;
}

/** numpy `searchsorted(cdf, u, side='right')`: the number of entries `≤ u`. */
export function searchRight(cdf: Float64Array, u: number): number {
  let lo = 0, hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! <= u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
