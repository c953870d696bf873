import { QinferArgumentError } from '../errors/QinferError.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, type Matrix } from '../util/particles.js';
import { checkCount } from '../util/checkCount.js';
import type { Distribution, DistributionSpec } from './Distribution.js';

/**
 * The uniform distribution over the integers `0 … 2^numBits − 1` (QInfer's
 * `DiscreteUniformDistribution`): `x = ⌊u · 2^numBits⌋`, `u ~ U[0, 1)` with 53 random bits, so
 * every integer is exactly equally likely for `numBits ≤ 53`. Samples have shape `[n, 1]`
 * (QInfer returns a flat `(n,)` array, unlike its other distributions).
 *
 * Bad input: `numBits` not an integer in `[0, 53]` → `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { DiscreteUniformDistribution, Rng } from 'qinfer-rx';
 * new DiscreteUniformDistribution(3).sample(4, new Rng(0)).data; // integers in 0 … 7
 * ```
 */
export class DiscreteUniformDistribution implements Distribution {
  readonly nRvs = 1;
  readonly numBits: number;
  private readonly size: number;

  constructor(numBits: number) {
    if (!Number.isInteger(numBits) || numBits < 0 || numBits > 53) {
      throw new QinferArgumentError('ERR_ARGUMENT', `numBits must be an integer in [0, 53], got ${numBits}`);
    }
    this.numBits = numBits;
    this.size = 2 ** numBits;
  }

  sample(n: number, rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(rng.uniform() * this.size);
    return matrix(out, n, 1);
  }

  spec(): DistributionSpec {
    return { name: 'DiscreteUniformDistribution', params: { numBits: this.numBits } };
  }
}
