import ndarray from 'ndarray';
import type { Distribution } from '../distributions/Distribution.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Rng } from '../rng/Rng.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { DerivedModel } from './DerivedModel.js';
import type { Model } from './Model.js';

/**
 * Parameters that drift between experiments (QInfer's `RandomWalkModel`): the likelihood,
 * simulation and everything else are the underlying model's, and the time step adds an
 * independent draw of the step distribution to every particle, once per experiment:
 *
 *   x'[j, :, k] = x[j, :] + δ_{j,k},   δ_{j,k} ~ stepDistribution (drawn with the given `rng`,
 *   in the order j = 0 … nM−1, k = 0 … nE−1, as QInfer's `sample(nM · nE)` reshaped).
 *
 * `hasDynamics` is true, so the SMC updater calls {@link updateTimestep} after every datum. The
 * step distribution must have `nRvs = nModelparams`; for the model to cross a thread or machine
 * boundary it must also have a `spec()` (its `params` hold both specs).
 *
 * @example
 * ```ts
 * import { RandomWalkModel, SimplePrecessionModel, UniformDistribution, ExpParams, Rng } from 'qinfer-rx';
 * const m = new RandomWalkModel(new SimplePrecessionModel(), new UniformDistribution([-0.01, 0.01]));
 * m.updateTimestep([[0.5]], ExpParams.scalar([1]), new Rng(1)).get(0, 0, 0); // 0.5 ± 0.01
 * ```
 */
export class RandomWalkModel extends DerivedModel {
  readonly name: string = 'RandomWalkModel';
  override readonly hasDynamics: boolean = true;
  /** The distribution of one step (QInfer's `step_distribution`). */
  readonly stepDistribution: Distribution;

  /**
   * @param underlyingModel - the model whose parameters drift
   * @param stepDistribution - the distribution of one step, `nRvs = underlyingModel.nModelparams`
   */
  constructor(underlyingModel: Model, stepDistribution: Distribution) {
    super(underlyingModel);
    if (stepDistribution.nRvs !== underlyingModel.nModelparams) {
      throw new QinferArgumentError(
        'ERR_SHAPE',
        `step distribution has ${stepDistribution.nRvs} random variables, the model ${underlyingModel.nModelparams} parameters`,
      );
    }
    this.stepDistribution = stepDistribution;
  }

  /** `{ underlyingModel, stepDistribution }` specs; throws `ERR_ARGUMENT` when the step distribution has no `spec()`. */
  override get params(): Readonly<Record<string, unknown>> {
    if (typeof this.stepDistribution.spec !== 'function') {
      throw new QinferArgumentError('ERR_ARGUMENT', 'the step distribution has no spec(): this RandomWalkModel cannot be rebuilt from a registry');
    }
    return { underlyingModel: this.underlyingModel.spec(), stepDistribution: this.stepDistribution.spec() };
  }

  likelihoodInto(outcomes: Int32Array, x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    this.underlyingModel.likelihoodInto(outcomes, x, nM, eps, out, start, end);
  }

  /** Particles plus one step per (particle, experiment), shape `[nM, nP, nE]`; `rng` is required. */
  override updateTimestep(mps: ParticlesLike, eps: ExpParams, rng?: Rng): ndarray.NdArray<Float64Array> {
    if (rng === undefined) throw new QinferArgumentError('ERR_ARGUMENT', 'RandomWalkModel.updateTimestep needs an rng');
    const { x, nM, nP } = toRowMajor(mps, this.nModelparams);
    const nE = eps.length;
    const steps = this.stepDistribution.sample(nM * nE, rng);
    const out = new Float64Array(nM * nP * nE);
    for (let j = 0; j < nM; j++) {
      for (let k = 0; k < nE; k++) {
        for (let p = 0; p < nP; p++) out[(j * nP + p) * nE + k] = x[j * nP + p]! + steps.get(j * nE + k, p);
      }
    }
    return ndarray(out, [nM, nP, nE]);
  }
}
