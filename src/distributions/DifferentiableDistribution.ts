import type { Distribution } from './Distribution.js';

/**
 * A distribution whose log density has a gradient (QInfer's `grad_log_pdf`), as the Bayesian
 * Cramér–Rao bound needs for its prior information `J₀ = E[∇ln π(x) ∇ln π(x)ᵀ]`.
 *
 * `gradLogPdf(x, n)` takes `n` points row-major (`x[i * nRvs + p]`) and returns
 * `g[i * nRvs + p] = ∂ ln π(x_i) / ∂x_p`, shape `[n, nRvs]` row-major.
 *
 * @example
 * ```ts
 * import { NormalDistribution, isDifferentiableDistribution } from 'qinfer-rx';
 * const prior = new NormalDistribution(0, 4);
 * if (isDifferentiableDistribution(prior)) prior.gradLogPdf(Float64Array.of(2), 1); // [−0.5]
 * ```
 */
export interface DifferentiableDistribution extends Distribution {
  /** `∇ log p` at `n` points (row-major `x[i · nRvs + p]`), same layout. */
  gradLogPdf(x: Float64Array, n: number): Float64Array;
}

/** True when `d` has a `gradLogPdf` method. */
export function isDifferentiableDistribution(d: Distribution): d is DifferentiableDistribution {
  return typeof (d as Partial<DifferentiableDistribution>).gradLogPdf === 'function';
}
