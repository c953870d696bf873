import { QinferArgumentError } from '../errors/QinferError.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, type Matrix } from '../util/particles.js';
import { sqrtmPsd, symmetricEigen } from '../util/symmetricEigen.js';
import { inverseSymmetric } from '../util/inverseSymmetric.js';
import { checkCount } from '../util/checkCount.js';
import type { DistributionSpec } from './Distribution.js';
import type { DifferentiableDistribution } from './DifferentiableDistribution.js';

/** Relative tolerance of the symmetry and positive-semidefiniteness checks. */
const COV_TOLERANCE = 1e-10;

/**
 * A multivariate normal distribution (QInfer's `MultivariateNormalDistribution`):
 *
 *   x = mean + S z,   S = sqrtm_psd(cov),  z ~ N(0, I_d),
 *
 * with `S` the symmetric positive-semidefinite square root (`V diag(√λ) Vᵀ`), so a singular
 * (semi-definite) covariance is allowed.
 *
 * Bad input: `mean` of length d ≥ 1 and `cov` d × d, else `ERR_SHAPE`; non-finite entries, a
 * covariance that is not symmetric or has an eigenvalue below `−1e-10 · max|λ|` → `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { MultivariateNormalDistribution, Rng } from 'qinfer-rx';
 * const prior = new MultivariateNormalDistribution([0, 1], [[1, 0.5], [0.5, 2]]);
 * prior.sample(5, new Rng(3)).shape; // [5, 2]
 * ```
 */
export class MultivariateNormalDistribution implements DifferentiableDistribution {
  readonly nRvs: number;
  readonly mean: Float64Array;
  /** Row-major `d × d` covariance. */
  readonly cov: Float64Array;
  private readonly S: Float64Array;
  private invCov: Float64Array | undefined;

  constructor(mean: ArrayLike<number>, cov: ArrayLike<ArrayLike<number>>) {
    const d = mean?.length ?? 0;
    if (d < 1) throw new QinferArgumentError('ERR_SHAPE', 'mean must hold at least one value');
    if (cov?.length !== d) throw new QinferArgumentError('ERR_SHAPE', `cov must be ${d} × ${d}, got ${cov?.length ?? 0} rows`);
    const C = new Float64Array(d * d);
    for (let p = 0; p < d; p++) {
      const row = cov[p];
      if (row?.length !== d) throw new QinferArgumentError('ERR_SHAPE', `cov row ${p} has ${row?.length ?? 0} values, expected ${d}`);
      for (let q = 0; q < d; q++) C[p * d + q] = row[q]!;
    }
    const mu = Float64Array.from(mean);
    if (!mu.every(Number.isFinite) || !C.every(Number.isFinite)) throw new QinferArgumentError('ERR_ARGUMENT', 'mean and cov must be finite');
    let scale = 0;
    for (const c of C) scale = Math.max(scale, Math.abs(c));
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        if (Math.abs(C[p * d + q]! - C[q * d + p]!) > COV_TOLERANCE * scale) {
          throw new QinferArgumentError('ERR_ARGUMENT', `cov is not symmetric at (${p}, ${q})`, { details: { p, q } });
        }
      }
    }
    const { values } = symmetricEigen(C, d);
    const top = Math.max(Math.abs(values[0]!), Math.abs(values[d - 1]!));
    if (values[0]! < -COV_TOLERANCE * top) {
      throw new QinferArgumentError('ERR_ARGUMENT', `cov is not positive semidefinite (eigenvalue ${values[0]})`, { details: { eigenvalue: values[0] } });
    }
    this.nRvs = d;
    this.mean = mu;
    this.cov = C;
    this.S = sqrtmPsd(C, d).S;
  }

  sample(n: number, rng: Rng): Matrix {
    checkCount(n, 'sample count', true);
    const d = this.nRvs, S = this.S, mu = this.mean;
    const out = new Float64Array(n * d), z = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      rng.fillNormal(z);
      for (let p = 0; p < d; p++) {
        let s = mu[p]!;
        for (let q = 0; q < d; q++) s += S[p * d + q]! * z[q]!;
        out[i * d + p] = s;
      }
    }
    return matrix(out, n, d);
  }

  /**
   * `∇ ln π(x) = −C⁻¹ (x − mean)` (QInfer's `grad_log_pdf`), `x` row-major `[n, d]`. A singular
   * covariance has no density: `ERR_ARGUMENT`.
   */
  gradLogPdf(x: Float64Array, n: number): Float64Array {
    const d = this.nRvs, P = (this.invCov ??= inverseSymmetric(this.cov, d, COV_TOLERANCE, 'the covariance is singular: the density has no gradient')), mu = this.mean, g = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < d; p++) {
        let s = 0;
        for (let q = 0; q < d; q++) s += P[p * d + q]! * (x[i * d + q]! - mu[q]!);
        g[i * d + p] = -s;
      }
    }
    return g;
  }

  spec(): DistributionSpec {
    const d = this.nRvs;
    const cov = Array.from({ length: d }, (_, p) => Array.from(this.cov.subarray(p * d, (p + 1) * d)));
    return { name: 'MultivariateNormalDistribution', params: { mean: Array.from(this.mean), cov } };
  }
}

