import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Rng } from '../rng/Rng.js';
import { cholesky } from '../util/cholesky.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { ExtendedParamsModel } from './ExtendedParamsModel.js';
import type { Model } from './Model.js';

/** Options of {@link GaussianRandomWalkModel} (QInfer's constructor arguments, camel-cased). */
export interface GaussianRandomWalkOptions {
  /** Underlying parameters that drift (indices), or `'all'` (default). */
  randomWalkIdxs?: 'all' | readonly number[];
  /**
   * The known step covariance: variances (diagonal) or a matrix (dense). Omit it to learn the
   * covariance: its square roots (diagonal) or Cholesky factor (dense) become model parameters.
   */
  fixedCovariance?: readonly number[] | readonly (readonly number[])[];
  /** Diagonal (default true) or dense step covariance. */
  diagonal?: boolean;
  /**
   * An experiment field that scales each step (e.g. the duration of the experiment): the step of
   * experiment `e` is multiplied by `e[scaleMult]`. QInfer also takes a function; functions
   * cannot travel between machines, so here it is a field name.
   */
  scaleMult?: string;
}

/**
 * Parameters that drift as a Gaussian random walk whose covariance can itself be learned
 * (QInfer's `GaussianRandomWalkModel`, for drift tracking): after every experiment `e`,
 *
 *   x'_r = x_r + c(e) δ_r,   δ ~ N(0, Σ),   r ∈ randomWalkIdxs,
 *
 * with `c(e) = e[scaleMult]` (default 1). `Σ` is fixed (`fixedCovariance`) or learned:
 * - diagonal: parameters `σ_r` (names `\sigma_{name}`) with `Σ = diag(σ²)`, valid iff `σ ≥ 0`;
 * - dense: the `n(n+1)/2` entries of a lower-triangular Cholesky factor `L` in numpy's
 *   `tril_indices` order (`L₀₀, L₁₀, L₁₁, L₂₀, …`, names `\sigma_{a}` / `\sigma_{a,b}`), `Σ = L Lᵀ`.
 * Each particle steps with its own `σ` / `L`, so data select the drift rate. The likelihood,
 * simulation and validity of the underlying parameters are the underlying model's.
 *
 * The normals come from the `rng` the updater passes, in QInfer's orders (so that a test feeding
 * both the same normals gets the same steps): diagonal `z[e][j][r]`, dense fixed `z[r][j][e]`,
 * dense learned `z[j][r][e]`. The underlying model's own dynamics (if any) apply first (QInfer
 * drops them). QInfer's `model_transformation` (two functions) is not supported: functions cannot
 * travel by name. QInfer reports `is_n_outcomes_constant = False` for every underlying model; here
 * it passes through.
 *
 * Bad options: an empty or out-of-range index list, a covariance of the wrong size or not
 * positive (definite) → `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { GaussianRandomWalkModel, SimplePrecessionModel, SMCUpdater, ProductDistribution, UniformDistribution } from 'qinfer-rx';
 * const m = new GaussianRandomWalkModel(new SimplePrecessionModel()); // parameters ω, σ_ω
 * const prior = new ProductDistribution(new UniformDistribution([0, 1]), new UniformDistribution([0, 0.01]));
 * const up = new SMCUpdater(m, 4000, prior, { rng: 1 }); // ω drifts, σ_ω is learned
 * ```
 */
export class GaussianRandomWalkModel extends ExtendedParamsModel {
  readonly name: string = 'GaussianRandomWalkModel';
  override readonly hasDynamics: boolean = true;
  /** The underlying parameters that drift. */
  readonly randomWalkIdxs: Int32Array;
  readonly diagonal: boolean;
  readonly scaleMult: string | undefined;
  /** √ of the fixed variances (diagonal) or the Cholesky factor of the fixed covariance (dense, row-major); undefined when learned. */
  private readonly fixedScale: Float64Array | undefined;
  private readonly fixedCov: readonly number[] | readonly (readonly number[])[] | undefined;
  private readonly tri: Int32Array; // (row, col) pairs of the learned Cholesky entries

