import { QinferError } from '../../errors/QinferError.js';
import type { Model } from '../../models/Model.js';
import { PGH } from '../../heuristics/PGH.js';
import type { PerfTestOptions } from '../../perf/PerfTestOptions.js';
import type { Registry } from '../../registry/Registry.js';
import { Rng } from '../../rng/Rng.js';
import type { SMCUpdater } from '../../smc/SMCUpdater.js';
import type { GpuModel, GpuModelFactory } from '../GpuModel.js';
import { gpuModelFor } from '../builtinGpuModels.js';
import { MAX_BATCH_PARAMS } from './batchLayout.js';

/**
 * The updater a host-evaluated heuristic sees: the model and the data record only. Anything
 * else (the posterior) lives on the device, so asking for it is an error naming the member.
 */
export function stepView(model: Model, dataRecord: number[]): SMCUpdater {
  const target = { model, dataRecord, residence: 'device' };
  return new Proxy(target, {
    get(t, prop) {
      if (typeof prop === 'symbol' || prop === 'then' || prop in t) return (t as Record<string | symbol, unknown>)[prop];
      const reads = (): never => {
        throw new QinferError('ERR_ARGUMENT', `the batched GPU engine runs this heuristic on the host from the step index alone, but it reads the posterior (updater.${String(prop)}); use ExpSparseHeuristic-like heuristics, PGH, or another backend`);
      };
      // a method may be looked up (PGH checks that sample exists; its draws run on the device), not called
      if (prop === 'sample') return reads;
      return reads();
    },
  }) as unknown as SMCUpdater;
}

/** How a batch's heuristic runs: on the host from the step index alone, or PGH's draws on the device. */
export type BatchHeuristicKind = 'host' | 'pgh';

/** Whether the batched GPU engine can run trials of these options, and how. */
export type BatchPlan =
  | { readonly ok: true; readonly gpuModel: GpuModel; readonly kind: BatchHeuristicKind }
  | { readonly ok: false; readonly reason: string };

/**
 * Decides whether trials with these options can run on the batched GPU engine: the model needs
 * a GPU kernel (built in, or in `gpuModels`), at most 4 parameters and no dynamics; the true
 * model must be the estimation model; the zero-weight policy must not be `'reset'`; the heuristic
 * must be PGH (its particle draws run on the device) or one that needs only the step index —
 * checked by building it on a stand-in updater that holds the model and the data record alone
 * and asking it for one experiment. Anything else gets `{ ok: false, reason }` (the caller runs
 * those trials elsewhere).
 *
 * @example
 * ```ts
 * batchPlan(options, builtInRegistry()); // { ok: true, gpuModel, kind: 'host' } for ExpSparse on SimplePrecession
 * ```
 */
export function batchPlan(options: PerfTestOptions, registry: Registry, gpuModels: Readonly<Record<string, GpuModelFactory>> = {}): BatchPlan {
  const no = (reason: string): BatchPlan => ({ ok: false, reason });
  let model;
  try {
    model = registry.createModel(options.model);
  } catch (e) {
    return no((e as Error).message);
  }
  let gpuModel: GpuModel;
  try {
    gpuModel = gpuModelFor(model, gpuModels);
  } catch (e) {
    return no((e as Error).message);
  }
  if (model.nModelparams > MAX_BATCH_PARAMS) return no(`${model.name} has ${model.nModelparams} parameters (the batched engine takes up to ${MAX_BATCH_PARAMS})`);
  if (model.hasDynamics) return no(`${model.name} has dynamics`);
  if (options.trueModel !== undefined && JSON.stringify(options.trueModel) !== JSON.stringify(options.model)) return no('the true model differs from the estimation model');
  if (options.updater?.zeroWeightPolicy === 'reset') return no("zero-weight policy 'reset'");
  try {
    const h = registry.createHeuristic(options.heuristic, stepView(model, []), new Rng(0));
    if (h instanceof PGH) return { ok: true, gpuModel, kind: 'pgh' };
    h.next();
  } catch (e) {
    return no(`heuristic ${String(options.heuristic?.name)}: ${(e as Error).message}`);
  }
  return { ok: true, gpuModel, kind: 'host' };
}
