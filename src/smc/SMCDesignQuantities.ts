import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';
import { checkMemory, likelihoodBytes } from '../util/memoryBudget.js';
import { bayesRisk, expectedInformationGain, hypotheticalUpdate, type HypotheticalUpdate } from './designQuantities.js';
import { ParticleDistribution } from './ParticleDistribution.js';
import { posteriorMarginal, type PosteriorMarginalOptions } from './posteriorMarginal.js';

/**
 * The design quantities of an updater's current posterior (QInfer's `SMCUpdater` methods
 * `hypothetical_update`, `bayes_risk`, `risk`, `expected_information_gain`,
 * `posterior_marginal`): a particle distribution with its model, each quantity refused with
 * `ERR_MEMORY` before it allocates when its `[outcomes, particles, experiments]` arrays would
 * exceed {@link memoryLimit}. The base of {@link SMCUpdater}, which adds the updates.
 *
 * @example
 * ```ts
 * import { SMCUpdater, SimplePrecessionModel, UniformDistribution, ExpParams } from 'qinfer-rx';
 * const up = new SMCUpdater(new SimplePrecessionModel(), 2000, new UniformDistribution([0, 1]));
 * up.bayesRisk(ExpParams.scalar([1, 2, 4])); // one risk per candidate time
 * ```
 */
export abstract class SMCDesignQuantities extends ParticleDistribution {
  /** The model the particles parametrise. */
  abstract readonly model: Model;
  /** Bytes a design quantity may allocate. */
  abstract readonly memoryLimit: number;

  /** Refuses a design quantity whose `[outcomes, particles, experiments]` arrays (three of them) cannot fit. */
  private checkDesignMemory(nO: number, eps: ExpParams, what: string): void {
    const nE = eps.length;
    checkMemory(3 * likelihoodBytes(nO, this._n, nE), this.memoryLimit, `${what} over ${nE} experiments × ${this._n} particles × ${nO} outcomes`, {
      nOutcomes: nO, nParticles: this._n, nExperiments: nE,
    });
  }

  /** The largest number of outcomes of the experiments `eps` (what enumerating design quantities allocate for). */
  private maxOutcomes(eps: ExpParams): number {
    if (this.model.isNOutcomesConstant) return this.model.nOutcomes(eps, 0);
    let nO = 0;
    for (let k = 0; k < eps.length; k++) nO = Math.max(nO, this.model.nOutcomes(eps, k));
    return nO;
  }

  /** Posterior weights for each outcome and candidate experiment, without changing the state (QInfer's `hypothetical_update`). */
  hypotheticalUpdate(outcomes: ArrayLike<number> | number, eps: ExpParams): HypotheticalUpdate {
    this.checkDesignMemory(typeof outcomes === 'number' ? 1 : outcomes.length, eps, 'hypotheticalUpdate');
    return hypotheticalUpdate(this.model, this._x, this._w, this._n, outcomes, eps);
  }

  /** Expected posterior Q-weighted variance of each candidate experiment (QInfer's `bayes_risk`). */
  bayesRisk(eps: ExpParams): Float64Array {
    this.checkDesignMemory(this.maxOutcomes(eps), eps, 'bayesRisk');
    return bayesRisk(this.model, this._x, this._w, this._n, eps);
  }

  /** QInfer's `risk(x0)`: the Bayes risk of one experiment. */
  risk(eps: ExpParams): number {
    return this.bayesRisk(eps.at(0))[0]!;
  }

  /** Expected information gain (KL divergence posterior‖prior) of each candidate experiment. */
  expectedInformationGain(eps: ExpParams): Float64Array {
    this.checkDesignMemory(this.maxOutcomes(eps), eps, 'expectedInformationGain');
    return expectedInformationGain(this.model, this._x, this._w, this._n, eps);
  }

  /** The marginal posterior density of parameter `idx` on a grid (QInfer's `posterior_marginal`). */
  posteriorMarginal(options: PosteriorMarginalOptions = {}): { ps: Float64Array; pr: Float64Array } {
    return posteriorMarginal(this._x, this._w, this._n, this.nRvs, options);
  }
}
