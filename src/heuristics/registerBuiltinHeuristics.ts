import type { Registry } from '../registry/Registry.js';
import type { ExpRecord } from '../expparams/ExpParams.js';
import { ExpSparseHeuristic } from './ExpSparseHeuristic.js';
import { PGH } from './PGH.js';

/**
 * Registers the built-in heuristics: `ExpSparseHeuristic` (params `scale`, `base`, `tField`,
 * `otherFields`) and `PGH` (params `invField`, `tField`, `maxiters`, `otherFields`; identity
 * functions, since functions cannot travel as data).
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
  return reg;
}
