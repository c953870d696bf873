import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams, ExpSchema } from '../expparams/ExpParams.js';
import { binomialVariate } from '../distributions/binomialVariate.js';
import type { Rng } from '../rng/Rng.js';
import { logFactorial } from '../util/logFactorial.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { DerivedModel } from './DerivedModel.js';
import type { Model } from './Model.js';
import { multinomialCounts, multinomialIndex, multinomialOutcomeCount } from './multinomialOutcomes.js';
import { repeatedExperiments } from './repeatedExperiments.js';

/**
 * `n_meas` independent repetitions of a `D`-outcome experiment, reporting how often each outcome
 * occurred (QInfer's `MultinomialModel`). Experiments are the underlying fields plus `n_meas`
 * (scalar underlying experiments become a field `x`). An outcome is a count vector
 * `(k_0, …, k_{D−1})`, `Σ k = n_meas`; here it travels as its integer index in QInfer's order of
 * `MultinomialDomain.values` ({@link multinomialIndex} / {@link multinomialCounts}, also as the
 * methods {@link outcomeIndex} and {@link outcomeCounts}), so there are
 * `C(n_meas + D − 1, D − 1)` outcomes, depending on the experiment. The likelihood is
 *
 *   L(k | x; e) = n_meas! / (k_0! ⋯ k_{D−1}!) · Π_d p_dᵏᵈ,   p_d = L_underlying(d | x; e),
 *
 * computed in log space as QInfer's `multinomial_pdf` (with `p_{D−1} = 1 − Σ_{d<D−1} p_d`, and 0
 * when some `k_d > 0` has `p_d = 0`). Simulation draws the counts directly (conditional binomials,
 * exact) instead of enumerating every outcome. Parameters, validity and the time step are the
 * underlying model's.
 *
 * QInfer's `n_outcomes` calls `scipy.special.binom` without importing `scipy.special` (a
 * NameError); {@link nOutcomes} here is `C(n_meas + D − 1, D − 1)`.
 *
 * @example
 * ```ts
 * import { MultinomialModel, NDieModel, ExpParams } from 'qinfer-rx';
 * const m = new MultinomialModel(new NDieModel({ n: 3 }));
 * const eps = ExpParams.records(m.expparamsSchema, [{ exp_num: 0, n_meas: 4 }]);
 * const o = m.outcomeIndex([2, 1, 1]);
 * m.likelihood(o, [[0.5, 0.3, 0.2]], eps).get(0, 0, 0); // 12 · 0.25 · 0.3 · 0.2 = 0.18
 * ```
 */
export class MultinomialModel extends DerivedModel {
  readonly name: string = 'MultinomialModel';
  override readonly isNOutcomesConstant: boolean = false;
  /** Number of outcomes `D` of the underlying model. */
  readonly nSides: number;
  private readonly repeated: ReturnType<typeof repeatedExperiments>;
  private scratch = new Float64Array(0);
  private readonly sides: Int32Array;

  /** @param underlyingModel - a model with a constant number of outcomes `D ≥ 2` */
  constructor(underlyingModel: Model) {
    super(underlyingModel);
    if (!underlyingModel.isNOutcomesConstant) throw new QinferArgumentError('ERR_ARGUMENT', `MultinomialModel needs a model with a constant number of outcomes, got ${underlyingModel.name}`);
    this.nSides = underlyingModel.nOutcomes();
    if (!Number.isInteger(this.nSides) || this.nSides < 2) throw new QinferArgumentError('ERR_ARGUMENT', `MultinomialModel needs at least two outcomes, got ${this.nSides}`);
    this.repeated = repeatedExperiments(underlyingModel, 'MultinomialModel');
    this.sides = Int32Array.from({ length: this.nSides - 1 }, (_, d) => d);
  }

  override get expparamsSchema(): ExpSchema {
    return this.repeated.schema;
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { underlyingModel: this.underlyingModel.spec() };
  }

  /** The experiments as the underlying model reads them (a view). */
  underlyingExpparams(eps: ExpParams): ExpParams {
    return this.repeated.underlying(eps);
  }

  override checkExpparams(eps: ExpParams): void {
    this.repeated.checkNMeas(eps);
    super.checkExpparams(this.underlyingExpparams(eps));
  }

  /** `C(n_meas + D − 1, D − 1)` for experiment `i` of `eps`. */
  override nOutcomes(eps?: ExpParams, i?: number): number {
    if (eps === undefined || (i === undefined && eps.length !== 1)) {
      throw new QinferArgumentError('ERR_ARGUMENT', 'MultinomialModel.nOutcomes depends on the experiment: pass experiments and an index');
    }
    return multinomialOutcomeCount(eps.field('n_meas')[i ?? 0]!, this.nSides);
  }

