import { QinferArgumentError } from '../errors/QinferError.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, type Matrix } from '../util/particles.js';
import { checkCount } from '../util/checkCount.js';
import type { DistributionSpec } from './Distribution.js';
import type { DifferentiableDistribution } from './DifferentiableDistribution.js';
import { logGammaVariate } from './logGammaVariate.js';
import { shapeParams, type ShapeOrMoments } from './shapeParams.js';

/** Parameters of {@link GammaDistribution}: the shape and rate, or the mean and variance. */
export type GammaParams = ShapeOrMoments;

/**
 * The gamma distribution with shape α and rate β (QInfer's `GammaDistribution`):
 *
 *   π(x) = β^α x^{α−1} e^{−β x} / Γ(α),  x > 0;   mean α/β, variance α/β².
 *
 * Give `{ alpha, beta }` or `{ mean, var }` (then `α = mean²/var`, `β = mean/var`, as QInfer).
 * Samples are `G / β` with `G ~ Gamma(α, 1)` from {@link logGammaVariate} (Marsaglia–Tsang) using
 * the injected `rng`. `gradLogPdf(x) = (α − 1)/x − β`. (QInfer's docstring writes the density
 * as `x^{−α−1} e^{−xβ}`, a typo: its sampler is the gamma above, and so is ours.)
 *
 * Bad input: non-finite or non-positive parameters → `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { GammaDistribution, Rng } from 'qinfer-rx';
 * const g = new GammaDistribution({ mean: 2, var: 0.5 }); // α = 8, β = 4
 * g.sample(1000, new Rng(1)).shape; // [1000, 1]
 * ```
 */
export class GammaDistribution implements DifferentiableDistribution {
  readonly nRvs = 1;
  readonly alpha: number;
  readonly beta: number;
  readonly mean: number;
  readonly var: number;

  constructor(params: GammaParams) {
    [this.alpha, this.beta] = shapeParams(params, 'GammaDistribution', (m, v) => {
      if (!(m > 0 && v > 0)) throw new QinferArgumentError('ERR_ARGUMENT', `GammaDistribution needs mean > 0 and var > 0, got ${m}, ${v}`);
      return [(m * m) / v, m / v];
    });
    this.mean = this.alpha / this.beta;
    this.var = this.alpha / (this.beta * this.beta);
  }

  sample(n: number, rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.exp(logGammaVariate(this.alpha, rng)) / this.beta;
    return matrix(out, n, 1);
  }

  gradLogPdf(x: Float64Array, n: number): Float64Array {
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = (this.alpha - 1) / x[i]! - this.beta;
    return g;
  }

  spec(): DistributionSpec {
    return { name: 'GammaDistribution', params: { alpha: this.alpha, beta: this.beta } };
  }
}
