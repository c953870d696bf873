import { recordSchema, type ExpParams, type ExpSchema } from '../expparams/ExpParams.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { TwoOutcomeModel } from './TwoOutcomeModel.js';

const NOISY_SCHEMA = recordSchema({ name: 'alpha', type: 'float' }, { name: 'beta', type: 'float' });

/**
 * A coin seen through a noisy readout (QInfer's `NoisyCoinModel`, [FB12]): one model parameter
 * `p` (the true "0" probability), record experiments `{ alpha, beta }` — the probabilities of
 * reading "0" when the true outcome is 0 and 1 — and two outcomes with
 *
 *   Pr(0 | p; α, β) = p α + (1 − p) β,
 *
 * valid iff `0 ≤ p ≤ 1`. An ideal readout is `α = 1, β = 0`.
 *
 * @example
 * ```ts
 * import { NoisyCoinModel, ExpParams } from 'qinfer-rx';
 * const m = new NoisyCoinModel();
 * const eps = ExpParams.records(m.expparamsSchema, [{ alpha: 0.9, beta: 0.2 }]);
 * m.likelihood(0, [[0.5]], eps).get(0, 0, 0); // 0.45 + 0.1 = 0.55
 * ```
 */
export class NoisyCoinModel extends TwoOutcomeModel {
  readonly name: string = 'NoisyCoinModel';
  readonly nModelparams = 1;
  readonly expparamsSchema: ExpSchema = NOISY_SCHEMA;

  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const a = eps.field('alpha'), b = eps.field('beta'), nE = eps.length;
    for (let j = start; j < end; j++) {
      const p = x[j]!, row = j * nE;
      for (let k = 0; k < nE; k++) out[row + k] = p * a[k]! + (1 - p) * b[k]!;
    }
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    const { x, nM } = toRowMajor(mps, 1);
    const v = new Uint8Array(nM);
    for (let j = 0; j < nM; j++) v[j] = x[j]! >= 0 && x[j]! <= 1 ? 1 : 0;
    return v;
  }
}
