import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { BinomialModel } from './BinomialModel.js';
import { toOutcomes } from './FiniteOutcomeModel.js';
import type { DifferentiableModel, Model, OutcomesLike } from './Model.js';

const BOTH = Int32Array.of(0, 1);

/** True when `m` has `score` and `fisherInformation`. */
function isDifferentiable(m: Model): m is DifferentiableModel {
  return typeof (m as Partial<DifferentiableModel>).score === 'function' && typeof (m as Partial<DifferentiableModel>).fisherInformation === 'function';
}

/**
 * A {@link BinomialModel} of a differentiable two-outcome model (QInfer's
 * `DifferentiableBinomialModel`), with
 *
 *   I_binomial(x; e) = n_meas · I_underlying(x; e)
 *
 * (Fisher information adds over independent shots, exactly QInfer's `fisher_information`), and a
 * score QInfer leaves unimplemented: for `k` ones out of `n_meas`,
 *
 *   ∂ ln L(k) / ∂θ = k s₁ + (n_meas − k) s₀,
 *
 * with `s₀`, `s₁` the underlying model's scores of outcomes 0 and 1 (shape `[nP, nO, nM, nE]`; 0
 * where the outcome is impossible, `k > n_meas`). This is what the Bayesian Cramér–Rao bound of
 * RB with counts needs.
 *
 * @example
 * ```ts
 * import { DifferentiableBinomialModel, RandomizedBenchmarkingModel, ExpParams } from 'qinfer-rx';
 * const m = new DifferentiableBinomialModel(new RandomizedBenchmarkingModel());
 * const eps = ExpParams.records(m.expparamsSchema, [{ m: 10, n_meas: 50 }]);
 * m.fisherInformation([[0.98, 0.5, 0.5]], eps).shape; // [3, 3, 1, 1]: 50 × the one-shot information
 * ```
 */
export class DifferentiableBinomialModel extends BinomialModel implements DifferentiableModel {
  override readonly name: string = 'DifferentiableBinomialModel';
  private readonly diff: DifferentiableModel;

  /** @param underlyingModel - a differentiable model with two outcomes for every experiment */
  constructor(underlyingModel: Model) {
    if (!isDifferentiable(underlyingModel)) {
      throw new QinferArgumentError('ERR_ARGUMENT', `DifferentiableBinomialModel needs a differentiable model (score, fisherInformation), got ${underlyingModel.name}`);
    }
    super(underlyingModel);
    this.diff = underlyingModel;
  }

  score(outcomes: OutcomesLike, mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    const os = toOutcomes(outcomes);
    this.checkExpparams(eps);
    const nP = this.nModelparams;
    const { nM } = toRowMajor(mps, nP);
    const nE = eps.length, nO = os.length, n = nM * nE;
    const s = this.diff.score(BOTH, mps, this.underlyingExpparams(eps)).data; // [nP, 2, nM, nE]
    const nMeas = eps.field('n_meas');
    const out = new Float64Array(nP * nO * n);
    for (let q = 0; q < nP; q++) {
      for (let i = 0; i < nO; i++) {
        const k = os[i]!;
        for (let j = 0; j < nM; j++) {
          for (let e = 0; e < nE; e++) {
            const nm = nMeas[e]!, at = j * nE + e;
            out[(q * nO + i) * n + at] = k > nm ? 0 : k * s[(q * 2 + 1) * n + at]! + (nm - k) * s[q * 2 * n + at]!;
          }
        }
      }
    }
    return ndarray(out, [nP, nO, nM, nE]);
  }

  fisherInformation(mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    this.checkExpparams(eps);
    const I = this.diff.fisherInformation(mps, this.underlyingExpparams(eps));
    const nMeas = eps.field('n_meas'), nE = eps.length, out = Float64Array.from(I.data);
    for (let i = 0; i < out.length; i++) out[i]! *= nMeas[i % nE]!;
    return ndarray(out, I.shape.slice());
  }
}
