import type { Rng } from '../rng/Rng.js';
import { logGammaVariate } from './logGammaVariate.js';

/**
 * A Beta(α, β) variate as `1 / (1 + e^{ln Y − ln X})`, `X ~ Gamma(α)`, `Y ~ Gamma(β)`.
 *
 * @example
 * ```ts
 * import { betaVariate, Rng } from 'qinfer-rx';
 * betaVariate(2, 5, new Rng(1)); // in (0, 1), mean 2/7
 * ```
 */
export function betaVariate(alpha: number, beta: number, rng: Rng): number {
  const lx = logGammaVariate(alpha, rng), ly = logGammaVariate(beta, rng);
  return 1 / (1 + Math.exp(ly - lx));
}
