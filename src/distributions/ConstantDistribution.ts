import { QinferArgumentError } from '../errors/QinferError.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, type Matrix } from '../util/particles.js';
import { checkCount } from '../util/checkCount.js';
import type { Distribution, DistributionSpec } from './Distribution.js';

/**
 * A point mass (QInfer's `ConstantDistribution`): every sample is the row `values`,
 * `x_i = values` for all `i`. Useful as a factor of a {@link ProductDistribution} that fixes
 * some parameters. Bad input: an empty row → `ERR_SHAPE`, a non-finite value → `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { ConstantDistribution, Rng } from 'qinfer-rx';
 * new ConstantDistribution([1, 2]).sample(2, new Rng(0)).data; // Float64Array [1, 2, 1, 2]
 * ```
 */
export class ConstantDistribution implements Distribution {
  readonly nRvs: number;
  readonly values: Float64Array;

  constructor(values: ArrayLike<number> | number) {
    const v = typeof values === 'number' ? Float64Array.of(values) : Float64Array.from(values ?? []);
    if (v.length === 0) throw new QinferArgumentError('ERR_SHAPE', 'ConstantDistribution needs at least one value');
    if (!v.every(Number.isFinite)) throw new QinferArgumentError('ERR_ARGUMENT', 'ConstantDistribution values must be finite');
    this.values = v;
    this.nRvs = v.length;
  }

  sample(n: number, _rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const d = this.nRvs, out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) out.set(this.values, i * d);
    return matrix(out, n, d);
  }

  spec(): DistributionSpec {
    return { name: 'ConstantDistribution', params: { values: Array.from(this.values) } };
  }
}
