import { recordSchema, type ExpParams, type ExpSchema } from '../expparams/ExpParams.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { TwoOutcomeModel } from './TwoOutcomeModel.js';
import { cosSquared } from '../util/cosSquared.js';

const T_SCHEMA = recordSchema({ name: 't', type: 'float' });

/**
 * Precession with unknown dephasing (QInfer's `UnknownT2Model`): model parameters
 * `(ω, T₂⁻¹)`, record experiments `{ t }`, two outcomes with
 *
 *   Pr(0 | ω, T₂⁻¹; t) = v cos²(ω t / 2) + (1 − v) / 2,   v = exp(−t T₂⁻¹),
 *
 * valid iff both parameters are ≥ 0 (non-strict, unlike SimplePrecession).
 *
 * @example
 * ```ts
 * import { UnknownT2Model, ExpParams } from 'qinfer-rx';
 * const m = new UnknownT2Model();
 * const eps = ExpParams.records(m.expparamsSchema, [{ t: 1 }]);
 * m.likelihood(0, [[1, 1]], eps).get(0, 0, 0); // e⁻¹ cos²(½) + (1 − e⁻¹)/2 ≈ 0.599
 * ```
 */
export class UnknownT2Model extends TwoOutcomeModel {
  readonly name: string = 'UnknownT2Model';
  readonly nModelparams = 2;
  readonly expparamsSchema: ExpSchema = T_SCHEMA;

  override get modelparamNames(): readonly string[] {
    return ['\\omega', 'T_2^{-1}'];
  }

  /** ω is an angular frequency in radians per unit of the experiment time t; T₂⁻¹ a decay rate. */
  override get modelparamUnits(): readonly string[] {
    return ['rad/[t]', '[t]⁻¹'];
  }

  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const t = eps.field('t'), nE = t.length;
    for (let j = start; j < end; j++) {
      const w = x[2 * j]!, t2inv = x[2 * j + 1]!, row = j * nE;
      for (let k = 0; k < nE; k++) {
        const tk = t[k]!;
        const v = Math.exp(-tk * t2inv);
        out[row + k] = v * cosSquared((w * tk) / 2) + (1 - v) / 2;
      }
    }
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    const { x, nM } = toRowMajor(mps, 2);
    const v = new Uint8Array(nM);
    for (let j = 0; j < nM; j++) v[j] = x[2 * j]! >= 0 && x[2 * j + 1]! >= 0 ? 1 : 0;
    return v;
  }
}