  constructor(underlyingModel: Model, options: GaussianRandomWalkOptions = {}) {
    const nU = underlyingModel.nModelparams;
    const idxs = options.randomWalkIdxs === undefined || options.randomWalkIdxs === 'all' ? Array.from({ length: nU }, (_, i) => i) : [...options.randomWalkIdxs];
    if (idxs.length === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'at least one model parameter must take a random walk');
    for (const i of idxs) if (!(Number.isInteger(i) && i >= 0 && i < nU)) throw new QinferArgumentError('ERR_ARGUMENT', `random-walk index ${i} outside the underlying parameters 0..${nU - 1}`);
    if (new Set(idxs).size !== idxs.length) throw new QinferArgumentError('ERR_ARGUMENT', 'random-walk indices repeat');
    const diagonal = options.diagonal ?? true, n = idxs.length;
    const names = idxs.map((i) => underlyingModel.modelparamNames[i]!);
    const extra: string[] = [];
    const tri: number[] = [];
    if (options.fixedCovariance === undefined) {
      if (diagonal) for (const nm of names) extra.push(`\\sigma_{${nm}}`);
      else {
        for (let a = 0; a < n; a++) {
          for (let b = 0; b <= a; b++) {
            tri.push(a, b);
            extra.push(a === b ? `\\sigma_{${names[a]}}` : `\\sigma_{${names[b]},${names[a]}}`);
          }
        }
      }
    }
    super(underlyingModel, extra);
    this.randomWalkIdxs = Int32Array.from(idxs);
    this.diagonal = diagonal;
    this.scaleMult = options.scaleMult;
    this.tri = Int32Array.from(tri);
    this.fixedCov = options.fixedCovariance;
    if (options.fixedCovariance === undefined) this.fixedScale = undefined;
    else if (diagonal) {
      const v = options.fixedCovariance as readonly number[];
      if (v.length !== n || v.some((c) => typeof c !== 'number' || !(c >= 0) || !Number.isFinite(c))) {
        throw new QinferArgumentError('ERR_ARGUMENT', `a diagonal fixedCovariance needs ${n} variances ≥ 0`);
      }
      this.fixedScale = Float64Array.from(v, Math.sqrt);
    } else {
      const c = options.fixedCovariance as readonly (readonly number[])[];
      if (c.length !== n || c.some((r) => !Array.isArray(r) || r.length !== n)) throw new QinferArgumentError('ERR_ARGUMENT', `a dense fixedCovariance must be ${n} × ${n}`);
      this.fixedScale = cholesky(c.flat(), n);
    }
  }

  override get params(): Readonly<Record<string, unknown>> {
    return {
      underlyingModel: this.underlyingModel.spec(),
      randomWalkIdxs: Array.from(this.randomWalkIdxs),
      diagonal: this.diagonal,
      ...(this.fixedCov === undefined ? {} : { fixedCovariance: this.fixedCov }),
      ...(this.scaleMult === undefined ? {} : { scaleMult: this.scaleMult }),
    };
  }

  /** Learned diagonal: every σ ≥ 0 (QInfer's check; dense learned factors are not checked, as in QInfer). */
  protected extraValid(extra: Float64Array): boolean {
    if (this.fixedScale !== undefined || !this.diagonal) return true;
    for (let i = 0; i < extra.length; i++) if (!(extra[i]! >= 0)) return false;
    return true;
  }

  likelihoodInto(outcomes: Int32Array, x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    // The underlying kernel sees contiguous underlying columns of this chunk at rows 0..rows.
    const rows = end - start, nE = eps.length, n = rows * nE;
    const tmp = new Float64Array(outcomes.length * n);
    this.underlyingModel.likelihoodInto(outcomes, this.underlyingColumns(x, start, end), rows, eps, tmp, 0, rows);
    for (let i = 0; i < outcomes.length; i++) out.set(tmp.subarray(i * n, (i + 1) * n), i * nM * nE + start * nE);
  }

  override simulateExperiment(mps: ParticlesLike, eps: ExpParams, rng: Rng, repeat = 1): ndarray.NdArray<Int32Array> {
    const { x, nM } = toRowMajor(mps, this.nModelparams);
    const r = this.underlyingModel.simulateExperiment(Float64Array.from(this.underlyingColumns(x, 0, nM)), eps, rng, repeat);
    this._simCount += r.data.length;
    return r;
  }

