import { QinferArgumentError } from '../errors/QinferError.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, type Matrix } from '../util/particles.js';
import { checkCount } from '../util/checkCount.js';
import type { DistributionSpec } from './Distribution.js';
import type { DifferentiableDistribution } from './DifferentiableDistribution.js';
import { betaVariate } from './betaVariate.js';
import { shapeParams, type ShapeOrMoments } from './shapeParams.js';

/** Parameters of {@link BetaDistribution}: the shapes, or the mean and variance. */
export type BetaParams = ShapeOrMoments;

/**
 * The beta distribution (QInfer's `BetaDistribution`):
 *
 *   π(x) = x^{α−1} (1 − x)^{β−1} / B(α, β),  0 < x < 1;
 *   mean α/(α+β), variance αβ / ((α+β)² (α+β+1)).
 *
 * Give `{ alpha, beta }` or `{ mean, var }`; then, as QInfer,
 * `α = mean²(1 − mean)/var − mean`, `β = (1 − mean)² mean/var − (1 − mean)` (needs
 * `0 < mean < 1` and `0 < var < mean(1 − mean)`). Samples are `X / (X + Y)` with
 * `X ~ Gamma(α)`, `Y ~ Gamma(β)`, formed as `1 / (1 + e^{ln Y − ln X})` from
 * {@link logGammaVariate} so small shapes do not give 0/0. `gradLogPdf(x) = (α−1)/x − (β−1)/(1−x)`.
 *
 * Bad input → `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { BetaDistribution, Rng } from 'qinfer-rx';
 * new BetaDistribution({ mean: 0.9, var: 0.001 }).sample(5, new Rng(3)).data; // values near 0.9
 * ```
 */
export class BetaDistribution implements DifferentiableDistribution {
  readonly nRvs = 1;
  readonly alpha: number;
  readonly beta: number;
  readonly mean: number;
  readonly var: number;

  constructor(params: BetaParams) {
    [this.alpha, this.beta] = shapeParams(params, 'BetaDistribution', (m, v) => {
      if (!(m > 0 && m < 1 && v > 0 && v < m * (1 - m))) {
        throw new QinferArgumentError('ERR_ARGUMENT', `BetaDistribution needs 0 < mean < 1 and 0 < var < mean (1 − mean), got ${m}, ${v}`);
      }
      return [(m * m * (1 - m)) / v - m, ((1 - m) * (1 - m) * m) / v - (1 - m)];
    });
    const s = this.alpha + this.beta;
    this.mean = this.alpha / s;
    this.var = (this.alpha * this.beta) / (s * s * (s + 1));
  }

  sample(n: number, rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = betaVariate(this.alpha, this.beta, rng);
    return matrix(out, n, 1);
  }

  gradLogPdf(x: Float64Array, n: number): Float64Array {
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = (this.alpha - 1) / x[i]! - (this.beta - 1) / (1 - x[i]!);
    return g;
  }

  spec(): DistributionSpec {
    return { name: 'BetaDistribution', params: { alpha: this.alpha, beta: this.beta } };
  }
}

