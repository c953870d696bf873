import { QinferArgumentError } from '../errors/QinferError.js';
import type { Distribution, DistributionSpec } from './Distribution.js';

/**
 * The `{ name, params }` of a distribution that is part of another one's spec; throws
 * `ERR_ARGUMENT` when it has no `spec()` (it then cannot be rebuilt from a registry).
 *
 * @example
 * ```ts
 * requireSpec(new UniformDistribution([0, 1]), 'factor 0'); // { name: 'UniformDistribution', … }
 * ```
 */
export function requireSpec(dist: Distribution, what: string): DistributionSpec {
  if (typeof dist.spec !== 'function') {
    throw new QinferArgumentError('ERR_ARGUMENT', `${what} has no spec(): it cannot be described as data`);
  }
  return dist.spec();
}
