import { QinferArgumentError } from '../errors/QinferError.js';
import { recordSchema, type ExpParams, type ExpSchema } from '../expparams/ExpParams.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { FiniteOutcomeModel } from './FiniteOutcomeModel.js';

/** Options of {@link NDieModel} (QInfer's `n`, `threshold`). */
export interface NDieOptions {
  /** Number of faces (= model parameters = outcomes). Default 6. */
  n?: number;
  /** How far from 1 the face probabilities may sum. Default 1e-7. */
  threshold?: number;
}

const EXP_NUM_SCHEMA = recordSchema({ name: 'exp_num', type: 'int' });

/**
 * A die with `n` faces of unknown weights (QInfer's `NDieModel`, a generalisation of
 * {@link CoinModel}): the model parameters are the face probabilities, outcomes are the faces
 * `0 … n−1`, and
 *
 *   L[o, j, k] = x[j, o]   for every experiment k,
 *
 * valid iff every entry is in [0, 1] and `|Σ_o x[j, o] − 1| ≤ threshold`. Experiments carry a
 * dummy `exp_num` (int) field that the likelihood ignores (it must be present).
 *
 * @example
 * ```ts
 * import { NDieModel, ExpParams } from 'qinfer-rx';
 * const die = new NDieModel({ n: 3 });
 * const eps = ExpParams.records(die.expparamsSchema, [{ exp_num: 0 }]);
 * die.likelihood([2, 0], [[0.2, 0.3, 0.5]], eps).data; // Float64Array [0.5, 0.2]
 * ```
 */
export class NDieModel extends FiniteOutcomeModel {
  readonly name: string = 'NDieModel';
  readonly nModelparams: number;
  readonly expparamsSchema: ExpSchema = EXP_NUM_SCHEMA;
  readonly n: number;
  readonly threshold: number;

  constructor(options: NDieOptions = {}) {
    super();
    const n = options.n ?? 6, threshold = options.threshold ?? 1e-7;
    if (!Number.isInteger(n) || n < 1) throw new QinferArgumentError('ERR_ARGUMENT', `n must be a positive integer, got ${String(n)}`);
    if (typeof threshold !== 'number' || !(threshold >= 0) || !Number.isFinite(threshold)) {
      throw new QinferArgumentError('ERR_ARGUMENT', `threshold must be a finite number ≥ 0, got ${String(threshold)}`);
    }
    this.n = n;
    this.nModelparams = n;
    this.threshold = threshold;
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { n: this.n, threshold: this.threshold };
  }

  nOutcomes(_eps?: ExpParams, _i?: number): number {
    return this.n;
  }

  likelihoodInto(outcomes: Int32Array, x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const n = this.n, nE = eps.length;
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i]!, base = i * nM * nE;
      for (let j = start; j < end; j++) out.fill(x[j * n + o]!, base + j * nE, base + (j + 1) * nE);
    }
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    const n = this.n;
    const { x, nM } = toRowMajor(mps, n);
    const v = new Uint8Array(nM);
    for (let j = 0; j < nM; j++) {
      let sum = 0, bounds = true;
      for (let p = 0; p < n; p++) {
        const q = x[j * n + p]!;
        sum += q;
        if (!(q >= 0 && q <= 1)) bounds = false;
      }
      v[j] = bounds && Math.abs(sum - 1) <= this.threshold ? 1 : 0;
    }
    return v;
  }
}
