import type ndarray from 'ndarray';
import type { ExpParams, ExpSchema } from '../expparams/ExpParams.js';
import type { Rng } from '../rng/Rng.js';
import type { ParticlesLike } from '../util/particles.js';

/** Outcomes as the library accepts them: one integer or an array of integers. */
export type OutcomesLike = number | ArrayLike<number>;

/**
 * How a model crosses a thread or machine boundary: its registry name and JSON-able constructor
 * parameters (models travel by name, never as code).
 */
export interface ModelSpec {
  readonly name: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * A statistical model of an experiment (QInfer's `Simulatable` + `Model` + `FiniteOutcomeModel`).
 *
 * Layouts (row-major throughout):
 * - particles (model parameter vectors) `x[j * nP + p]`, shape `[nM, nP]`;
 * - likelihood `L[i, j, k] = Pr(outcome_i | x_j ; e_k)`, shape `[nO, nM, nE]`;
 * - simulated outcomes `[repeat, nM, nE]`.
 *
 * Most users extend {@link FiniteOutcomeModel} or {@link TwoOutcomeModel} rather than
 * implementing this interface directly.
 */
export interface Model {
  /** Registry name (also the class name of built-ins). */
  readonly name: string;
  /** Constructor parameters, JSON-able: `{ name, params }` rebuilds an equal model anywhere. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Number of model parameters `nP`. */
  readonly nModelparams: number;
  /** The experiment schema (QInfer's `expparams_dtype`). */
  readonly expparamsSchema: ExpSchema;
  /** True when the number of outcomes does not depend on the experiment. */
  readonly isNOutcomesConstant: boolean;
  /** Parameter names (LaTeX strings, as QInfer's `modelparam_names`). */
  readonly modelparamNames: readonly string[];
  /**
   * Parameter units for axes and printouts, one per parameter (`''` for a dimensionless one;
   * `[t]` stands for the unit of the experiment time `t`, e.g. `'rad/[t]'`, `'[t]⁻¹'`). Optional:
   * models without it are shown without units. See `modelparamLabel`.
   */
  readonly modelparamUnits?: readonly string[];
  /** Diagonal of the loss scale matrix (default ones). */
  readonly Q: Float64Array;
  /** True when `updateTimestep` moves particles (the updater skips it otherwise). */
  readonly hasDynamics: boolean;
  /** Σ nO·nM·nE over all likelihood calls. */
  readonly callCount: number;
  /** Σ nM·nE·repeat over all simulations. */
  readonly simCount: number;

  /** `{ name, params }` of this model. */
  spec(): ModelSpec;
  /** Number of outcomes of experiment `i` of `eps` (any experiment when outcomes are constant). */
  nOutcomes(eps?: ExpParams, i?: number): number;
  /** `valid[j] = 1` when particle `j` is a valid parameter vector. */
  areModelsValid(mps: ParticlesLike): Uint8Array;
  /**
   * Optional: {@link areModelsValid} of `nM` contiguous row-major particles `x`, written into
   * `out[0..nM)` — no allocation (the resampler checks every new cloud with it when present).
   */
  areModelsValidInto?(x: Float64Array, nM: number, out: Uint8Array): void;
  /**
   * Optional: the indices `j < nM` of the particles {@link areModelsValid} calls invalid, in
   * increasing order, written into `rows` (room for nM); returns their count. One pass and no
   * flag array (the resampler prefers it to {@link areModelsValidInto}).
   */
  invalidRowsInto?(x: Float64Array, nM: number, rows: Int32Array): number;
  /**
   * The likelihood `L[i, j, k] = Pr(outcomes[i] | x_j ; e_k)`, shape `[nO, nM, nE]`.
   * Validates outcomes and experiment fields, counts the call, and writes into `out` when given
   * (length `nO·nM·nE`) so that hot loops do not allocate.
   */
  likelihood(outcomes: OutcomesLike, mps: ParticlesLike, eps: ExpParams, out?: Float64Array): ndarray.NdArray<Float64Array>;
  /**
   * The raw kernel behind `likelihood`: writes rows `start..end` (particles) of
   * `out[i * nM * nE + j * nE + k]` for the contiguous row-major particles `x` (`nM` rows).
   * No validation, no counting, no allocation: a worker runs it on its chunk of a shared buffer.
   */
  likelihoodInto(outcomes: Int32Array, x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start?: number, end?: number): void;
  /** Samples outcomes `[repeat, nM, nE]` by inverse-CDF sampling with `rng`. */
  simulateExperiment(mps: ParticlesLike, eps: ExpParams, rng: Rng, repeat?: number): ndarray.NdArray<Int32Array>;
  /**
   * Optional: `simulateExperiment(x, eps, rng).data[0]` for one particle `x` (nModelparams
   * values) — the same draw, outcome and counts, without its arrays.
   */
  simulateOne?(x: Float64Array, eps: ExpParams, rng: Rng): number;
  /** Particles after the experiments' time steps, `[nM, nP, nE]` (a copy when there are no dynamics). */
  updateTimestep(mps: ParticlesLike, eps: ExpParams, rng?: Rng): ndarray.NdArray<Float64Array>;
  /** Maps particles to a canonical form in place (default: identity). */
  canonicalize(x: Float64Array, nM: number): void;
  /** Row-wise `Σ_p |Q_p (a_p - b_p)|`. */
  distance(a: ParticlesLike, b: ParticlesLike): Float64Array;
  /** Cost of each experiment (default ones). */
  experimentCost(eps: ExpParams): Float64Array;
  /** Drops cached state (called by the updater after each resampling). */
  clearCache(): void;
  /**
   * Optional, for the updater's fused kernel: when the likelihood of `outcome` at the single
   * experiment `eps` is `cos²(h (x₀ − off))` (outcome 0) or `1 − cos²(h (x₀ − off))` (outcome 1),
   * evaluated exactly as `cosSquared` evaluates it with `h (x₀ − off) = t (x₀ − off) / 2`, returns
   * `{ h, off }` (an object the model may reuse at its next call) and counts the `nM` likelihood
   * values the kernel computes; else undefined.
   */
  cosSquaredForm?(outcome: number, eps: ExpParams, nM: number): CosSquaredForm | undefined;
}

/** A likelihood `cos²(h (x₀ − off))` (see {@link Model.cosSquaredForm}). */
export interface CosSquaredForm {
  readonly h: number;
  readonly off: number;
}

/** A model that can compute the score `∂_p ln L` (QInfer's `DifferentiableModel`). */
export interface DifferentiableModel extends Model {
  /** Score, shape `[nP, nO, nM, nE]`. */
  score(outcomes: OutcomesLike, mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array>;
  /** Fisher information `Σ_o L_o s_o s_oᵀ`, shape `[nP, nP, nM, nE]`. */
  fisherInformation(mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array>;
}
