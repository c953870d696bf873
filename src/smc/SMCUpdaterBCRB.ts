import type { Distribution } from '../distributions/Distribution.js';
import { isDifferentiableDistribution } from '../distributions/DifferentiableDistribution.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { DifferentiableModel, Model } from '../models/Model.js';
import { toRng, type Rng, type RngLike } from '../rng/Rng.js';
import { inverseSymmetric } from '../util/inverseSymmetric.js';
import { matrix, toRowMajor } from '../util/particles.js';
import { SMCUpdater, type SMCUpdaterOptions } from './SMCUpdater.js';
import type { UpdateResult } from './Updater.js';

/** Options of {@link SMCUpdaterBCRB}: the updater's, plus QInfer's `adaptive` and `initial_bim`. */
export interface SMCUpdaterBCRBOptions extends SMCUpdaterOptions {
  /** Also track the adaptive Bayesian information matrix (QInfer's `adaptive`). Default false. */
  adaptive?: boolean;
  /**
   * The information matrix before any data (`d × d`, rows or row-major), when the prior's
   * `E[∇ln π ∇ln πᵀ]` is not the right one (QInfer's `initial_bim`, e.g. for a prior that does not
   * vanish at its edges). Default: that expectation over the initial particles.
   */
  initialBim?: ArrayLike<number> | readonly (readonly number[])[];
  /** The generator of the prior samples averaged over at each datum (default: split from `rng`, so the SMC stream is untouched). */
  bimRng?: RngLike;
}

function isDifferentiableModel(m: Model): m is DifferentiableModel {
  return typeof (m as Partial<DifferentiableModel>).fisherInformation === 'function';
}

/**
 * An {@link SMCUpdater} that also tracks the Bayesian Cramér–Rao bound (QInfer's `SMCUpdaterBCRB`,
 * `qinfer/smc.py`): the Bayesian information matrix
 *
 *   J_k = J_0 + Σ_{i ≤ k} E_{x ~ π}[ I(x; e_i) ],   J_0 = E_{x ~ π}[ ∇ln π(x) ∇ln π(x)ᵀ ],
 *
 * with `I(x; e)` the model's Fisher information, the expectation over samples of the PRIOR
 * (QInfer draws `n_particles` fresh prior samples at each datum, uniform weights; here they come
 * from `bimRng`), and `J_0` over the initial particles (or `initialBim`). `Cov[x̂] ⪰ J_k⁻¹` for any
 * estimator (van Trees' inequality) — {@link bayesianCramerRaoBound}. With `adaptive`, also
 *
 *   J^{ad}_k = J_0 + Σ_{i ≤ k} E_{x ~ posterior before datum i}[ I(x; e_i) ],
 *
 * the information accessible to an adaptive strategy (the weighted current particles). Both are
 * updated before the Bayes update of each datum, on either path the updater offers (`update`, and
 * `applyLikelihood` as the reactive pipeline calls it).
 *
 * The model must have `fisherInformation` (a `DifferentiableModel`: SimplePrecession,
 * RandomizedBenchmarking, DifferentiableBinomialModel, PoissonCount …), else `ERR_ARGUMENT`; so
 * must the prior have `gradLogPdf` unless `initialBim` is given. A uniform prior's gradient is 0
 * (QInfer returns the same for several points): its `J_0 = 0`.
 *
 * @example
 * ```ts
 * import { SMCUpdaterBCRB, SimplePrecessionModel, NormalDistribution, ExpParams } from 'qinfer-rx';
 * const up = new SMCUpdaterBCRB(new SimplePrecessionModel(), 2000, new NormalDistribution(0.5, 0.01), { adaptive: true, rng: 1 });
 * up.update(0, ExpParams.scalar([3]));
 * up.currentBim;              // [1/0.01 + 3²] = [109]
 * up.bayesianCramerRaoBound(); // [1/109]
 * ```
 */
export class SMCUpdaterBCRB extends SMCUpdater {
  readonly trackAdaptive: boolean;
  private readonly dmodel: DifferentiableModel;
  private readonly bimRng: Rng;
  private _currentBim: Float64Array;
  private _adaptiveBim: Float64Array | undefined;
  private inUpdate = false;

