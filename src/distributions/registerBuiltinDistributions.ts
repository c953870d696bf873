import type { Registry } from '../registry/Registry.js';
import { UniformDistribution } from './UniformDistribution.js';

/** Registers every built-in distribution under its class name. */
export function registerBuiltinDistributions(reg: Registry): Registry {
  reg.registerDistribution('UniformDistribution', (p) => new UniformDistribution(p['ranges'] as number[][] | undefined));
  return reg;
}
