import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';
import { recordSchema, type ExpParams, type ExpSchema } from '../expparams/ExpParams.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { toOutcomes } from './FiniteOutcomeModel.js';
import { fisherInformationFromScore } from './fisherInformation.js';
import type { DifferentiableModel, OutcomesLike } from './Model.js';
import { TwoOutcomeModel } from './TwoOutcomeModel.js';

const EMPTY_SCHEMA = recordSchema();

/**
 * The bias of a coin (QInfer's `CoinModel`): one model parameter `p`, experiments with no fields
 * (the empty record schema: only their number matters), two outcomes with
 *
 *   Pr(0 | p) = p,
 *
 * valid iff `0 ≤ p ≤ 1`. Score (QInfer's formula) `s(o) = (1 − o)/p − o/(1 − p)`; Fisher
 * information `Σ_o L_o s_o² = 1 / (p (1 − p))`.
 *
 * @example
 * ```ts
 * import { CoinModel, ExpParams } from 'qinfer-rx';
 * const m = new CoinModel();
 * const eps = ExpParams.records(m.expparamsSchema, [{}, {}]); // two flips
 * m.likelihood(1, [[0.3]], eps).data; // Float64Array [0.7, 0.7]
 * ```
 */
export class CoinModel extends TwoOutcomeModel implements DifferentiableModel {
  readonly name: string = 'CoinModel';
  readonly nModelparams = 1;
  readonly expparamsSchema: ExpSchema = EMPTY_SCHEMA;

  override get modelparamNames(): readonly string[] {
    return ['p'];
  }

  /** Any experiments are accepted: the coin reads no field. */
  override checkExpparams(_eps: ExpParams): void {}

  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const nE = eps.length;
    for (let j = start; j < end; j++) out.fill(x[j]!, j * nE, (j + 1) * nE);
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    const { x, nM } = toRowMajor(mps, 1);
    const v = new Uint8Array(nM);
    for (let j = 0; j < nM; j++) v[j] = x[j]! >= 0 && x[j]! <= 1 ? 1 : 0;
    return v;
  }

  /** Score `[1, nO, nM, nE]`: `(1 − o)/p − o/(1 − p)` (NaN at p = 1 for o = 0 and at p = 0 for o = 1, as QInfer). */
  score(outcomes: OutcomesLike, mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    const os = toOutcomes(outcomes);
    for (const o of os) if (o > 1) throw new QinferArgumentError('ERR_OUTCOME', `outcome ${o} outside the model's outcomes 0..1`, { details: { outcome: o } });
    const { x, nM } = toRowMajor(mps, 1);
    const nE = eps.length, out = new Float64Array(os.length * nM * nE);
    os.forEach((o, i) => {
      for (let j = 0; j < nM; j++) {
        const p = x[j]!;
        out.fill((1 - o) / p - o / (1 - p), (i * nM + j) * nE, (i * nM + j + 1) * nE);
      }
    });
    return ndarray(out, [1, os.length, nM, nE]);
  }

  /** `I = Σ_o L_o s_o² = 1/(p(1 − p))`, shape `[1, 1, nM, nE]`. */
  fisherInformation(mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    return fisherInformationFromScore(this, mps, eps);
  }
}
