import { QinferArgumentError } from '../errors/QinferError.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, type Matrix } from '../util/particles.js';
import { checkCount } from '../util/checkCount.js';
import type { Distribution, DistributionSpec } from './Distribution.js';

/**
 * Independent uniform distributions on boxes (QInfer's `UniformDistribution`):
 * `x_p = lo_p + u (hi_p − lo_p)`, `u ~ U[0, 1)`. `ranges` is `[[lo, hi], …]` (one row per random
 * variable); a single `[lo, hi]` is promoted to one row. Reversed or non-finite ranges throw
 * `ERR_RANGE`.
 *
 * @example
 * ```ts
 * import { UniformDistribution, Rng } from 'qinfer-rx';
 * const prior = new UniformDistribution([[0, 1], [0, 10]]);
 * prior.sample(3, new Rng(1)).shape; // [3, 2]
 * ```
 */
export class UniformDistribution implements Distribution {
  readonly nRvs: number;
  readonly ranges: readonly (readonly [number, number])[];

  constructor(ranges: readonly number[] | readonly (readonly number[])[] = [[0, 1]]) {
    const rows = (typeof ranges[0] === 'number' ? [ranges as readonly number[]] : (ranges as readonly (readonly number[])[])).map(
      (r, i) => {
        if (!Array.isArray(r) || r.length !== 2) throw new QinferArgumentError('ERR_SHAPE', `range ${i} must be [lo, hi]`);
        const [lo, hi] = r as [number, number];
        if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi >= lo)) {
          throw new QinferArgumentError('ERR_RANGE', `range ${i} [${lo}, ${hi}] is reversed or not finite`, { details: { index: i, lo, hi } });
        }
        return [lo, hi] as const;
      },
    );
    if (rows.length === 0) throw new QinferArgumentError('ERR_SHAPE', 'UniformDistribution needs at least one range');
    this.ranges = rows;
    this.nRvs = rows.length;
  }

  sample(n: number, rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const d = this.nRvs, out = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < d; p++) {
        const [lo, hi] = this.ranges[p]!;
        out[i * d + p] = lo + rng.uniform() * (hi - lo);
      }
    }
    return matrix(out, n, d);
  }

  /**
   * Zeros: the uniform density is flat inside its box (QInfer's `grad_log_pdf` does the same for
   * more than one point, and notes that the Bayesian Cramér–Rao bound's regularity condition —
   * a prior vanishing at its edges — does not hold for it).
   */
  gradLogPdf(_x: Float64Array, n: number): Float64Array {
    return new Float64Array(n * this.nRvs);
  }

  spec(): DistributionSpec {
    return { name: 'UniformDistribution', params: { ranges: this.ranges.map((r) => [...r]) } };
  }
}
