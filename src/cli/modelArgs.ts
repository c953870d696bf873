import type { DistributionSpec } from '../distributions/Distribution.js';
import { isQinferError, QinferArgumentError, type QinferErrorCode } from '../errors/QinferError.js';
import type { HeuristicSpec } from '../heuristics/Heuristic.js';
import type { Model, ModelSpec } from '../models/Model.js';
import { runTrial } from '../perf/runTrial.js';
import type { PerfTestOptions } from '../perf/PerfTestOptions.js';
import type { Registry } from '../registry/Registry.js';
import { collectKeyValues, parseNumberList, parseRange } from './parseArgs.js';
import { Rng } from '../rng/Rng.js';

/** The code of a qinfer-rx error (kept when the CLI rewords it as a usage error), else `ERR_ARGUMENT`. */
function codeOf(e: unknown): QinferErrorCode {
  return isQinferError(e) ? e.code : 'ERR_ARGUMENT';
}

/** The model options shared by `perf` and `estimate`, as commander gives them. */
export interface ModelOptionValues {
  readonly model: string;
  readonly param?: readonly string[];
  readonly prior?: readonly string[];
  readonly heuristic: string;
  readonly heuristicParam?: readonly string[];
  readonly true?: string;
  /** `--models FILE…`: user model modules (see `loadUserModels`). */
  readonly models?: readonly string[];
}

/** The validated model description: specs for the registry and the model itself. */
export interface ModelArgs {
  readonly model: ModelSpec;
  readonly prior: DistributionSpec;
  readonly heuristic: HeuristicSpec;
  readonly trueModelparams?: readonly number[];
  /** The built model (for names and counts). */
  readonly built: Model;
  readonly ranges: readonly (readonly [number, number])[];
  /** True when the uniform prior is postselected on the model's validity. */
  readonly postselected: boolean;
}

/**
 * True when the model calls some of 256 fixed pseudo-random points inside the prior box invalid
 * (so the uniform prior must be postselected, or trials would meet invalid particles); models
 * valid on their whole box keep the plain uniform prior and its random stream.
 *
 * @example
 * ```ts
 * rejectsPartOfBox(new RandomizedBenchmarkingModel(), [[0, 1], [0, 1], [0, 1]]); // true (A + B > 1)
 * ```
 */
export function rejectsPartOfBox(model: Model, ranges: readonly (readonly [number, number])[]): boolean {
  const n = 256, d = ranges.length, x = new Float64Array(n * d), rng = new Rng(0x5eed);
  for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) x[i * d + p] = ranges[p]![0] + (0.001 + 0.998 * rng.uniform()) * (ranges[p]![1] - ranges[p]![0]);
  return model.areModelsValid(x).some((v) => v === 0);
}

/**
 * Turns `--model`, `--param`, `--prior`, `--heuristic`, `--heuristic-param` and `--true` into
 * registry specs, checking each against the registry: unknown names list the known ones; one
 * prior range per model parameter (default `0:1` for each); fixed true values of the right count.
 * `options.beforeRanges` runs on the built model before anything proportional to its parameter
 * count is built (the CLI checks the run's memory there).
 *
 * @example
 * ```ts
 * modelArgs({ model: 'UnknownT2Model', prior: ['0:1', '0:0.1'], heuristic: 'ExpSparseHeuristic' }, builtInRegistry()).prior;
 * // { name: 'UniformDistribution', params: { ranges: [[0, 1], [0, 0.1]] } }
 * ```
 */
export function modelArgs(o: ModelOptionValues, registry: Registry, options: { readonly beforeRanges?: (model: Model) => void } = {}): ModelArgs {
  const names = registry.names();
  if (!registry.hasModel(o.model)) {
    throw new QinferArgumentError('ERR_UNKNOWN_MODEL', `unknown model '${o.model}' (known: ${names.models.join(', ')})`, { details: { name: o.model } });
  }
  const model: ModelSpec = { name: o.model, params: collectKeyValues(o.param ?? [], '--param') };
  let built: Model;
  try {
    built = registry.createModel(model);
  } catch (e) {
    throw new QinferArgumentError(codeOf(e), `--model ${o.model} with --param ${JSON.stringify(model.params)}: ${(e as Error).message}`, { cause: e });
  }
  options.beforeRanges?.(built); // e.g. the memory check: NDieModel n = 1e8 would need gigabytes of ranges
  const nP = built.nModelparams;
  const given = (o.prior ?? []).map((r) => parseRange(r, '--prior'));
  if (given.length !== 0 && given.length !== nP) {
    throw new QinferArgumentError('ERR_RANGE', `${o.model} has ${nP} parameters (${built.modelparamNames.join(', ')}): give --prior lo:hi once per parameter, got ${given.length}`);
  }
  const ranges = given.length === 0 ? Array.from({ length: nP }, () => [0, 1] as [number, number]) : given;
  if (!names.heuristics.includes(o.heuristic)) {
    throw new QinferArgumentError('ERR_UNKNOWN_NAME', `unknown heuristic '${o.heuristic}' (known: ${names.heuristics.join(', ')})`);
  }
  const heuristic: HeuristicSpec = { name: o.heuristic, params: collectKeyValues(o.heuristicParam ?? [], '--heuristic-param') };
  try {
    registry.checkParams('heuristic', heuristic);
  } catch (e) {
    throw new QinferArgumentError(codeOf(e), `--heuristic ${o.heuristic} with --heuristic-param: ${(e as Error).message}`, { cause: e });
  }
  let trueModelparams: number[] | undefined;
  if (o.true !== undefined) {
    trueModelparams = parseNumberList(o.true, '--true');
    if (trueModelparams.length !== nP) throw new QinferArgumentError('ERR_ARGUMENT', `--true needs ${nP} values for ${o.model}, got ${trueModelparams.length}`);
  }
  const uniform: DistributionSpec = { name: 'UniformDistribution', params: { ranges: ranges.map((r) => [...r]) } };
  const postselected = rejectsPartOfBox(built, ranges);
  return {
    model,
    // A box the model's validity cuts (RB: A + B ≤ 1) is postselected, as QInfer's simple_est_rb does.
    prior: postselected ? { name: 'PostselectedDistribution', params: { dist: uniform, model } } : uniform,
    postselected,
    heuristic,
    ...(trueModelparams === undefined ? {} : { trueModelparams }),
    built,
    ranges,
  };
}

/**
 * Runs one tiny trial (1 experiment, ≤ 20 particles) so that options that cannot work together
 * (a heuristic that does not fit the model's experiments, …) are reported as usage errors before
 * the real run starts.
 *
 * @example
 * ```ts
 * dryRun({ ...options, nParticles: 1000 }, registry); // throws QinferArgumentError when no trial can run
 * ```
 */
export function dryRun(options: PerfTestOptions, registry: Registry): void {
  try {
    runTrial({ ...options, nParticles: Math.min(options.nParticles, 20), nExp: 1, index: 0, seed: 0 }, registry);
  } catch (e) {
    throw new QinferArgumentError(codeOf(e), `these options cannot run a trial: ${(e as Error).message}`, { cause: e });
  }
}
