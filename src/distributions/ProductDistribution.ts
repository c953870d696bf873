import { QinferArgumentError } from '../errors/QinferError.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, toRowMajor, type Matrix } from '../util/particles.js';
import { checkCount } from '../util/checkCount.js';
import type { Distribution, DistributionSpec } from './Distribution.js';
import { isDifferentiableDistribution } from './DifferentiableDistribution.js';
import { requireSpec } from './requireSpec.js';

/**
 * The product of independent distributions (QInfer's `ProductDistribution`): a sample is the
 * column-stack of one sample of each factor, `x = [x⁽¹⁾ | x⁽²⁾ | …]`, so `nRvs = Σ nRvs⁽ᵏ⁾`.
 * Factors draw in order from the same generator. Its spec holds the factors' specs (rebuilt
 * through the registry). Bad input: no factors → `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { ProductDistribution, UniformDistribution, NormalDistribution, Rng } from 'qinfer-rx';
 * const prior = new ProductDistribution(new UniformDistribution([0, 1]), new NormalDistribution(0, 1));
 * prior.sample(4, new Rng(2)).shape; // [4, 2]
 * ```
 */
export class ProductDistribution implements Distribution {
  readonly nRvs: number;
  readonly factors: readonly Distribution[];

  constructor(...factors: Distribution[]) {
    if (factors.length === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'ProductDistribution needs at least one factor');
    factors.forEach((f, k) => {
      if (!(Number.isInteger(f?.nRvs) && f.nRvs >= 1) || typeof f.sample !== 'function') {
        throw new QinferArgumentError('ERR_ARGUMENT', `factor ${k} is not a distribution`);
      }
    });
    this.factors = factors;
    this.nRvs = factors.reduce((s, f) => s + f.nRvs, 0);
  }

  sample(n: number, rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const d = this.nRvs, out = new Float64Array(n * d);
    let col = 0;
    for (const f of this.factors) {
      const k = f.nRvs;
      const { x, nM } = toRowMajor(f.sample(n, rng), k);
      if (nM !== n) throw new QinferArgumentError('ERR_SHAPE', `a factor returned ${nM} samples, ${n} requested`);
      for (let i = 0; i < n; i++) for (let p = 0; p < k; p++) out[i * d + col + p] = x[i * k + p]!;
      col += k;
    }
    return matrix(out, n, d);
  }

  /** The factors' gradients side by side (each factor must have `gradLogPdf`, else `ERR_ARGUMENT`). */
  gradLogPdf(x: Float64Array, n: number): Float64Array {
    const d = this.nRvs, g = new Float64Array(n * d);
    let col = 0;
    this.factors.forEach((f, k) => {
      if (!isDifferentiableDistribution(f)) throw new QinferArgumentError('ERR_ARGUMENT', `factor ${k} has no gradLogPdf`);
      const w = f.nRvs, xf = new Float64Array(n * w);
      for (let i = 0; i < n; i++) for (let p = 0; p < w; p++) xf[i * w + p] = x[i * d + col + p]!;
      const gf = f.gradLogPdf(xf, n);
      for (let i = 0; i < n; i++) for (let p = 0; p < w; p++) g[i * d + col + p] = gf[i * w + p]!;
      col += w;
    });
    return g;
  }

  spec(): DistributionSpec {
    return { name: 'ProductDistribution', params: { factors: this.factors.map((f, k) => requireSpec(f, `factor ${k}`)) } };
  }
}
