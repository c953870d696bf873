import type ndarray from 'ndarray';
import type { ExpParams, ExpSchema } from '../expparams/ExpParams.js';
import type { Rng } from '../rng/Rng.js';
import type { ParticlesLike } from '../util/particles.js';
import { FiniteOutcomeModel } from './FiniteOutcomeModel.js';
import type { Model } from './Model.js';

/**
 * Base of models built on another model (QInfer's `DerivedModel`): parameters, names, loss
 * scale, validity, outcomes, time step, canonicalisation, experiment cost and cache pass through
 * to the underlying model; subclasses change what they derive. Counting (`callCount`,
 * `simCount`) happens on the derived model only: it runs the underlying model's raw kernel, which
 * does not count.
 *
 * Unlike QInfer, `isNOutcomesConstant` also passes through (QInfer's `DerivedModel` falls back to
 * `True` for it, a quirk this port does not copy).
 *
 * @example
 * ```ts
 * class Squared extends DerivedModel {
 *   readonly name = 'Squared';
 *   likelihoodInto(os, x, nM, eps, out, start = 0, end = nM) {
 *     this.underlyingModel.likelihoodInto(os, x, nM, eps, out, start, end);
 *     // … then transform out in place, rows start..end
 *   }
 * }
 * ```
 */
export abstract class DerivedModel extends FiniteOutcomeModel {
  /** The model this one is built on. */
  readonly underlyingModel: Model;
  override readonly isNOutcomesConstant: boolean;
  override readonly hasDynamics: boolean;

  constructor(underlyingModel: Model) {
    super();
    this.underlyingModel = underlyingModel;
    this.isNOutcomesConstant = underlyingModel.isNOutcomesConstant;
    this.hasDynamics = underlyingModel.hasDynamics;
  }

  /** The chain of underlying models, nearest first (QInfer's `model_chain`). */
  get modelChain(): readonly Model[] {
    const u = this.underlyingModel;
    return u instanceof DerivedModel ? [u, ...u.modelChain] : [u];
  }

  /** The innermost model of the chain (QInfer's `base_model`). */
  get baseModel(): Model {
    return this.modelChain[this.modelChain.length - 1]!;
  }

  get nModelparams(): number {
    return this.underlyingModel.nModelparams;
  }

  get expparamsSchema(): ExpSchema {
    return this.underlyingModel.expparamsSchema;
  }

  override get modelparamNames(): readonly string[] {
    return this.underlyingModel.modelparamNames;
  }

  override get modelparamUnits(): readonly string[] {
    return this.underlyingModel.modelparamUnits ?? super.modelparamUnits;
  }

  override get Q(): Float64Array {
    return this.underlyingModel.Q;
  }

  /** Checks the experiments as the underlying model does (when it can). */
  override checkExpparams(eps: ExpParams): void {
    const u = this.underlyingModel as Partial<Pick<FiniteOutcomeModel, 'checkExpparams'>>;
    if (typeof u.checkExpparams === 'function') u.checkExpparams.call(this.underlyingModel, eps);
    else super.checkExpparams(eps);
  }

  nOutcomes(eps?: ExpParams, i?: number): number {
    return this.underlyingModel.nOutcomes(eps, i);
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    return this.underlyingModel.areModelsValid(mps);
  }

  override updateTimestep(mps: ParticlesLike, eps: ExpParams, rng?: Rng): ndarray.NdArray<Float64Array> {
    return this.underlyingModel.updateTimestep(mps, eps, rng);
  }

  override canonicalize(x: Float64Array, nM: number): void {
    this.underlyingModel.canonicalize(x, nM);
  }

  override experimentCost(eps: ExpParams): Float64Array {
    return this.underlyingModel.experimentCost(eps);
  }

  override clearCache(): void {
    this.underlyingModel.clearCache();
  }
}
