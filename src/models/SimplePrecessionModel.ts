import { SCALAR_SCHEMA, type ExpParams, type ExpSchema } from '../expparams/ExpParams.js';
import { SimpleInversionModel, type SimpleInversionOptions } from './SimpleInversionModel.js';

/** Options of {@link SimplePrecessionModel}. */
export type SimplePrecessionOptions = SimpleInversionOptions;

/**
 * Precession of a spin at unknown frequency ω (QInfer's `SimplePrecessionModel`, a
 * {@link SimpleInversionModel} with ω₋ = 0): one model parameter ω, a scalar experiment (the
 * evolution time t), two outcomes with
 *
 *   Pr(0 | ω; t) = cos²(ω t / 2),
 *
 * valid iff ω > minFreq (strictly: ω = 0 is invalid). Experiments may also be records with a
 * `t` field (any `w_` field is ignored). Score: `s(0) = −t tan(ωt/2)`, `s(1) = t / tan(ωt/2)`;
 * Fisher information `Σ_o L_o s_o²` (= t² where finite, NaN at t = 0 or ω = 0 as in QInfer).
 *
 * @example
 * ```ts
 * import { SimplePrecessionModel, ExpParams } from 'qinfer-rx';
 * const m = new SimplePrecessionModel();
 * m.likelihood([0, 1], [[0.5]], ExpParams.scalar([2])).get(0, 0, 0); // cos²(0.5) ≈ 0.770
 * ```
 */
export class SimplePrecessionModel extends SimpleInversionModel {
  override readonly name: string = 'SimplePrecessionModel';
  override readonly expparamsSchema: ExpSchema = SCALAR_SCHEMA;

  /** The evolution times: the scalar values, or the `t` field of record experiments. */
  protected override times(eps: ExpParams): Float64Array {
    return eps.isScalar ? eps.values() : eps.field('t');
  }

  /** No inversion: ω₋ = 0. */
  protected override offsets(_eps: ExpParams): Float64Array | undefined {
    return undefined;
  }
}
