import { map, type OperatorFunction } from 'rxjs';
import { QinferArgumentError } from '../src/errors/QinferError.js';
import type { Model } from '../src/models/Model.js';
import type { Rng } from '../src/rng/Rng.js';
import { toRowMajor, type ParticlesLike } from '../src/util/particles.js';
import type { EstimationStep } from './EstimationStep.js';
import { requireField } from './requireField.js';

/**
 * Simulates each step's outcome from a true model (the closed loop's stand-in for an
 * instrument): `outcome ~ Pr(· | trueParams; expparams)` drawn with `rng`. A model with dynamics
 * moves the true parameters after each datum (`updateTimestep`).
 *
 * ## Example
 * ```ts
 * steps$.pipe(experiment(h), simulate(new SimplePrecessionModel(), [0.42], new Rng(1)))
 * ```
 *
 * @param trueModel - the model that generates data
 * @param trueParams - the true parameter vector (length `trueModel.nModelparams`)
 * @param rng - the generator of the simulated outcomes
 */
export function simulate(trueModel: Model, trueParams: ParticlesLike | readonly number[], rng: Rng): OperatorFunction<EstimationStep, EstimationStep> {
  const nP = trueModel.nModelparams;
  const first = Array.isArray(trueParams) && typeof trueParams[0] === 'number' ? Float64Array.from(trueParams as number[]) : trueParams;
  const { x, nM } = toRowMajor(first as ParticlesLike, nP);
  if (nM !== 1) throw new QinferArgumentError('ERR_SHAPE', `simulate() needs one true parameter vector, got ${nM}`);
  let truth = Float64Array.from(x);
  return map((step) => {
    const eps = requireField(step, 'expparams', 'simulate');
    const outcome = trueModel.simulateExperiment(truth, eps, rng).data[0]!;
    if (trueModel.hasDynamics) truth = Float64Array.from(trueModel.updateTimestep(truth, eps, rng).data.filter((_, i) => i % eps.length === 0));
    return { ...step, outcome };
  });
}
