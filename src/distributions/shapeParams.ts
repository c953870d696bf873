import { QinferArgumentError } from '../errors/QinferError.js';

/** Shape parameters given directly, or a mean and variance to convert. */
export type ShapeOrMoments = { readonly alpha: number; readonly beta: number } | { readonly mean: number; readonly var: number };

/**
 * The `(α, β)` of a two-shape distribution given either `{ alpha, beta }` or `{ mean, var }`
 * (converted by `fromMoments`, which may throw for moments the family cannot have), checked to be
 * finite and positive. Shared by {@link BetaDistribution}, {@link GammaDistribution} and
 * {@link BetaBinomialDistribution}; throws `ERR_ARGUMENT` naming `what`.
 *
 * @example
 * ```ts
 * shapeParams({ mean: 2, var: 0.5 }, 'GammaDistribution', (m, v) => [m * m / v, m / v]); // [8, 4]
 * ```
 */
export function shapeParams(
  params: ShapeOrMoments,
  what: string,
  fromMoments: (mean: number, variance: number) => readonly [number, number],
): [number, number] {
  let a: number, b: number;
  if ((params as { alpha?: number })?.alpha !== undefined) {
    ({ alpha: a, beta: b } = params as { alpha: number; beta: number });
  } else if ((params as { mean?: number })?.mean !== undefined) {
    const { mean, var: v } = params as { mean: number; var: number };
    if (!Number.isFinite(mean) || !Number.isFinite(v)) throw new QinferArgumentError('ERR_ARGUMENT', `${what} needs a finite mean and var, got ${mean}, ${v}`);
    [a, b] = fromMoments(mean, v);
  } else {
    throw new QinferArgumentError('ERR_ARGUMENT', `${what} requires either { alpha, beta } or { mean, var }`);
  }
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new QinferArgumentError('ERR_ARGUMENT', `${what} needs alpha > 0 and beta > 0, got ${a}, ${b}`, { details: { alpha: a, beta: b } });
  }
  return [a, b];
}
