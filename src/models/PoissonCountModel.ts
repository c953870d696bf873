import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';
import { ExpParams, SCALAR_SCHEMA, recordSchema, type ExpSchema } from '../expparams/ExpParams.js';
import { poissonVariate } from '../distributions/poissonVariate.js';
import type { Rng } from '../rng/Rng.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { ExtendedParamsModel } from './ExtendedParamsModel.js';
import { toOutcomes } from './FiniteOutcomeModel.js';
import type { DifferentiableModel, Model, OutcomesLike } from './Model.js';
import { poissonPmf } from './poissonPmf.js';

/** Options of {@link PoissonCountModel}. */
export interface PoissonCountOptions {
  /**
   * Add an experiment field `mode`: 0 = signal (`λ = α p₀ + β p₁`), 1 = bright reference
   * (`λ = α`), 2 = dark reference (`λ = β`) — the referenced measurement of NV centres, where
   * reference counts calibrate α and β along the way. Default false (every experiment is signal).
   */
  references?: boolean;
}

const BOTH = Int32Array.of(0, 1);

/**
 * Photon counting (QInfer lacks it): a two-outcome experiment read out by counting photons, e.g.
 * the optical readout of a nitrogen–vacancy centre, where the bright state (underlying outcome 0,
 * `m_s = 0`) fluoresces more than the dark one. Two parameters are appended to the underlying
 * model's: the mean counts `α` of the bright and `β` of the dark state (per experiment, i.e.
 * summed over its repetitions). The number of photons `k = 0, 1, 2, …` is Poisson distributed
 * with the state-averaged mean (Hincks, Granade & Cory, NJP 20, 013022 (2018)):
 *
 *   L(k | x, α, β; e) = λᵏ e^{−λ} / k!,   λ = α p₀ + β p₁,   p_u = L_underlying(u | x; e),
 *
 * (with `references`, reference experiments have `λ = α` or `λ = β`). The outcome space is
 * unbounded: {@link nOutcomes} is `Infinity`, simulation samples the count directly
 * ({@link poissonVariate}), and the Bayes risk and information gain are computed by
 * `bayesRiskByOutcomeMass` (an enumeration of counts until the neglected predictive mass is
 * below a tolerance) or estimated by `sampledBayesRisk` (Monte Carlo over outcomes, with its
 * standard error) — the enumeration of all outcomes `bayesRisk` does would never end.
 *
 * Valid iff the underlying parameters are valid and `α ≥ β ≥ 0` (the bright state is the
 * brighter: this removes the label symmetry `(α, β, p₀) ↔ (β, α, p₁)`). Experiments: the
 * underlying model's (a scalar schema stays scalar) — with `references` they become records of
 * the underlying fields (`x` for a scalar one) plus `mode`.
 *
 * Score and Fisher information (when the underlying model is differentiable):
 * `∂ ln L/∂θ = (k/λ − 1) ∂λ/∂θ` with `∂λ/∂α = p₀`, `∂λ/∂β = p₁`, `∂λ/∂x = (α − β) ∂p₀/∂x`, and
 * the exact `I = ∇λ ∇λᵀ / λ` (no sum over outcomes).
 *
 * @example
 * ```ts
 * import { PoissonCountModel, SimplePrecessionModel, ExpParams } from 'qinfer-rx';
 * const nv = new PoissonCountModel(new SimplePrecessionModel());
 * // ω = 1, α = 20 photons (bright), β = 14 (dark); t = π/2: p₀ = ½, so λ = 17
 * nv.likelihood(17, [[1, 20, 14]], ExpParams.scalar([Math.PI / 2])).get(0, 0, 0); // ≈ 0.0966
 * ```
 */
export class PoissonCountModel extends ExtendedParamsModel implements DifferentiableModel {
  readonly name: string = 'PoissonCountModel';
  override readonly isNOutcomesConstant: boolean = true;
  readonly references: boolean;
  private readonly schema: ExpSchema;
  private scratch = new Float64Array(0);

