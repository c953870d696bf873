import { map, type OperatorFunction } from 'rxjs';
import { chooseExperiment, experimentChooser, type ExperimentSource } from '../src/smc/estimationStep.js';
import type { Updater } from '../src/smc/Updater.js';
import type { EstimationStep } from './EstimationStep.js';

/**
 * Chooses each step's experiment from the current posterior.
 *
 * Rule: `step → { ...step, expparams: heuristic.next() }` (or `heuristic(step.updater)` for a
 * plain function) — the step function `chooseExperiment`. A throw in the heuristic, or an
 * answer that is not exactly one experiment (`ERR_HEURISTIC`), errors the stream.
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
export function experiment<U extends Updater = Updater>(heuristic: ExperimentSource<U>): OperatorFunction<EstimationStep<U>, EstimationStep<U>> {
  const choose = experimentChooser(heuristic);
  return map((step) => ({ ...step, expparams: chooseExperiment(choose, step.updater) }));
}
