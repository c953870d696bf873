import { QinferArgumentError } from '../errors/QinferError.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, type Matrix } from '../util/particles.js';
import { betaVariate } from './betaVariate.js';
import { binomialVariate } from './binomialVariate.js';
import { checkCount } from '../util/checkCount.js';
import { shapeParams } from './shapeParams.js';
import type { Distribution, DistributionSpec } from './Distribution.js';

/** Parameters of {@link BetaBinomialDistribution}: `n` and the shapes, or `n`, mean and variance. */
export type BetaBinomialParams =
  | { readonly n: number; readonly alpha: number; readonly beta: number }
  | { readonly n: number; readonly mean: number; readonly var: number };

/**
 * The beta-binomial distribution (QInfer's `BetaBinomialDistribution`): a Binomial(n, p) count
 * whose bias is itself Beta(α, β),
 *
 *   Pr(k) = C(n, k) B(k + α, n − k + β) / B(α, β),   k = 0 … n;
 *   mean n α/(α+β), variance n α β (α+β+n) / ((α+β)² (α+β+1)).
 *
 * From `{ n, mean, var }` the shapes are QInfer's moment inversion
 * `α = −m (v + m² − n m) / (m² + n (v − m))`, `β = (n − m)(v + m² − n m) / ((n − m) m − n v)`
 * (needs a variance above the binomial one, `v > m (n − m)/n`, and below `m (n − m)`). Samples
 * draw `p` by {@link betaVariate} and then `k` by {@link binomialVariate} (exact), all from `rng`.
 *
 * Bad input → `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { BetaBinomialDistribution, Rng } from 'qinfer-rx';
 * new BetaBinomialDistribution({ n: 10, alpha: 2, beta: 3 }).sample(3, new Rng(1)).data; // counts in 0 … 10
 * ```
 */
export class BetaBinomialDistribution implements Distribution {
  readonly nRvs = 1;
  readonly n: number;
  readonly alpha: number;
  readonly beta: number;
  readonly mean: number;
  readonly var: number;

  constructor(params: BetaBinomialParams) {
    const n = params.n;
    if (!Number.isInteger(n) || n < 0) throw new QinferArgumentError('ERR_ARGUMENT', `BetaBinomialDistribution needs an integer n ≥ 0, got ${n}`);
    this.n = n;
    [this.alpha, this.beta] = shapeParams(params, 'BetaBinomialDistribution', (m, v) => [
      (-m * (v + m * m - n * m)) / (m * m + n * (v - m)),
      ((n - m) * (v + m * m - n * m)) / ((n - m) * m - n * v),
    ]);
    const s = this.alpha + this.beta;
    this.mean = (n * this.alpha) / s;
    this.var = (n * this.alpha * this.beta * (s + n)) / (s * s * (s + 1));
  }

  sample(count: number, rng: Rng): Matrix {
    checkCount(count, 'sample count', true);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = binomialVariate(this.n, betaVariate(this.alpha, this.beta, rng), rng);
    return matrix(out, count, 1);
  }

  spec(): DistributionSpec {
    return { name: 'BetaBinomialDistribution', params: { n: this.n, alpha: this.alpha, beta: this.beta } };
  }
}
