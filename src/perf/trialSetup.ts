import type { Distribution } from '../distributions/Distribution.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { WarningSink } from '../errors/warn.js';
import type { Heuristic } from '../heuristics/Heuristic.js';
import type { Model } from '../models/Model.js';
import type { Registry } from '../registry/Registry.js';
import { Rng } from '../rng/Rng.js';
import { TRIAL_STREAMS } from '../rng/trialStreams.js';
import { SimulatedSystem } from '../smc/SimulatedSystem.js';
import type { Updater } from '../smc/Updater.js';
import type { UpdaterArgs } from '../smc/updaterFactory.js';
import type { Float64Allocator } from '../util/allocate.js';
import { checkCount } from '../util/checkCount.js';
import { checkMemory, checkMemoryLimit, DEFAULT_MEMORY_LIMIT, particleCloudBytes } from '../util/memoryBudget.js';
import { perfRecordBytes, perfRecordLayout } from './perfRecordDtype.js';
import type { TrialSpec } from './TrialSpec.js';

/** The pieces of one estimation run rebuilt from a {@link TrialSpec}. */
export interface TrialSetup {
  readonly spec: TrialSpec;
  readonly model: Model;
  readonly trueModel: Model;
  readonly prior: Distribution;
  /** The true parameters at the start (fixed, or drawn from the true prior). */
  readonly trueParams: Float64Array;
  /** The root generator `new Rng(spec.seed)`; every stream is split from it (`TRIAL_STREAMS`). */
  readonly root: Rng;
  /** What the updater is built from (any `UpdaterFactory`). */
  readonly updaterArgs: UpdaterArgs;
  /** The heuristic of the spec bound to `updater`, with the `heuristic` stream. */
  heuristic(updater: Updater): Heuristic;
  /** The simulated system at `trueParams`, with the `simulation` and `trueDynamics` streams. */
  system(): SimulatedSystem;
}

/**
 * Peak bytes of one performance trial, estimated from its spec and models before anything is
 * allocated: the particle cloud (`particleCloudBytes(nParticles, nP)`), the prior and true
 * parameters (`16 · nP`), one simulated datum's likelihoods over the true model's outcomes
 * (`8 · nO`) and the records (`nExp · perfRecordBytes`).
 *
 * @example
 * ```ts
 * estimateTrialBytes(spec, model, model); // e.g. 6.4e5 for 10 000 particles × 1 parameter, 100 experiments
 * ```
 */
export function estimateTrialBytes(spec: Pick<TrialSpec, 'nParticles' | 'nExp'>, model: Model, trueModel: Model = model): number {
  const nP = model.nModelparams;
  const nO = trueModel.isNOutcomesConstant ? trueModel.nOutcomes() : 2;
  const outcomes = Number.isFinite(nO) ? nO : 0;
  return particleCloudBytes(spec.nParticles, nP) + 16 * (nP + trueModel.nModelparams) + 8 * outcomes + spec.nExp * perfRecordBytes(perfRecordLayout(model, trueModel));
}

/**
 * The set-up of one estimation run from data alone (QInfer's `perf_test`, `qinfer/perf_testing.py`: true parameters, prior, updater and heuristic),
 * shared by the performance trials (`TrialRun`) and the CLI's `estimate`, so both build the
 * same run from the same seed: models and priors through `registry`; the true parameters fixed
 * (`trueModelparams`) or drawn from the true prior with `TRIAL_STREAMS.trueParams`; the updater's
 * arguments with `TRIAL_STREAMS.updater`; the heuristic with `TRIAL_STREAMS.heuristic`; the
 * simulated system with `TRIAL_STREAMS.simulation` and `TRIAL_STREAMS.trueDynamics`. Bad counts
 * or shapes throw `QinferArgumentError`; a trial estimated above `options.memoryLimit` (default
 * 16 GiB; see {@link estimateTrialBytes}) throws `ERR_MEMORY` before the prior is built.
 *
 * @example
 * ```ts
 * const setup = trialSetup(spec, builtInRegistry());
 * const updater = smcUpdaterFactory(setup.updaterArgs);
 * const heuristic = setup.heuristic(updater), system = setup.system();
 * ```
 */
export function trialSetup(spec: TrialSpec, registry: Registry, options: { onWarning?: WarningSink; allocate?: Float64Allocator; memoryLimit?: number } = {}): TrialSetup {
  checkCount(spec.nExp, 'nExp');
  checkCount(spec.nParticles, 'nParticles');
  const memoryLimit = checkMemoryLimit(options.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
  const root = new Rng(spec.seed);
  const model = registry.createModel(spec.model);
  const trueModel = spec.trueModel === undefined ? model : registry.createModel(spec.trueModel);
  checkMemory(estimateTrialBytes(spec, model, trueModel), memoryLimit, `trial ${spec.index} (${spec.nParticles} particles × ${model.nModelparams} parameters of ${model.name}, ${spec.nExp} experiments)`, {
    index: spec.index, nParticles: spec.nParticles, nModelparams: model.nModelparams, nExp: spec.nExp,
  });
  const prior = registry.createDistribution(spec.prior);
  const nTrue = trueModel.nModelparams;
  let trueParams: Float64Array;
  if (spec.trueModelparams !== undefined) {
    if (spec.trueModelparams.length !== nTrue) {
      throw new QinferArgumentError('ERR_SHAPE', `trueModelparams has ${spec.trueModelparams.length} values, the true model ${nTrue} parameters`);
    }
    trueParams = Float64Array.from(spec.trueModelparams);
  } else {
    const truePrior = spec.truePrior === undefined ? prior : registry.createDistribution(spec.truePrior);
    if (truePrior.nRvs !== nTrue) {
      throw new QinferArgumentError('ERR_SHAPE', `the true prior has ${truePrior.nRvs} random variables, the true model ${nTrue} parameters`);
    }
    const draw = truePrior.sample(1, root.split(TRIAL_STREAMS.trueParams));
    trueParams = Float64Array.from({ length: nTrue }, (_, p) => draw.get(0, p));
  }
  const u = spec.updater ?? {};
  const updaterArgs: UpdaterArgs = {
    model,
    nParticles: spec.nParticles,
    prior,
    rng: root.split(TRIAL_STREAMS.updater),
    policy: { resampleThresh: u.resampleThresh, zeroWeightPolicy: u.zeroWeightPolicy, zeroWeightThresh: u.zeroWeightThresh },
    liuWest: u.resampler ?? {},
    ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    ...(options.allocate === undefined ? {} : { allocate: options.allocate }),
    memoryLimit,
  };
  return {
    spec,
    model,
    trueModel,
    prior,
    trueParams,
    root,
    updaterArgs,
    heuristic: (updater) => registry.createHeuristic(spec.heuristic, updater, root.split(TRIAL_STREAMS.heuristic)),
    system: () => SimulatedSystem.fromRoot(trueModel, trueParams, root),
  };
}
