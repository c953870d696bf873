import { QinferArgumentError } from '../errors/QinferError.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, type Matrix } from '../util/particles.js';
import { checkCount } from '../util/checkCount.js';
import type { DistributionSpec } from './Distribution.js';
import type { DifferentiableDistribution } from './DifferentiableDistribution.js';

/** Parameters of {@link LogNormalDistribution}. */
export interface LogNormalParams {
  /** Mean of `ln(X − loc)`; default 0. */
  readonly mu?: number;
  /** Standard deviation of `ln(X − loc)`, > 0; default 1. */
  readonly sigma?: number;
  /** Shift of the support `(loc, ∞)`; default 0. */
  readonly loc?: number;
}

/**
 * The log-normal distribution in its usual parametrisation, with an optional shift:
 *
 *   X = loc + e^{μ + σ Z},  Z ~ N(0, 1);   π(x) = exp(−(ln(x−loc) − μ)² / 2σ²) / ((x−loc) σ √(2π));
 *   mean loc + e^{μ + σ²/2}, variance (e^{σ²} − 1) e^{2μ + σ²}.
 *
 * QInfer's `LogNormalDistribution(mu, sigma)` is NOT this: it is scipy's
 * `lognorm(s=1, loc=mu, scale=sigma)`, i.e. `X = mu + sigma · e^{Z}` — its `mu` shifts and its
 * `sigma` scales, with the log-scale width fixed at 1. The two agree only for (0, 1). Use
 * {@link LogNormalDistribution.fromQInfer} to get QInfer's distribution
 * (`{ loc: mu, mu: ln sigma, sigma: 1 }`). `gradLogPdf(x) = −(1 + (ln(x−loc) − μ)/σ²) / (x − loc)`.
 *
 * Bad input: non-finite values or σ ≤ 0 → `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { LogNormalDistribution, Rng } from 'qinfer-rx';
 * const T2 = new LogNormalDistribution({ mu: Math.log(50), sigma: 0.3 }); // a prior on T₂ around 50 µs
 * T2.sample(1000, new Rng(4)).shape; // [1000, 1]
 * ```
 */
export class LogNormalDistribution implements DifferentiableDistribution {
  readonly nRvs = 1;
  readonly mu: number;
  readonly sigma: number;
  readonly loc: number;

  constructor(params: LogNormalParams = {}) {
    this.mu = params.mu ?? 0;
    this.sigma = params.sigma ?? 1;
    this.loc = params.loc ?? 0;
    if (!Number.isFinite(this.mu) || !Number.isFinite(this.loc) || !(this.sigma > 0) || !Number.isFinite(this.sigma)) {
      throw new QinferArgumentError('ERR_ARGUMENT', `LogNormalDistribution needs finite mu, loc and sigma > 0, got ${this.mu}, ${this.loc}, ${this.sigma}`);
    }
  }

  /** QInfer's `LogNormalDistribution(mu, sigma)`: `X = mu + sigma · e^Z` (scipy `lognorm(1, mu, sigma)`). */
  static fromQInfer(mu = 0, sigma = 1): LogNormalDistribution {
    if (!(sigma > 0)) throw new QinferArgumentError('ERR_ARGUMENT', `QInfer's LogNormalDistribution needs sigma > 0, got ${sigma}`);
    return new LogNormalDistribution({ loc: mu, mu: Math.log(sigma), sigma: 1 });
  }

  /** `loc + e^{μ + σ²/2}`. */
  get mean(): number {
    return this.loc + Math.exp(this.mu + (this.sigma * this.sigma) / 2);
  }

  /** `(e^{σ²} − 1) e^{2μ + σ²}`. */
  get var(): number {
    const s2 = this.sigma * this.sigma;
    return Math.expm1(s2) * Math.exp(2 * this.mu + s2);
  }

  sample(n: number, rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.loc + Math.exp(this.mu + this.sigma * rng.normal());
    return matrix(out, n, 1);
  }

  gradLogPdf(x: Float64Array, n: number): Float64Array {
    const g = new Float64Array(n), s2 = this.sigma * this.sigma;
    for (let i = 0; i < n; i++) {
      const y = x[i]! - this.loc;
      g[i] = -(1 + (Math.log(y) - this.mu) / s2) / y;
    }
    return g;
  }

  spec(): DistributionSpec {
    return { name: 'LogNormalDistribution', params: { mu: this.mu, sigma: this.sigma, loc: this.loc } };
  }
}
