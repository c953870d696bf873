import { map, type OperatorFunction } from 'rxjs';
import type { Model } from '../src/models/Model.js';
import type { Rng } from '../src/rng/Rng.js';
import { SimulatedSystem } from '../src/smc/SimulatedSystem.js';
import type { ParticlesLike } from '../src/util/particles.js';
import type { EstimationStep } from './EstimationStep.js';
import { requireField } from './requireField.js';

/**
 * Simulates each step's outcome from a true model (the closed loop's stand-in for an
 * instrument): `outcome ~ Pr(· | trueParams; expparams)`; a model with dynamics moves the true
 * parameters after each datum (`updateTimestep`). The system is a `SimulatedSystem`, the one
 * the performance trials use: from `rng` as a root, outcomes come from
 * `rng.split(TRIAL_STREAMS.simulation)` and the true dynamics from
 * `rng.split(TRIAL_STREAMS.trueDynamics)` — the same seed gives a trial's data.
 *
 * ## Example
 * ```ts
 * steps$.pipe(experiment(h), simulate(new SimplePrecessionModel(), [0.42], new Rng(1)))
 * steps$.pipe(experiment(h), simulate(SimulatedSystem.fromRoot(model, [0.42], new Rng(1)))) // the same
 * ```
 *
 * @param system - the true model, its true parameters and the generators of its data
 */
export function simulate(system: SimulatedSystem): OperatorFunction<EstimationStep, EstimationStep>;
/**
 * The same, with the system given by its parts: `simulate(model, params, rng)` is
 * `simulate(SimulatedSystem.fromRoot(model, params, rng))`.
 *
 * @param trueModel - the model that generates data
 * @param trueParams - the true parameter vector (length `trueModel.nModelparams`)
 * @param rng - the root generator of the simulated data
 */
export function simulate(trueModel: Model, trueParams: ParticlesLike | readonly number[], rng: Rng): OperatorFunction<EstimationStep, EstimationStep>;
export function simulate(
  trueModel: Model | SimulatedSystem,
  trueParams?: ParticlesLike | readonly number[],
  rng?: Rng,
): OperatorFunction<EstimationStep, EstimationStep> {
  const system = trueModel instanceof SimulatedSystem ? trueModel : SimulatedSystem.fromRoot(trueModel, trueParams!, rng!);
  return map((step) => {
    const eps = requireField(step, 'expparams', 'simulate');
    const outcome = system.simulate(eps);
    system.advance(eps);
    return { ...step, outcome };
  });
}
