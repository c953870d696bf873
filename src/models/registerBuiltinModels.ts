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
 * Each registration declares its parameter names, so a spec naming another one (a typo such
 * as `minfreq`) is refused with `ERR_UNKNOWN_PARAM` listing them.
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
  const none = { params: [] };
  const derived = { params: ['underlyingModel'] };
  reg.registerModel('SimplePrecessionModel', (p) => new SimplePrecessionModel({ minFreq: p['minFreq'] as number | undefined }), { params: ['minFreq'] });
  reg.registerModel('SimpleInversionModel', (p) => new SimpleInversionModel({ minFreq: p['minFreq'] as number | undefined }), { params: ['minFreq'] });
  reg.registerModel('UnknownT2Model', () => new UnknownT2Model(), none);
  reg.registerModel('MultiCosModel', () => new MultiCosModel(), none);
  reg.registerModel('CoinModel', () => new CoinModel(), none);
  reg.registerModel('CostlyModel', (p) => new CostlyModel({ k: p['k'] as number | undefined }), { params: ['k'] });
  reg.registerModel('NoisyCoinModel', () => new NoisyCoinModel(), none);
  reg.registerModel(
    'NDieModel',
    (p) => new NDieModel({ n: p['n'] as number | undefined, threshold: p['threshold'] as number | undefined }),
    { params: ['n', 'threshold'] },
  );
  reg.registerModel('BinomialModel', (p, r) => new BinomialModel(r.createModel(specParam(p, 'underlyingModel'))), derived);
  reg.registerModel(
    'RandomWalkModel',
    (p, r) => new RandomWalkModel(r.createModel(specParam(p, 'underlyingModel')), r.createDistribution(specParam(p, 'stepDistribution'))),
    { params: ['underlyingModel', 'stepDistribution'] },
  );
  reg.registerModel('RandomizedBenchmarkingModel', (p) => new RandomizedBenchmarkingModel({ interleaved: p['interleaved'] as boolean | undefined }), { params: ['interleaved'] });
  reg.registerModel('MultinomialModel', (p, r) => new MultinomialModel(r.createModel(specParam(p, 'underlyingModel'))), derived);
  reg.registerModel('GaussianHyperparameterizedModel', (p, r) => new GaussianHyperparameterizedModel(r.createModel(specParam(p, 'underlyingModel')), p as unknown as ReadoutBins), {
    params: ['underlyingModel', 'edges', 'range', 'nBins'],
  });
  reg.registerModel('PoissonCountModel', (p, r) => new PoissonCountModel(r.createModel(specParam(p, 'underlyingModel')), { references: p['references'] as boolean | undefined }), {
    params: ['underlyingModel', 'references'],
  });
  reg.registerModel('PoisonedModel', (p, r) => new PoisonedModel(r.createModel(specParam(p, 'underlyingModel')), p as PoisonedOptions), {
    params: ['underlyingModel', 'tol', 'nSamples', 'hedge', 'seed'],
  });
  reg.registerModel('GaussianRandomWalkModel', (p, r) => new GaussianRandomWalkModel(r.createModel(specParam(p, 'underlyingModel')), p as GaussianRandomWalkOptions), {
    params: ['underlyingModel', 'randomWalkIdxs', 'fixedCovariance', 'diagonal', 'scaleMult'],
  });
  reg.registerModel('DifferentiableBinomialModel', (p, r) => new DifferentiableBinomialModel(r.createModel(specParam(p, 'underlyingModel'))), derived);
  return reg;
}
