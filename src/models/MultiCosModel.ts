import { recordSchema, type ExpParams, type ExpSchema } from '../expparams/ExpParams.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { TwoOutcomeModel } from './TwoOutcomeModel.js';

const TS_SCHEMA = recordSchema({ name: 'ts', type: 'float', shape: 2 });

/**
 * The two-frequency model of QInfer's model-design guide (`MultiCosModel`): model parameters
 * `(ω₁, ω₂)`, record experiments with a vector field `ts = [t₁, t₂]`, two outcomes with
 *
 *   Pr(0 | ω₁, ω₂; t₁, t₂) = (cos(ω₁ t₁) · cos(ω₂ t₂))²   (no factor ½ in the arguments),
 *
 * valid iff `0 < ω_i ≤ 1` for both parameters.
 *
 * @example
 * ```ts
 * import { MultiCosModel, ExpParams } from 'qinfer-rx';
 * const m = new MultiCosModel();
 * const eps = ExpParams.records(m.expparamsSchema, [{ ts: [1, 2] }]);
 * m.likelihood(0, [[0.5, 0.25]], eps).get(0, 0, 0); // (cos 0.5 · cos 0.5)² ≈ 0.593
 * ```
 */
export class MultiCosModel extends TwoOutcomeModel {
  readonly name: string = 'MultiCosModel';
  readonly nModelparams = 2;
  readonly expparamsSchema: ExpSchema = TS_SCHEMA;

  /** Both parameters are angular frequencies, in radians per unit of the experiment times `ts`. */
  override get modelparamUnits(): readonly string[] {
    return ['rad/[t]', 'rad/[t]'];
  }

  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const ts = eps.field('ts'), nE = eps.length;
    for (let j = start; j < end; j++) {
      const w1 = x[2 * j]!, w2 = x[2 * j + 1]!, row = j * nE;
      for (let k = 0; k < nE; k++) {
        const c = Math.cos(w1 * ts[2 * k]!) * Math.cos(w2 * ts[2 * k + 1]!);
        out[row + k] = c * c;
      }
    }
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    const { x, nM } = toRowMajor(mps, 2);
    const v = new Uint8Array(nM);
    for (let j = 0; j < nM; j++) {
      const a = x[2 * j]!, b = x[2 * j + 1]!;
      v[j] = a > 0 && a <= 1 && b > 0 && b <= 1 ? 1 : 0;
    }
    return v;
  }
}