  /** Lower-triangular step factor of particle `j` (`n × n`, row-major) into `out`. */
  private factorOf(x: Float64Array, j: number, out: Float64Array): Float64Array {
    const n = this.randomWalkIdxs.length, nP = this.nModelparams, nU = this.nUnderlying;
    if (this.fixedScale !== undefined) {
      if (this.diagonal) {
        out.fill(0);
        for (let r = 0; r < n; r++) out[r * n + r] = this.fixedScale[r]!;
      } else out.set(this.fixedScale);
      return out;
    }
    out.fill(0);
    if (this.diagonal) for (let r = 0; r < n; r++) out[r * n + r] = x[j * nP + nU + r]!;
    else for (let t = 0; t < this.tri.length / 2; t++) out[this.tri[2 * t]! * n + this.tri[2 * t + 1]!] = x[j * nP + nU + t]!;
    return out;
  }

  /**
   * The expected step covariance for one unit step (QInfer's `est_update_covariance`):
   * `mean_j L_j L_jᵀ` over the particles (QInfer's unweighted `np.mean`; pass `weights` for the
   * posterior expectation), or the fixed covariance. Row-major `n × n`, `n` = number of drifting
   * parameters.
   */
  estUpdateCovariance(mps: ParticlesLike, weights?: ArrayLike<number>): Float64Array {
    const { x, nM } = toRowMajor(mps, this.nModelparams);
    const n = this.randomWalkIdxs.length, cov = new Float64Array(n * n), F = new Float64Array(n * n);
    if (weights !== undefined && weights.length !== nM) throw new QinferArgumentError('ERR_SHAPE', `${weights.length} weights for ${nM} particles`);
    const count = this.fixedScale !== undefined ? 1 : nM;
    for (let j = 0; j < count; j++) {
      const w = this.fixedScale !== undefined ? 1 : weights === undefined ? 1 / nM : weights[j]!;
      this.factorOf(x, j, F);
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
        let s = 0;
        for (let c = 0; c < n; c++) s += F[a * n + c]! * F[b * n + c]!;
        cov[a * n + b] += w * s;
      }
    }
    return cov;
  }

  /** Particles after one step per experiment, `[nM, nP, nE]`; `rng` is required (the normals). */
  override updateTimestep(mps: ParticlesLike, eps: ExpParams, rng?: Rng): ndarray.NdArray<Float64Array> {
    if (rng === undefined) throw new QinferArgumentError('ERR_ARGUMENT', 'GaussianRandomWalkModel.updateTimestep needs an rng');
    const base = super.updateTimestep(mps, eps, rng);
    const { x, nM } = toRowMajor(mps, this.nModelparams);
    const out = base.data, nP = this.nModelparams, nE = eps.length, n = this.randomWalkIdxs.length, idx = this.randomWalkIdxs;
    const c = this.scaleMult === undefined ? undefined : eps.field(this.scaleMult);
    const z = new Float64Array(nE * nM * n);
    for (let i = 0; i < z.length; i++) z[i] = rng.normal();
    const F = new Float64Array(n * n);
    // zAt(j, r, e): the normal QInfer's layout assigns to particle j, component r, experiment e
    const learnedDense = this.fixedScale === undefined && !this.diagonal;
    const zAt = this.diagonal ? (j: number, r: number, e: number) => z[(e * nM + j) * n + r]! : learnedDense ? (j: number, r: number, e: number) => z[(j * n + r) * nE + e]! : (j: number, r: number, e: number) => z[(r * nM + j) * nE + e]!;
    for (let j = 0; j < nM; j++) {
      this.factorOf(x, j, F);
      for (let e = 0; e < nE; e++) {
        const scale = c === undefined ? 1 : c[e]!;
        for (let a = 0; a < n; a++) {
          let s = 0;
          for (let b = 0; b <= a; b++) s += F[a * n + b]! * zAt(j, b, e);
          out[(j * nP + idx[a]!) * nE + e] += scale * s;
        }
      }
    }
    return base;
  }
}
