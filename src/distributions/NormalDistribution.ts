import { QinferArgumentError } from '../errors/QinferError.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, type Matrix } from '../util/particles.js';
import { checkCount } from '../util/checkCount.js';
import type { DistributionSpec } from './Distribution.js';
import type { DifferentiableDistribution } from './DifferentiableDistribution.js';
import { truncatedStandardNormal } from './truncatedStandardNormal.js';

/** Truncation bounds `[lo, hi]`; `null` (or ±Infinity) leaves that side open. JSON-able with `null`. */
export type TruncationBounds = readonly [number | null, number | null];

/**
 * A one-dimensional normal distribution (QInfer's `NormalDistribution`), optionally truncated to
 * `[lo, hi]` (QInfer uses `scipy.stats.truncnorm` then):
 *
 *   x = mean + √var · z,   z ~ N(0, 1) conditioned on `(lo − mean)/√var ≤ z ≤ (hi − mean)/√var`.
 *
 * Truncated draws use the inverse CDF (and an exponential rejection sampler far in a tail), so
 * every draw lies in `[lo, hi]` and the cost does not grow as the interval's mass shrinks.
 *
 * Bad input: a negative or non-finite `var` or a non-finite `mean` → `ERR_ARGUMENT`; a reversed or
 * empty truncation range → `ERR_RANGE`; a truncated distribution needs `var > 0` (`ERR_ARGUMENT`).
 *
 * @example
 * ```ts
 * import { NormalDistribution, Rng } from 'qinfer-rx';
 * const prior = new NormalDistribution(0.5, 0.01, [0, 1]);  // mean 0.5, sd 0.1, cut to [0, 1]
 * prior.sample(1000, new Rng(1)).shape; // [1000, 1]
 * ```
 */
export class NormalDistribution implements DifferentiableDistribution {
  readonly nRvs = 1;
  readonly mean: number;
  readonly var: number;
  /** Truncation bounds, or undefined when not truncated. */
  readonly trunc: readonly [number, number] | undefined;
  private readonly sd: number;
  private readonly sampler: { draw(uniform: () => number): number } | undefined;

  constructor(mean: number, variance: number, trunc?: TruncationBounds | null) {
    if (!Number.isFinite(mean)) throw new QinferArgumentError('ERR_ARGUMENT', `mean must be finite, got ${mean}`);
    if (!(variance >= 0) || !Number.isFinite(variance)) {
      throw new QinferArgumentError('ERR_ARGUMENT', `variance must be finite and ≥ 0, got ${variance}`, { details: { variance } });
    }
    this.mean = mean;
    this.var = variance;
    this.sd = Math.sqrt(variance);
    if (trunc === undefined || trunc === null) {
      this.trunc = undefined;
      this.sampler = undefined;
      return;
    }
    if (!Array.isArray(trunc) || trunc.length !== 2) throw new QinferArgumentError('ERR_SHAPE', 'trunc must be [lo, hi]');
    const lo = trunc[0] ?? -Infinity, hi = trunc[1] ?? Infinity;
    if (Number.isNaN(lo) || Number.isNaN(hi) || !(hi > lo) || lo === Infinity || hi === -Infinity) {
      throw new QinferArgumentError('ERR_RANGE', `truncation range [${lo}, ${hi}] is reversed or empty`, { details: { lo, hi } });
    }
    if (!(variance > 0)) throw new QinferArgumentError('ERR_ARGUMENT', 'a truncated normal distribution needs variance > 0');
    this.trunc = [lo, hi];
    this.sampler = truncatedStandardNormal((lo - mean) / this.sd, (hi - mean) / this.sd);
  }

  sample(n: number, rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const out = new Float64Array(n);
    if (this.sampler === undefined) {
      for (let i = 0; i < n; i++) out[i] = this.mean + this.sd * rng.normal();
    } else {
      const [lo, hi] = this.trunc!;
      const uniform = (): number => rng.uniform();
      for (let i = 0; i < n; i++) {
        const x = this.mean + this.sd * this.sampler.draw(uniform);
        out[i] = x < lo ? lo : x > hi ? hi : x; // rounding of mean + sd·z must not leave [lo, hi]
      }
    }
    return matrix(out, n, 1);
  }

  /** `∂ ln π / ∂x = −(x − mean) / var` (QInfer's `grad_log_pdf`; the truncation is ignored, as there). */
  gradLogPdf(x: Float64Array, n: number): Float64Array {
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) g[i] = -(x[i]! - this.mean) / this.var;
    return g;
  }

  spec(): DistributionSpec {
    const t = this.trunc;
    const bound = (v: number): number | null => (Number.isFinite(v) ? v : null);
    return { name: 'NormalDistribution', params: { mean: this.mean, var: this.var, trunc: t === undefined ? null : [bound(t[0]), bound(t[1])] } };
  }
}
