import ndarray from 'ndarray';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Rng } from '../rng/Rng.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { DerivedModel } from './DerivedModel.js';
import type { Model } from './Model.js';

/**
 * Base of derived models that append parameters to their underlying model's (QInfer's
 * `GaussianHyperparameterizedModel` and `GaussianRandomWalkModel` slice `modelparams[:, :n]`
 * for the underlying model): particles are `[x_underlying (nU), extra (nExtra)]`. This class
 * gives the parameter count, names, loss scale (`Q` = underlying then ones), validity (the
 * underlying model's on the first `nU` columns AND {@link extraValid}), the time step and
 * canonicalisation (the underlying model's on its columns, the extra columns unchanged), and
 * {@link underlyingColumns}, which copies the first `nU` columns of a chunk for the underlying
 * model's raw kernel.
 *
 * @example
 * ```ts
 * class WithGain extends ExtendedParamsModel {
 *   readonly name = 'WithGain';
 *   constructor(m: Model) { super(m, ['g']); }
 *   protected extraValid(extra: Float64Array) { return extra[0]! > 0; }
 *   likelihoodInto(os, x, nM, eps, out, start = 0, end = nM) { … this.underlyingColumns(x, start, end) … }
 * }
 * ```
 */
export abstract class ExtendedParamsModel extends DerivedModel {
  /** Number of underlying parameters (the first columns). */
  readonly nUnderlying: number;
  private readonly extraNames: readonly string[];
  private cols = new Float64Array(0);

  constructor(underlyingModel: Model, extraNames: readonly string[]) {
    super(underlyingModel);
    this.nUnderlying = underlyingModel.nModelparams;
    this.extraNames = extraNames;
  }

  override get nModelparams(): number {
    return this.nUnderlying + this.extraNames.length;
  }

  override get modelparamNames(): readonly string[] {
    return [...this.underlyingModel.modelparamNames, ...this.extraNames];
  }

  override get Q(): Float64Array {
    const q = new Float64Array(this.nModelparams).fill(1);
    q.set(this.underlyingModel.Q);
    return q;
  }

  /** Validity of the appended parameters of one particle (`extra` has `nExtra` values). */
  protected abstract extraValid(extra: Float64Array): boolean;

  /** The first `nUnderlying` columns of particles `start..end`, contiguous (a reused buffer). */
  protected underlyingColumns(x: Float64Array, start: number, end: number): Float64Array {
    const nP = this.nModelparams, nU = this.nUnderlying, rows = end - start;
    if (this.cols.length < rows * nU) this.cols = new Float64Array(rows * nU);
    for (let j = start; j < end; j++) for (let p = 0; p < nU; p++) this.cols[(j - start) * nU + p] = x[j * nP + p]!;
    return this.cols.subarray(0, rows * nU);
  }

  override areModelsValid(mps: ParticlesLike): Uint8Array {
    const nP = this.nModelparams, nU = this.nUnderlying;
    const { x, nM } = toRowMajor(mps, nP);
    const v = this.underlyingModel.areModelsValid(Float64Array.from(this.underlyingColumns(x, 0, nM)));
    for (let j = 0; j < nM; j++) if (v[j] && !this.extraValid(x.subarray(j * nP + nU, (j + 1) * nP))) v[j] = 0;
    return v;
  }

  override updateTimestep(mps: ParticlesLike, eps: ExpParams, rng?: Rng): ndarray.NdArray<Float64Array> {
    const nP = this.nModelparams, nU = this.nUnderlying;
    const { x, nM } = toRowMajor(mps, nP);
    const nE = eps.length, out = new Float64Array(nM * nP * nE);
    const moved = this.underlyingModel.hasDynamics ? this.underlyingModel.updateTimestep(Float64Array.from(this.underlyingColumns(x, 0, nM)), eps, rng).data : undefined;
    for (let j = 0; j < nM; j++) {
      for (let p = 0; p < nP; p++) {
        const base = (j * nP + p) * nE;
        if (p < nU && moved !== undefined) for (let k = 0; k < nE; k++) out[base + k] = moved[(j * nU + p) * nE + k]!;
        else out.fill(x[j * nP + p]!, base, base + nE);
      }
    }
    return ndarray(out, [nM, nP, nE]);
  }

  override canonicalize(x: Float64Array, nM: number): void {
    const nP = this.nModelparams, nU = this.nUnderlying;
    const u = Float64Array.from(this.underlyingColumns(x, 0, nM));
    this.underlyingModel.canonicalize(u, nM);
    for (let j = 0; j < nM; j++) for (let p = 0; p < nU; p++) x[j * nP + p] = u[j * nU + p]!;
  }
}
