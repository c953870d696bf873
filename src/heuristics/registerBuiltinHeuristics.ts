import { QinferArgumentError } from '../errors/QinferError.js';
import type { Registry } from '../registry/Registry.js';
import type { ExpRecord } from '../expparams/ExpParams.js';
import { EnsembleHeuristic } from './EnsembleHeuristic.js';
import type { HeuristicSpec } from './Heuristic.js';
import { ExpSparseHeuristic } from './ExpSparseHeuristic.js';
import { PGH, type SamplingPosterior } from './PGH.js';
import type { Updater } from '../smc/Updater.js';

/** The updater as PGH needs it: one that draws particles on this thread, else `ERR_ARGUMENT`. */
function samplingPosterior(up: Updater): SamplingPosterior {
  const s = up as Updater & Partial<SamplingPosterior>;
  if (typeof s.sample !== 'function') {
    throw new QinferArgumentError('ERR_ARGUMENT', `PGH draws particles on the host; it needs an updater that samples synchronously (SMCUpdater), not one with residence '${up.residence}'`);
  }
  return s as SamplingPosterior;
}

/**
 * Registers the built-in heuristics: `ExpSparseHeuristic` (params `scale`, `base`, `tField`,
 * `otherFields`, `integer`), `PGH` (params `invField`, `tField`, `maxiters`, `otherFields`; identity
 * functions, since functions cannot travel as data) and `EnsembleHeuristic` (params
 * `ensemble: [{ heuristic: HeuristicSpec, p: number }, …]`, the members built through the same
 * registry and sharing the generator). Each declares its parameter names (`ERR_UNKNOWN_PARAM`
 * for any other).
 *
 * @example
 * ```ts
 * const h = builtInRegistry().createHeuristic(
 *   { name: 'EnsembleHeuristic', params: { ensemble: [{ heuristic: { name: 'PGH', params: { invField: null } }, p: 0.8 },
 *                                                     { heuristic: { name: 'ExpSparseHeuristic' }, p: 0.2 }] } },
 *   updater, rng);
 * ```
 */
export function registerBuiltinHeuristics(reg: Registry): Registry {
  reg.registerHeuristic('ExpSparseHeuristic', (p, up) =>
    new ExpSparseHeuristic(up, {
      scale: p['scale'] as number | undefined,
      base: p['base'] as number | undefined,
      tField: p['tField'] as string | undefined,
      otherFields: p['otherFields'] as ExpRecord | undefined,
      integer: p['integer'] as boolean | undefined,
    }),
    { params: ['scale', 'base', 'tField', 'otherFields', 'integer'] },
  );
  reg.registerHeuristic('PGH', (p, up, rng) =>
    new PGH(samplingPosterior(up), rng, {
      invField: p['invField'] as string | null | undefined,
      tField: p['tField'] as string | undefined,
      maxiters: p['maxiters'] as number | undefined,
      otherFields: p['otherFields'] as ExpRecord | undefined,
    }),
    { params: ['invField', 'tField', 'maxiters', 'otherFields'] },
  );
  reg.registerHeuristic('EnsembleHeuristic', (p, up, rng, r) => {
    const members = p['ensemble'];
    if (!Array.isArray(members)) throw new QinferArgumentError('ERR_ARGUMENT', 'EnsembleHeuristic params need ensemble: [{ heuristic, p }, …]');
    return new EnsembleHeuristic(
      members.map((m: { heuristic: HeuristicSpec; p: number }) => [r.createHeuristic(m?.heuristic, up, rng), m?.p] as const),
      rng,
    );
  }, { params: ['ensemble'] });
  return reg;
}
