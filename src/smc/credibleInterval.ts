import { QinferArgumentError } from '../errors/QinferError.js';

/** A particle cloud as {@link credibleInterval} reads it (an `SMCUpdater` or a `ParticleDistribution`). */
export interface WeightedCloud {
  /** Row-major `[nParticles, nRvs]`. */
  readonly locations: Float64Array;
  readonly particleWeights: Float64Array;
  readonly nParticles: number;
  readonly nRvs: number;
}

/**
 * The equal-tailed credible interval of parameter `idx` at probability `level`: the weighted
 * quantiles `q((1 − level)/2)` and `q((1 + level)/2)` of the particle cloud, where `q(u)` is the
 * smallest particle value whose cumulative weight (particles sorted on the parameter, ties in
 * index order) reaches `u · Σw` (to a relative 1e-12, so that rounding in the sum does not skip a
 * particle). For a one-parameter posterior this is the interval a physicist
 * quotes; `estCredibleRegion` gives the highest-weight region in all parameters instead.
 *
 * @example
 * ```ts
 * import { credibleInterval } from 'qinfer-rx';
 * const { lo, hi } = credibleInterval(updater, 0, 0.95); // 95 % of the posterior weight of ω
 * ```
 */
export function credibleInterval(cloud: WeightedCloud, idx = 0, level = 0.95): { lo: number; hi: number } {
  const { locations: x, particleWeights: w, nParticles: n, nRvs: d } = cloud;
  if (!(Number.isInteger(idx) && idx >= 0 && idx < d)) throw new QinferArgumentError('ERR_ARGUMENT', `parameter index ${idx} outside [0, ${d})`);
  if (!(level > 0 && level < 1)) throw new QinferArgumentError('ERR_ARGUMENT', `level must be in (0, 1), got ${level}`);
  if (n === 0) throw new QinferArgumentError('ERR_PARTICLE_COUNT', 'no particles');
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a * d + idx]! - x[b * d + idx]! || a - b);
  let total = 0;
  for (let j = 0; j < n; j++) total += w[j]!;
  const quantile = (u: number): number => {
    const target = u * total - 1e-12 * total; // a cumulative sum that reaches u up to rounding counts
    let c = 0;
    for (const j of order) {
      c += w[j]!;
      if (c >= target) return x[j * d + idx]!;
    }
    return x[order[n - 1]! * d + idx]!;
  };
  return { lo: quantile((1 - level) / 2), hi: quantile((1 + level) / 2) };
}
