import { QinferArgumentError } from '../errors/QinferError.js';
import { checkCount } from '../util/checkCount.js';
import type { Registry } from '../registry/Registry.js';
import { perfRecordLayout, type PerfRecordLayout } from './perfRecordDtype.js';
import type { TrialSpec } from './TrialSpec.js';

/**
 * What a performance test estimates, as data (QInfer's `perf_test` arguments): the trial spec
 * without its index and seed, which `perfTestMultiple` derives per trial.
 */
export type PerfTestOptions = Omit<TrialSpec, 'index' | 'seed'>;

/**
 * The spec of trial `index` with seed `seed` (a pure copy of `options`).
 *
 * @example
 * ```ts
 * import { trialSpec, deriveSeed } from 'qinfer-rx';
 * const spec = trialSpec(options, 3, deriveSeed(2024, 3));
 * ```
 */
export function trialSpec(options: PerfTestOptions, index: number, seed: number): TrialSpec {
  return { ...options, index, seed };
}

/**
 * Checks performance-test options when they are given (before any trial runs) and returns the
 * record layout: positive integer counts, registered names and declared parameter names
 * (`ERR_UNKNOWN_PARAM`), prior sizes matching the models, fixed true parameters of the right
 * length. Throws `QinferArgumentError`.
 *
 * @example
 * ```ts
 * import { checkPerfTestOptions, builtInRegistry } from 'qinfer-rx';
 * const layout = checkPerfTestOptions(options, builtInRegistry()); // { nEst, nTrue, expSchema }
 * ```
 */
export function checkPerfTestOptions(options: PerfTestOptions, registry: Registry): PerfRecordLayout {
  checkCount(options.nParticles, 'nParticles');
  checkCount(options.nExp, 'nExp');
  const model = registry.createModel(options.model);
  const trueModel = options.trueModel === undefined ? model : registry.createModel(options.trueModel);
  const prior = registry.createDistribution(options.prior);
  if (prior.nRvs !== model.nModelparams) {
    throw new QinferArgumentError('ERR_SHAPE', `the prior has ${prior.nRvs} random variables, ${model.name} has ${model.nModelparams} parameters`);
  }
  if (options.trueModelparams !== undefined) {
    if (options.trueModelparams.length !== trueModel.nModelparams || !options.trueModelparams.every(Number.isFinite)) {
      throw new QinferArgumentError('ERR_SHAPE', `trueModelparams must be ${trueModel.nModelparams} finite numbers`);
    }
  } else {
    const truePrior = options.truePrior === undefined ? prior : registry.createDistribution(options.truePrior);
    if (truePrior.nRvs !== trueModel.nModelparams) {
      throw new QinferArgumentError('ERR_SHAPE', `the true prior has ${truePrior.nRvs} random variables, ${trueModel.name} has ${trueModel.nModelparams} parameters`);
    }
  }
  const name = options.heuristic?.name;
  if (!registry.names().heuristics.includes(name)) {
    throw new QinferArgumentError('ERR_UNKNOWN_NAME', `unknown heuristic '${String(name)}' (known: ${registry.names().heuristics.join(', ')})`);
  }
  registry.checkParams('heuristic', options.heuristic);
  return perfRecordLayout(model, trueModel);
}
