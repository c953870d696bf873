import type { DistributionSpec } from '../distributions/Distribution.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { Registry } from '../registry/Registry.js';
import { BinomialModel } from './BinomialModel.js';
import { CoinModel } from './CoinModel.js';
import { CostlyModel } from './CostlyModel.js';
import { DifferentiableBinomialModel } from './DifferentiableBinomialModel.js';
import type { ModelSpec } from './Model.js';
import { GaussianHyperparameterizedModel, type ReadoutBins } from './GaussianHyperparameterizedModel.js';
import { GaussianRandomWalkModel, type GaussianRandomWalkOptions } from './GaussianRandomWalkModel.js';
import { MultiCosModel } from './MultiCosModel.js';
import { MultinomialModel } from './MultinomialModel.js';
import { NDieModel } from './NDieModel.js';
import { NoisyCoinModel } from './NoisyCoinModel.js';
import { PoissonCountModel } from './PoissonCountModel.js';
import { PoisonedModel, type PoisonedOptions } from './PoisonedModel.js';
import { RandomizedBenchmarkingModel } from './RandomizedBenchmarkingModel.js';
import { RandomWalkModel } from './RandomWalkModel.js';
import { SimpleInversionModel } from './SimpleInversionModel.js';
import { SimplePrecessionModel } from './SimplePrecessionModel.js';
import { UnknownT2Model } from './UnknownT2Model.js';

type Params = Readonly<Record<string, unknown>>;

/** A `{ name, params }` spec held in `params[key]`; `ERR_ARGUMENT` when it is not one. */
function specParam(p: Params, key: string): ModelSpec & DistributionSpec {
  const s = p[key] as { name?: unknown } | undefined;
  if (s === null || typeof s !== 'object' || typeof s.name !== 'string') {
    throw new QinferArgumentError('ERR_ARGUMENT', `params.${key} must be a { name, params } spec`, { details: { key } });
  }
  return s as ModelSpec;
}

/**
 * Registers every built-in model under its class name. Parameters are the camelCase forms of
 * QInfer's constructor arguments (`minFreq`, `n`, `threshold`); derived models hold the specs of
 * their parts (`underlyingModel`, `stepDistribution`) and build them through the registry.
 *
 * @example
 * ```ts
 * import { builtInRegistry } from 'qinfer-rx';
 * const m = builtInRegistry().createModel({
 *   name: 'BinomialModel', params: { underlyingModel: { name: 'SimplePrecessionModel', params: { minFreq: 0 } } },
 * });
 * ```
 */
export function registerBuiltinModels(reg: Registry): Registry {
  reg.registerModel('SimplePrecessionModel', (p) => new SimplePrecessionModel({ minFreq: p['minFreq'] as number | undefined }));
  reg.registerModel('SimpleInversionModel', (p) => new SimpleInversionModel({ minFreq: p['minFreq'] as number | undefined }));
  reg.registerModel('UnknownT2Model', () => new UnknownT2Model());
  reg.registerModel('MultiCosModel', () => new MultiCosModel());
  reg.registerModel('CoinModel', () => new CoinModel());
  reg.registerModel('CostlyModel', (p) => new CostlyModel({ k: p['k'] as number | undefined }));
  reg.registerModel('NoisyCoinModel', () => new NoisyCoinModel());
  reg.registerModel(
    'NDieModel',
    (p) => new NDieModel({ n: p['n'] as number | undefined, threshold: p['threshold'] as number | undefined }),
  );
  reg.registerModel('BinomialModel', (p, r) => new BinomialModel(r.createModel(specParam(p, 'underlyingModel'))));
  reg.registerModel(
    'RandomWalkModel',
    (p, r) => new RandomWalkModel(r.createModel(specParam(p, 'underlyingModel')), r.createDistribution(specParam(p, 'stepDistribution'))),
  );
  reg.registerModel('RandomizedBenchmarkingModel', (p) => new RandomizedBenchmarkingModel({ interleaved: p['interleaved'] as boolean | undefined }));
  reg.registerModel('MultinomialModel', (p, r) => new MultinomialModel(r.createModel(specParam(p, 'underlyingModel'))));
  reg.registerModel('GaussianHyperparameterizedModel', (p, r) => new GaussianHyperparameterizedModel(r.createModel(specParam(p, 'underlyingModel')), p as unknown as ReadoutBins));
  reg.registerModel('PoissonCountModel', (p, r) => new PoissonCountModel(r.createModel(specParam(p, 'underlyingModel')), { references: p['references'] as boolean | undefined }));
  reg.registerModel('PoisonedModel', (p, r) => new PoisonedModel(r.createModel(specParam(p, 'underlyingModel')), p as PoisonedOptions));
  reg.registerModel('GaussianRandomWalkModel', (p, r) => new GaussianRandomWalkModel(r.createModel(specParam(p, 'underlyingModel')), p as GaussianRandomWalkOptions));
  reg.registerModel('DifferentiableBinomialModel', (p, r) => new DifferentiableBinomialModel(r.createModel(specParam(p, 'underlyingModel'))));
  return reg;
}
