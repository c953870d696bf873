import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams, ExpSchema } from '../expparams/ExpParams.js';
import { binomialPmf } from './binomialPmf.js';
import { DerivedModel } from './DerivedModel.js';
import type { Model } from './Model.js';
import { repeatedExperiments } from './repeatedExperiments.js';

const BOTH = Int32Array.of(0, 1);

/**
 * Repeats a two-outcome experiment `n_meas` times and reports the number of "1"s (QInfer's
 * `BinomialModel`). Experiments are the underlying model's fields plus `n_meas` (uint); an
 * underlying scalar schema becomes a field named `x`. For experiment k the outcomes are
 * `0 … n_meas[k]` (the number of outcomes depends on the experiment), with
 *
 *   L[o, j, k] = Binom(n_meas[k], p₁).pmf(o),   p₁ = L_underlying(1 | x_j; e_k),
 *
 * computed by {@link binomialPmf} with `q = L_underlying(0)` (exactly the underlying likelihood
 * for `n_meas = 1`); outcomes above `n_meas[k]` of one experiment have probability 0 there.
 * Validity and parameters pass through to the underlying model.
 *
 * @example
 * ```ts
 * import { BinomialModel, SimplePrecessionModel, ExpParams } from 'qinfer-rx';
 * const m = new BinomialModel(new SimplePrecessionModel());
 * const eps = ExpParams.records(m.expparamsSchema, [{ x: Math.PI / 2, n_meas: 10 }]);
 * m.likelihood(5, [[1]], eps).get(0, 0, 0); // Binom(10, ½).pmf(5) ≈ 0.246
 * ```
 */
export class BinomialModel extends DerivedModel {
  readonly name: string = 'BinomialModel';
  override readonly isNOutcomesConstant: boolean = false;
  private readonly repeated: ReturnType<typeof repeatedExperiments>;
  private scratch = new Float64Array(0);

  /** @param underlyingModel - a model with exactly two outcomes for every experiment */
  constructor(underlyingModel: Model) {
    super(underlyingModel);
    if (!underlyingModel.isNOutcomesConstant || underlyingModel.nOutcomes() !== 2) {
      throw new QinferArgumentError('ERR_ARGUMENT', `BinomialModel needs a two-outcome model, got ${underlyingModel.name}`);
    }
    this.repeated = repeatedExperiments(underlyingModel, 'BinomialModel');
  }

  override get expparamsSchema(): ExpSchema {
    return this.repeated.schema;
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { underlyingModel: this.underlyingModel.spec() };
  }

  /** The experiments as the underlying model reads them (a zero-copy view). */
  underlyingExpparams(eps: ExpParams): ExpParams {
    return this.repeated.underlying(eps);
  }

  /** Checks the underlying fields and that every `n_meas` is a non-negative integer. */
  override checkExpparams(eps: ExpParams): void {
    this.repeated.checkNMeas(eps);
    super.checkExpparams(this.underlyingExpparams(eps));
  }

  /** `n_meas[i] + 1` (experiment `i` of `eps`, default the only one). */
  override nOutcomes(eps?: ExpParams, i?: number): number {
    if (eps === undefined || (i === undefined && eps.length !== 1)) {
      throw new QinferArgumentError('ERR_ARGUMENT', 'BinomialModel.nOutcomes depends on the experiment: pass experiments and an index');
    }
    return eps.field('n_meas')[i ?? 0]! + 1;
  }

  likelihoodInto(outcomes: Int32Array, x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const nP = this.nModelparams, nE = eps.length, rows = end - start, n = rows * nE;
    if (this.scratch.length < 2 * n) this.scratch = new Float64Array(2 * n);
    const L = this.scratch; // L[0 | 1][j - start][k]: the underlying L(0) and L(1) of this chunk
    this.underlyingModel.likelihoodInto(BOTH, x.subarray(start * nP, end * nP), rows, this.underlyingExpparams(eps), L, 0, rows);
    const nMeas = eps.field('n_meas');
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i]!, base = i * nM * nE;
      for (let j = start; j < end; j++) {
        const r = (j - start) * nE;
        for (let k = 0; k < nE; k++) out[base + j * nE + k] = binomialPmf(o, nMeas[k]!, L[n + r + k]!, L[r + k]!);
      }
    }
  }
}