  constructor(model: Model, nParticles: number, prior: Distribution, options: SMCUpdaterBCRBOptions = {}) {
    if (!isDifferentiableModel(model)) throw new QinferArgumentError('ERR_ARGUMENT', `SMCUpdaterBCRB needs a differentiable model (fisherInformation), got ${model.name}`);
    super(model, nParticles, prior, options);
    this.dmodel = model;
    this.bimRng = options.bimRng === undefined ? this.rng.split(0xbc7b) : toRng(options.bimRng);
    const d = this.nRvs;
    if (options.initialBim !== undefined) {
      const raw = options.initialBim as ArrayLike<number> | readonly (readonly number[])[];
      const flat = Array.isArray(raw) && Array.isArray(raw[0]) ? (raw as readonly (readonly number[])[]).flat() : Array.from(raw as ArrayLike<number>);
      if (flat.length !== d * d || !flat.every(Number.isFinite)) throw new QinferArgumentError('ERR_SHAPE', `initialBim must be ${d} × ${d} finite values`);
      this._currentBim = Float64Array.from(flat);
    } else {
      if (!isDifferentiableDistribution(prior)) {
        throw new QinferArgumentError('ERR_ARGUMENT', 'the prior has no gradLogPdf: give initialBim (QInfer computes J₀ from prior.grad_log_pdf)');
      }
      const n = this.nParticles, g = prior.gradLogPdf(this.locations, n), J = new Float64Array(d * d);
      for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) J[p * d + q] += g[i * d + p]! * g[i * d + q]!;
      this._currentBim = J.map((v) => v / n);
    }
    this.trackAdaptive = options.adaptive ?? false;
    this._adaptiveBim = this.trackAdaptive ? Float64Array.from(this._currentBim) : undefined;
  }

  /** A copy of the Bayesian information matrix `J_k` (row-major `d × d`). */
  get currentBim(): Float64Array {
    return Float64Array.from(this._currentBim);
  }

  /** A copy of the adaptive information matrix; `ERR_ARGUMENT` unless `adaptive` was set. */
  get adaptiveBim(): Float64Array {
    if (this._adaptiveBim === undefined) throw new QinferArgumentError('ERR_ARGUMENT', 'to track the adaptive BIM, construct the SMCUpdaterBCRB with adaptive: true');
    return Float64Array.from(this._adaptiveBim);
  }

  /** `Σ_m w_m I(x_m; e)` over particles `x` (`w` uniform when omitted): `[d, d, nE]` row-major. */
  private bim(x: Float64Array, n: number, eps: ExpParams, w?: Float64Array): Float64Array {
    const d = this.nRvs, nE = eps.length;
    const fi = this.dmodel.fisherInformation(matrix(x, n, d), eps).data; // [d, d, n, nE]
    const out = new Float64Array(d * d * nE);
    for (let pq = 0; pq < d * d; pq++) {
      for (let m = 0; m < n; m++) {
        const wm = w === undefined ? 1 / n : w[m]!;
        for (let e = 0; e < nE; e++) out[pq * nE + e] += wm * fi[(pq * n + m) * nE + e]!;
      }
    }
    return out;
  }

  /**
   * The Fisher information averaged over `nSamples` (default: the particle count) fresh prior
   * samples, `[d, d, nE]` (QInfer's `prior_bayes_information`).
   */
  priorBayesInformation(eps: ExpParams, nSamples: number = this.nParticles): Float64Array {
    const { x, nM } = toRowMajor(this.prior.sample(nSamples, this.bimRng), this.nRvs);
    return this.bim(x, nM, eps);
  }

  /** The Fisher information averaged over the current weighted particles, `[d, d, nE]` (QInfer's `posterior_bayes_information`). */
  posteriorBayesInformation(eps: ExpParams): Float64Array {
    return this.bim(this.locations, this.nParticles, eps, this.particleWeights);
  }

  /** `J ← J + E_π[I(·; e)]` (and the adaptive one with the posterior), before a datum. */
  private commit(eps: ExpParams): void {
    const d = this.nRvs, prior = this.priorBayesInformation(eps);
    for (let pq = 0; pq < d * d; pq++) this._currentBim[pq]! += prior[pq * eps.length]!;
    if (this._adaptiveBim !== undefined) {
      const post = this.posteriorBayesInformation(eps);
      for (let pq = 0; pq < d * d; pq++) this._adaptiveBim[pq]! += post[pq * eps.length]!;
    }
  }

  override update(outcome: number, eps: ExpParams, checkForResample = true): UpdateResult {
    this.checkDatum(outcome, eps);
    this.commit(eps);
    this.inUpdate = true;
    try {
      return super.update(outcome, eps, checkForResample);
    } finally {
      this.inUpdate = false;
    }
  }

  override applyLikelihood(outcome: number, eps: ExpParams, L: Float64Array): boolean {
    if (!this.inUpdate) {
      this.checkDatum(outcome, eps);
      this.commit(eps);
    }
    return super.applyLikelihood(outcome, eps, L);
  }

  /** The Bayesian Cramér–Rao bound `J_k⁻¹` on the estimator's covariance (`ERR_ARGUMENT` while `J_k` is singular, e.g. before data with a uniform prior). */
  bayesianCramerRaoBound(): Float64Array {
    return inverseSymmetric(this._currentBim, this.nRvs, 1e-14, 'the Bayesian information matrix is singular (no information yet)');
  }

  /** `(J^{ad}_k)⁻¹`, the bound for adaptive experiment design. */
  adaptiveBayesianCramerRaoBound(): Float64Array {
    return inverseSymmetric(this.adaptiveBim, this.nRvs, 1e-14, 'the adaptive Bayesian information matrix is singular');
  }
}