  constructor(underlyingModel: Model, options: PoissonCountOptions = {}) {
    super(underlyingModel, ['\\alpha', '\\beta']);
    if (!underlyingModel.isNOutcomesConstant || underlyingModel.nOutcomes() !== 2) {
      throw new QinferArgumentError('ERR_ARGUMENT', `PoissonCountModel needs a two-outcome model, got ${underlyingModel.name}`);
    }
    this.references = options.references ?? false;
    const us = underlyingModel.expparamsSchema;
    if (!this.references) this.schema = us;
    else {
      const fields = us.kind === 'scalar' ? [{ name: 'x', type: 'float' as const }] : [...us.fields];
      if (fields.some((f) => f.name === 'mode')) throw new QinferArgumentError('ERR_ARGUMENT', `${underlyingModel.name} already has an experiment field 'mode'`);
      this.schema = recordSchema(...fields, { name: 'mode', type: 'uint' });
    }
  }

  override get expparamsSchema(): ExpSchema {
    return this.schema;
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { underlyingModel: this.underlyingModel.spec(), references: this.references };
  }

  /** Unbounded counts `0, 1, 2, …`. */
  override nOutcomes(_eps?: ExpParams, _i?: number): number {
    return Infinity;
  }

  protected extraValid(extra: Float64Array): boolean {
    return extra[1]! >= 0 && extra[0]! >= extra[1]! && Number.isFinite(extra[0]!);
  }

  /** The experiments as the underlying model reads them. */
  underlyingExpparams(eps: ExpParams): ExpParams {
    if (!this.references || this.underlyingModel.expparamsSchema.kind !== 'scalar') return eps;
    return ExpParams.fromColumns(SCALAR_SCHEMA, { value: eps.field('x') }, eps.length);
  }

  override checkExpparams(eps: ExpParams): void {
    if (this.references) {
      const mode = eps.field('mode');
      for (let k = 0; k < mode.length; k++) {
        if (mode[k] !== 0 && mode[k] !== 1 && mode[k] !== 2) {
          throw new QinferArgumentError('ERR_EXPPARAMS_FIELD', `mode of experiment ${k} must be 0 (signal), 1 (bright) or 2 (dark), got ${mode[k]}`, { details: { field: 'mode', index: k } });
        }
      }
    }
    super.checkExpparams(this.underlyingExpparams(eps));
  }

  /** `λ[j − start][k]` for rows `start..end`, and the underlying L (`[2][rows][nE]`) in the scratch. */
  private means(x: Float64Array, eps: ExpParams, start: number, end: number): { lambda: Float64Array; L: Float64Array } {
    const nP = this.nModelparams, nU = this.nUnderlying, rows = end - start, nE = eps.length, n = rows * nE;
    if (this.scratch.length < 3 * n) this.scratch = new Float64Array(3 * n);
    const L = this.scratch.subarray(0, 2 * n), lambda = this.scratch.subarray(2 * n, 3 * n);
    this.underlyingModel.likelihoodInto(BOTH, this.underlyingColumns(x, start, end), rows, this.underlyingExpparams(eps), L, 0, rows);
    const mode = this.references ? eps.field('mode') : undefined;
    for (let j = start; j < end; j++) {
      const a = x[j * nP + nU]!, b = x[j * nP + nU + 1]!;
      for (let k = 0; k < nE; k++) {
        const r = (j - start) * nE + k, md = mode === undefined ? 0 : mode[k]!;
        lambda[r] = md === 1 ? a : md === 2 ? b : a * L[r]! + b * L[n + r]!;
      }
    }
    return { lambda, L };
  }

  likelihoodInto(outcomes: Int32Array, x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const nE = eps.length;
    const { lambda } = this.means(x, eps, start, end);
    for (let i = 0; i < outcomes.length; i++) {
      const o = outcomes[i]!, base = i * nM * nE;
      for (let j = start; j < end; j++) for (let k = 0; k < nE; k++) out[base + j * nE + k] = poissonPmf(o, lambda[(j - start) * nE + k]!);
    }
  }

  /** The mean count `λ` of each particle and experiment, `[nM, nE]`. */
  meanCounts(mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    this.checkExpparams(eps);
    const { x, nM } = toRowMajor(mps, this.nModelparams);
    return ndarray(Float64Array.from(this.means(x, eps, 0, nM).lambda), [nM, eps.length]);
  }

