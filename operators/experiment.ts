import { map, type OperatorFunction } from 'rxjs';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import type { ExpParams } from '../src/expparams/ExpParams.js';
import type { Heuristic } from '../src/heuristics/Heuristic.js';
import type { SMCUpdater } from '../src/smc/SMCUpdater.js';
import type { EstimationStep } from './EstimationStep.js';

/**
 * Chooses each step's experiment from the current posterior.
 *
 * Rule: `step → { ...step, expparams: heuristic.next() }` (or `heuristic(step.updater)` for a
 * plain function). A throw in the heuristic errors the stream.
 *
 * ## Example
 * ```ts
 * import { of } from 'rxjs';
 * import { experiment, ExpSparseHeuristic } from 'qinfer-rx';
 * of({ updater, index: 0 }).pipe(experiment(new ExpSparseHeuristic(updater)))
 *   .subscribe((s) => console.log(s.expparams?.values())); // Float64Array [1]
 * ```
 *
 * @param heuristic - a {@link Heuristic} bound to the updater, or `(updater) => ExpParams`
 * @return an operator adding `expparams` to each step
 */
export function experiment(heuristic: Heuristic | ((updater: SMCUpdater) => ExpParams)): OperatorFunction<EstimationStep, EstimationStep> {
  const next =
    typeof heuristic === 'function'
      ? heuristic
      : heuristic !== null && typeof heuristic === 'object' && typeof heuristic.next === 'function'
        ? () => heuristic.next()
        : undefined;
  if (next === undefined) throw new QinferArgumentError('ERR_ARGUMENT', 'experiment() needs a heuristic (an object with next() or a function)');
  return map((step) => ({ ...step, expparams: next(step.updater) }));
}
