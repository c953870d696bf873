import { registerBuiltinDistributions } from '../distributions/registerBuiltinDistributions.js';
import { registerBuiltinHeuristics } from '../heuristics/registerBuiltinHeuristics.js';
import { registerBuiltinModels } from '../models/registerBuiltinModels.js';
import { Registry } from './Registry.js';

/**
 * A new registry holding every built-in model, distribution and heuristic.
 *
 * @example
 * ```ts
 * import { builtInRegistry } from 'qinfer-rx';
 * const reg = builtInRegistry();
 * reg.createDistribution({ name: 'UniformDistribution', params: { ranges: [[0, 1]] } });
 * ```
 */
export function builtInRegistry(): Registry {
  return registerBuiltinHeuristics(registerBuiltinDistributions(registerBuiltinModels(new Registry())));
}