  /** The outcome index of a count vector (length `D`). */
  outcomeIndex(counts: ArrayLike<number>): number {
    if (counts.length !== this.nSides) throw new QinferArgumentError('ERR_SHAPE', `${counts.length} counts for ${this.nSides} outcomes`);
    for (let d = 0; d < counts.length; d++) {
      if (!Number.isInteger(counts[d]!) || counts[d]! < 0) throw new QinferArgumentError('ERR_OUTCOME', `count ${d} is ${counts[d]}, not a non-negative integer`);
    }
    return multinomialIndex(counts);
  }

  /** The count vector of outcome `index` for `nMeas` repetitions. */
  outcomeCounts(index: number, nMeas: number): Int32Array {
    if (!(Number.isInteger(index) && index >= 0 && index < multinomialOutcomeCount(nMeas, this.nSides))) {
      throw new QinferArgumentError('ERR_OUTCOME', `outcome ${index} outside 0..${multinomialOutcomeCount(nMeas, this.nSides) - 1} for n_meas = ${nMeas}`);
    }
    return multinomialCounts(index, nMeas, this.nSides);
  }

  likelihoodInto(outcomes: Int32Array, x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const D = this.nSides, nP = this.nModelparams, nE = eps.length, rows = end - start, n = rows * nE;
    if (this.scratch.length < (D - 1) * n) this.scratch = new Float64Array((D - 1) * n);
    const P = this.scratch; // P[d][j − start][k], d < D − 1
    this.underlyingModel.likelihoodInto(this.sides, x.subarray(start * nP, end * nP), rows, this.underlyingExpparams(eps), P, 0, rows);
    const nMeas = eps.field('n_meas');
    const counts = new Int32Array(D);
    for (let k = 0; k < nE; k++) {
      const nm = nMeas[k]!, nO = multinomialOutcomeCount(nm, D), lnN = logFactorial(nm);
      for (let i = 0; i < outcomes.length; i++) {
        const o = outcomes[i]!, base = i * nM * nE;
        if (o >= nO) {
          for (let j = start; j < end; j++) out[base + j * nE + k] = 0;
          continue;
        }
        multinomialCounts(o, nm, D, counts);
        let lnC = lnN;
        for (let d = 0; d < D; d++) lnC -= logFactorial(counts[d]!);
        for (let j = start; j < end; j++) {
          const r = (j - start) * nE + k;
          let lp = 0, rest = 1, zero = false;
          for (let d = 0; d < D; d++) {
            const p = d < D - 1 ? P[d * n + r]! : rest;
            if (d < D - 1) rest -= p;
            const c = counts[d]!;
            if (p === 0) {
              if (c > 0) zero = true;
            } else lp += c * Math.log(p);
          }
          out[base + j * nE + k] = zero ? 0 : Math.exp(lnC + lp);
        }
      }
    }
  }

  /** Outcome indices `[repeat, nM, nE]`: counts by conditional binomials `k_d ~ Binom(n − Σ_{c<d} k_c, p_d / (1 − Σ_{c<d} p_c))`. */
  override simulateExperiment(mps: ParticlesLike, eps: ExpParams, rng: Rng, repeat = 1): ndarray.NdArray<Int32Array> {
    if (!Number.isInteger(repeat) || repeat < 1) throw new QinferArgumentError('ERR_ARGUMENT', `repeat must be a positive integer, got ${repeat}`);
    this.checkExpparams(eps);
    const D = this.nSides;
    const { x, nM } = toRowMajor(mps, this.nModelparams);
    const nE = eps.length, n = nM * nE;
    const P = new Float64Array((D - 1) * n);
    this.underlyingModel.likelihoodInto(this.sides, x, nM, this.underlyingExpparams(eps), P, 0, nM);
    this._callCount += P.length;
    const nMeas = eps.field('n_meas');
    const res = new Int32Array(repeat * n), counts = new Int32Array(D);
    for (let r = 0; r < repeat; r++) {
      for (let j = 0; j < nM; j++) {
        for (let k = 0; k < nE; k++) {
          let left = nMeas[k]!, mass = 1;
          for (let d = 0; d < D - 1; d++) {
            const p = P[d * n + j * nE + k]!;
            const c = left === 0 || !(mass > 0) ? 0 : binomialVariate(left, Math.min(1, Math.max(0, p / mass)), rng);
            counts[d] = c;
            left -= c;
            mass -= p;
          }
          counts[D - 1] = left;
          res[r * n + j * nE + k] = multinomialIndex(counts);
        }
      }
    }
    this._simCount += n * repeat;
    return ndarray(res, [repeat, nM, nE]);
  }
}
