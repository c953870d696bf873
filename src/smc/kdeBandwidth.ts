/**
 * Silverman's rule-of-thumb bandwidth for a Gaussian kernel density estimate of one parameter of
 * a weighted particle cloud: `h = 1.06 · σ · n_ess^(−1/5)`, with `σ` the posterior standard
 * deviation and `n_ess` the effective sample size (the weighted cloud carries about `n_ess`
 * independent draws). Use it as `posteriorMarginal`'s `smoothing`. Returns 0 when `σ` is not a
 * positive finite number or `n_ess < 1`.
 *
 * @example
 * ```ts
 * import { kdeBandwidth } from 'qinfer-rx';
 * const sd = Math.sqrt(updater.estCovarianceMtx().get(0, 0));
 * const smooth = updater.posteriorMarginal({ res: 200, smoothing: kdeBandwidth(sd, updater.nEss) });
 * ```
 */
export function kdeBandwidth(sd: number, nEss: number): number {
  if (!(sd > 0 && Number.isFinite(sd) && nEss >= 1)) return 0;
  return 1.06 * sd * nEss ** -0.2;
}