  /** Counts `[repeat, nM, nE]`, each `~ Poisson(λ)` from `rng`, in row-major order. */
  override simulateExperiment(mps: ParticlesLike, eps: ExpParams, rng: Rng, repeat = 1): ndarray.NdArray<Int32Array> {
    if (!Number.isInteger(repeat) || repeat < 1) throw new QinferArgumentError('ERR_ARGUMENT', `repeat must be a positive integer, got ${repeat}`);
    const lambda = this.meanCounts(mps, eps).data, n = lambda.length;
    this._callCount += 2 * n;
    const res = new Int32Array(repeat * n);
    for (let r = 0; r < repeat; r++) {
      for (let i = 0; i < n; i++) {
        const k = poissonVariate(lambda[i]!, rng);
        if (k > 0x7fffffff) throw new QinferArgumentError('ERR_ARGUMENT', `a simulated count ${k} exceeds 2^31 − 1`);
        res[r * n + i] = k;
      }
    }
    this._simCount += repeat * n;
    return ndarray(res, [repeat, n / eps.length, eps.length]);
  }

  /** `∇λ` `[nP][nM·nE]` and `λ` `[nM·nE]` (needs a differentiable underlying model). */
  private gradients(mps: ParticlesLike, eps: ExpParams): { grad: Float64Array; lambda: Float64Array; nM: number } {
    const u = this.underlyingModel as Partial<DifferentiableModel>;
    if (typeof u.score !== 'function') throw new QinferArgumentError('ERR_ARGUMENT', `${this.underlyingModel.name} has no score: PoissonCountModel cannot differentiate it`);
    this.checkExpparams(eps);
    const nP = this.nModelparams, nU = this.nUnderlying;
    const { x, nM } = toRowMajor(mps, nP);
    const nE = eps.length, n = nM * nE;
    const { lambda: lam, L } = this.means(x, eps, 0, nM);
    const lambda = Float64Array.from(lam), p = Float64Array.from(L);
    const s = u.score.call(this.underlyingModel, BOTH, Float64Array.from(this.underlyingColumns(x, 0, nM)), this.underlyingExpparams(eps)).data; // [nU, 2, nM, nE]
    const mode = this.references ? eps.field('mode') : undefined;
    const grad = new Float64Array(nP * n);
    for (let j = 0; j < nM; j++) {
      const a = x[j * nP + nU]!, b = x[j * nP + nU + 1]!;
      for (let k = 0; k < nE; k++) {
        const r = j * nE + k, md = mode === undefined ? 0 : mode[k]!;
        if (md === 1) grad[nU * n + r] = 1;
        else if (md === 2) grad[(nU + 1) * n + r] = 1;
        else {
          grad[nU * n + r] = p[r]!;
          grad[(nU + 1) * n + r] = p[n + r]!;
          // ∂p₀/∂x = p₀ s₀ (= −p₁ s₁, used where p₀ = 0 makes s₀ infinite)
          for (let q = 0; q < nU; q++) {
            const dp0 = p[r]! > 0 ? p[r]! * s[q * 2 * n + r]! : -p[n + r]! * s[(q * 2 + 1) * n + r]!;
            grad[q * n + r] = (a - b) * dp0;
          }
        }
      }
    }
    return { grad, lambda, nM };
  }

  /** Score `(k/λ − 1) ∂λ/∂θ`, shape `[nP, nO, nM, nE]`. */
  score(outcomes: OutcomesLike, mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    const os = toOutcomes(outcomes);
    const { grad, lambda, nM } = this.gradients(mps, eps);
    const nP = this.nModelparams, nE = eps.length, n = nM * nE, nO = os.length, out = new Float64Array(nP * nO * n);
    for (let q = 0; q < nP; q++) for (let i = 0; i < nO; i++) for (let r = 0; r < n; r++) out[(q * nO + i) * n + r] = (os[i]! / lambda[r]! - 1) * grad[q * n + r]!;
    return ndarray(out, [nP, nO, nM, nE]);
  }

  /** Exact Fisher information `∇λ ∇λᵀ / λ`, shape `[nP, nP, nM, nE]`. */
  fisherInformation(mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    const { grad, lambda, nM } = this.gradients(mps, eps);
    const nP = this.nModelparams, nE = eps.length, n = nM * nE, out = new Float64Array(nP * nP * n);
    for (let p = 0; p < nP; p++) for (let q = 0; q < nP; q++) for (let r = 0; r < n; r++) out[(p * nP + q) * n + r] = (grad[p * n + r]! * grad[q * n + r]!) / lambda[r]!;
    return ndarray(out, [nP, nP, nM, nE]);
  }
}
