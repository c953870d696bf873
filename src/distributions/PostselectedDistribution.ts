import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import type { Model } from '../models/Model.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, toRowMajor, type Matrix } from '../util/particles.js';
import { checkCount } from '../util/checkCount.js';
import type { Distribution, DistributionSpec } from './Distribution.js';
import { isDifferentiableDistribution } from './DifferentiableDistribution.js';
import { requireSpec } from './requireSpec.js';

/**
 * A distribution conditioned on the model's validity (QInfer's `PostselectedDistribution`):
 * draw `n` samples of `dist`, then redraw the rows `model.areModelsValid` rejects, until all are
 * valid. After `maxiters` rounds of redrawing (default 100) with rows still invalid it throws a
 * `QinferError` with code `ERR_POSTSELECTION` (QInfer raises RuntimeError). Its spec holds the
 * specs of `dist` and `model`.
 *
 * Bad input: `dist.nRvs ≠ model.nModelparams` → `ERR_SHAPE`; `maxiters` not a non-negative
 * integer → `ERR_PARTICLE_COUNT`.
 *
 * @example
 * ```ts
 * import { PostselectedDistribution, NormalDistribution, SimplePrecessionModel, Rng } from 'qinfer-rx';
 * // ω ~ N(0.1, 0.01) restricted to the valid region ω > 0
 * const prior = new PostselectedDistribution(new NormalDistribution(0.1, 0.01), new SimplePrecessionModel());
 * prior.sample(100, new Rng(4)); // every row has ω > 0
 * ```
 */
export class PostselectedDistribution implements Distribution {
  readonly nRvs: number;
  readonly dist: Distribution;
  readonly model: Model;
  readonly maxiters: number;

  constructor(dist: Distribution, model: Model, maxiters = 100) {
    if (dist.nRvs !== model.nModelparams) {
      throw new QinferArgumentError('ERR_SHAPE', `distribution has ${dist.nRvs} random variables, the model ${model.nModelparams} parameters`);
    }
    checkCount(maxiters, 'maxiters', true);
    this.dist = dist;
    this.model = model;
    this.maxiters = maxiters;
    this.nRvs = dist.nRvs;
  }

  sample(n: number, rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const d = this.nRvs;
    const first = this.dist.sample(n, rng);
    const out = Float64Array.from(toRowMajor(first, d).x);
    let valid = this.model.areModelsValid(matrix(out, n, d));
    let invalid: number[] = [];
    for (let i = 0; i < n; i++) if (!valid[i]) invalid.push(i);
    for (let iter = 0; invalid.length > 0; iter++) {
      if (iter >= this.maxiters) {
        throw new QinferError('ERR_POSTSELECTION', `Maximum number of iterations (${this.maxiters}) reached while postselecting; ${invalid.length} samples still invalid.`, {
          details: { maxiters: this.maxiters, invalid: invalid.length },
        });
      }
      const k = invalid.length;
      const redraw = toRowMajor(this.dist.sample(k, rng), d).x;
      valid = this.model.areModelsValid(matrix(redraw, k, d));
      const still: number[] = [];
      invalid.forEach((i, r) => {
        out.set(redraw.subarray(r * d, (r + 1) * d), i * d);
        if (!valid[r]) still.push(i);
      });
      invalid = still;
    }
    return matrix(out, n, d);
  }

  /** The underlying distribution's gradient (QInfer passes it through; `ERR_ARGUMENT` when it has none). */
  gradLogPdf(x: Float64Array, n: number): Float64Array {
    if (!isDifferentiableDistribution(this.dist)) throw new QinferArgumentError('ERR_ARGUMENT', 'the postselected distribution has no gradLogPdf');
    return this.dist.gradLogPdf(x, n);
  }

  spec(): DistributionSpec {
    return { name: 'PostselectedDistribution', params: { dist: requireSpec(this.dist, 'the postselected distribution'), model: this.model.spec(), maxiters: this.maxiters } };
  }
}
