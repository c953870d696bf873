import { QinferArgumentError } from '../errors/QinferError.js';
import type { Registry } from '../registry/Registry.js';
import type { ExpRecord } from '../expparams/ExpParams.js';
import { EnsembleHeuristic } from './EnsembleHeuristic.js';
import type { HeuristicSpec } from './Heuristic.js';
import { ExpSparseHeuristic } from './ExpSparseHeuristic.js';
import { PGH } from './PGH.js';

/**
 * Registers the built-in heuristics: `ExpSparseHeuristic` (params `scale`, `base`, `tField`,
 * `otherFields`), `PGH` (params `invField`, `tField`, `maxiters`, `otherFields`; identity
 * functions, since functions cannot travel as data) and `EnsembleHeuristic` (params
 * `ensemble: [{ heuristic: HeuristicSpec, p: number }, …]`, the members built through the same
 * registry and sharing the generator).
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
    }),
  );
  reg.registerHeuristic('PGH', (p, up, rng) =>
    new PGH(up, rng, {
      invField: p['invField'] as string | null | undefined,
      tField: p['tField'] as string | undefined,
      maxiters: p['maxiters'] as number | undefined,
      otherFields: p['otherFields'] as ExpRecord | undefined,
    }),
  );
  reg.registerHeuristic('EnsembleHeuristic', (p, up, rng, r) => {
    const members = p['ensemble'];
    if (!Array.isArray(members)) throw new QinferArgumentError('ERR_ARGUMENT', 'EnsembleHeuristic params need ensemble: [{ heuristic, p }, …]');
    return new EnsembleHeuristic(
      members.map((m: { heuristic: HeuristicSpec; p: number }) => [r.createHeuristic(m?.heuristic, up, rng), m?.p] as const),
      rng,
    );
  });
  return reg;
}
