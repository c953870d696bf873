import { QinferArgumentError } from '../errors/QinferError.js';
import type { ModelSpec } from '../models/Model.js';
import type { Registry } from '../registry/Registry.js';
import { BetaBinomialDistribution, type BetaBinomialParams } from './BetaBinomialDistribution.js';
import { BetaDistribution, type BetaParams } from './BetaDistribution.js';
import { ConstantDistribution } from './ConstantDistribution.js';
import { DiscreteUniformDistribution } from './DiscreteUniformDistribution.js';
import type { DistributionSpec } from './Distribution.js';
import { GammaDistribution, type GammaParams } from './GammaDistribution.js';
import { LogNormalDistribution, type LogNormalParams } from './LogNormalDistribution.js';
import { MixtureDistribution } from './MixtureDistribution.js';
import { MultivariateNormalDistribution } from './MultivariateNormalDistribution.js';
import { NormalDistribution, type TruncationBounds } from './NormalDistribution.js';
import { PostselectedDistribution } from './PostselectedDistribution.js';
import { ProductDistribution } from './ProductDistribution.js';
import { UniformDistribution } from './UniformDistribution.js';

/**
 * Registers every built-in distribution under its class name, with the params their `spec()`
 * gives: `UniformDistribution {ranges}`, `NormalDistribution {mean, var, trunc}`,
 * `MultivariateNormalDistribution {mean, cov}`, `ConstantDistribution {values}`,
 * `ProductDistribution {factors: DistributionSpec[]}` and
 * `PostselectedDistribution {dist: DistributionSpec, model: ModelSpec, maxiters}` (the last two
 * rebuild their parts through the same registry), `BetaDistribution {alpha, beta} | {mean, var}`,
 * `GammaDistribution {alpha, beta} | {mean, var}`, `LogNormalDistribution {mu, sigma, loc}`,
 * `DiscreteUniformDistribution {numBits}`, `BetaBinomialDistribution {n, alpha, beta} | {n, mean, var}`
 * and `MixtureDistribution {weights, components: DistributionSpec[], shuffle}`. Each declares
 * these names: a spec naming another parameter is refused with `ERR_UNKNOWN_PARAM`.
 *
 * @example
 * ```ts
 * const reg = registerBuiltinDistributions(new Registry());
 * reg.createDistribution({ name: 'NormalDistribution', params: { mean: 0, var: 1, trunc: [0, null] } });
 * ```
 */
export function registerBuiltinDistributions(reg: Registry): Registry {
  const shapeOrMoments = { params: ['alpha', 'beta', 'mean', 'var'] };
  reg.registerDistribution('UniformDistribution', (p) => new UniformDistribution(p['ranges'] as number[][] | undefined), { params: ['ranges'] });
  reg.registerDistribution(
    'NormalDistribution',
    (p) => new NormalDistribution(p['mean'] as number, p['var'] as number, p['trunc'] as TruncationBounds | null | undefined),
    { params: ['mean', 'var', 'trunc'] },
  );
  reg.registerDistribution('MultivariateNormalDistribution', (p) => new MultivariateNormalDistribution(p['mean'] as number[], p['cov'] as number[][]), { params: ['mean', 'cov'] });
  reg.registerDistribution('ConstantDistribution', (p) => new ConstantDistribution(p['values'] as number[]), { params: ['values'] });
  reg.registerDistribution('ProductDistribution', (p, r) => {
    const factors = p['factors'];
    if (!Array.isArray(factors)) throw new QinferArgumentError('ERR_ARGUMENT', 'ProductDistribution params need factors: DistributionSpec[]');
    return new ProductDistribution(...factors.map((f: DistributionSpec) => r.createDistribution(f)));
  }, { params: ['factors'] });
  reg.registerDistribution(
    'PostselectedDistribution',
    (p, r) =>
      new PostselectedDistribution(r.createDistribution(p['dist'] as DistributionSpec), r.createModel(p['model'] as ModelSpec), p['maxiters'] as number | undefined),
    { params: ['dist', 'model', 'maxiters'] },
  );
  reg.registerDistribution('BetaDistribution', (p) => new BetaDistribution(p as unknown as BetaParams), shapeOrMoments);
  reg.registerDistribution('GammaDistribution', (p) => new GammaDistribution(p as unknown as GammaParams), shapeOrMoments);
  reg.registerDistribution('LogNormalDistribution', (p) => new LogNormalDistribution(p as LogNormalParams), { params: ['mu', 'sigma', 'loc'] });
  reg.registerDistribution('DiscreteUniformDistribution', (p) => new DiscreteUniformDistribution(p['numBits'] as number), { params: ['numBits'] });
  reg.registerDistribution('BetaBinomialDistribution', (p) => new BetaBinomialDistribution(p as unknown as BetaBinomialParams), { params: ['n', 'alpha', 'beta', 'mean', 'var'] });
  reg.registerDistribution('MixtureDistribution', (p, r) => {
    const components = p['components'];
    if (!Array.isArray(components)) throw new QinferArgumentError('ERR_ARGUMENT', 'MixtureDistribution params need components: DistributionSpec[]');
    return new MixtureDistribution(p['weights'] as number[], components.map((c: DistributionSpec) => r.createDistribution(c)), { shuffle: p['shuffle'] as boolean | undefined });
  }, { params: ['weights', 'components', 'shuffle'] });
  return reg;
}
