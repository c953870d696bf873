import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import { erfc } from '../distributions/normalCdf.js';
import type { Rng } from '../rng/Rng.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { ExtendedParamsModel } from './ExtendedParamsModel.js';
import type { Model } from './Model.js';

/** How the readout is digitised: interior bin edges, or a range cut into equal bins. */
export type ReadoutBins = { readonly edges: readonly number[] } | { readonly range: readonly [number, number]; readonly nBins: number };

const BOTH = Int32Array.of(0, 1);
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;

/** `Pr(a ≤ Z < b)` for a standard normal Z, without cancellation in either tail. */
function normalMass(a: number, b: number): number {
  if (a >= 0) return 0.5 * (erfc(a * SQRT1_2) - erfc(b * SQRT1_2)); // both in the upper tail
  if (b <= 0) return 0.5 * (erfc(-b * SQRT1_2) - erfc(-a * SQRT1_2)); // both in the lower tail
  return 1 - 0.5 * (erfc(-a * SQRT1_2) + erfc(b * SQRT1_2));
}

/**
 * A two-outcome experiment read out through Gaussian noise with learned means and widths
 * (QInfer's `GaussianHyperparameterizedModel`, e.g. a dispersive or fluorescence readout whose
 * two signal levels are calibrated along the way). Four parameters are appended to the
 * underlying model's: `μ₀, μ₁, σ₀², σ₁²`; given the underlying outcome `u`, the readout is
 * `y ~ N(μ_u, σ_u²)`, so its density is
 *
 *   p(y | x; e) = Σ_u L_u(x; e) φ((y − μ_u)/σ_u) / σ_u.
 *
 * qinfer-rx outcomes are integers, so the readout is digitised as an instrument's ADC does:
 * `bins` gives interior edges `e_0 < … < e_{B−2}` (or a `range` cut into `nBins` equal bins);
 * outcome `b` is the bin `[e_{b−1}, e_b)` with the first and last bins open to ∓∞, and
 *
 *   L(b | x; e) = Σ_u L_u(x; e) [Φ((e_b − μ_u)/σ_u) − Φ((e_{b−1} − μ_u)/σ_u)],
 *
 * exact probabilities that sum to 1 over the `B` outcomes (tail differences by `erfc`, without
 * cancellation). For bins narrower than the σ's the posterior is QInfer's density update (the
 * bin width cancels in the normalisation). {@link binOf} maps measured values to outcomes;
 * {@link density} gives the continuous likelihood; {@link simulateReadout} the real values.
 *
 * Two QInfer bugs are not copied: its likelihood is `Σ_u L_u φ((y − μ_u)/σ_u)` without the
 * `1/σ_u` (so learned widths are biased towards large σ), and its `simulate_experiment` reuses
 * one noise draw for every repetition. Valid iff the underlying parameters are valid and both
 * σ² > 0.
 *
 * @example
 * ```ts
 * import { GaussianHyperparameterizedModel, SimplePrecessionModel, ExpParams } from 'qinfer-rx';
 * const m = new GaussianHyperparameterizedModel(new SimplePrecessionModel(), { range: [-1, 2], nBins: 60 });
 * const x = [[0.5, 0, 1, 0.04, 0.04]]; // ω, μ₀, μ₁, σ₀², σ₁²
 * const b = m.binOf(0.93);             // the bin of a measured value
 * m.likelihood(b, x, ExpParams.scalar([2])).get(0, 0, 0);
 * ```
 */
export class GaussianHyperparameterizedModel extends ExtendedParamsModel {
  readonly name: string = 'GaussianHyperparameterizedModel';
  override readonly isNOutcomesConstant: boolean = true;
  /** Interior bin edges (ascending); `edges.length + 1` outcomes. */
  readonly edges: Float64Array;
  private scratch = new Float64Array(0);

  constructor(underlyingModel: Model, bins: ReadoutBins) {
    super(underlyingModel, ['\\mu_0', '\\mu_1', '\\sigma_0^2', '\\sigma_1^2']);
    if (!underlyingModel.isNOutcomesConstant || underlyingModel.nOutcomes() !== 2) {
      throw new QinferArgumentError('ERR_ARGUMENT', `GaussianHyperparameterizedModel needs a two-outcome model, got ${underlyingModel.name}`);
    }
    this.edges = binEdges(bins);
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { underlyingModel: this.underlyingModel.spec(), edges: Array.from(this.edges) };
  }

  override nOutcomes(_eps?: ExpParams, _i?: number): number {
    return this.edges.length + 1;
  }

  /** The outcome (bin index) of each measured readout value. */
  binOf(values: number | ArrayLike<number>): number {
    const v = typeof values === 'number' ? values : values[0]!;
    if (Number.isNaN(v)) throw new QinferArgumentError('ERR_OUTCOME', 'a readout value is NaN');
    let lo = 0, hi = this.edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.edges[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** `binOf` of every value. */
  binsOf(values: ArrayLike<number>): Int32Array {
    return Int32Array.from(Array.from(values), (v) => this.binOf(v));
  }

  /** Both variances positive. */
  protected extraValid(extra: Float64Array): boolean {
    return extra[2]! > 0 && extra[3]! > 0;
  }

  /** Underlying L(0), L(1) of rows `start..end` into `scratch` (`[2][rows][nE]`). */
  private underlyingL(x: Float64Array, eps: ExpParams, start: number, end: number): Float64Array {
    const rows = end - start, nE = eps.length;
    if (this.scratch.length < 2 * rows * nE) this.scratch = new Float64Array(2 * rows * nE);
    this.underlyingModel.likelihoodInto(BOTH, this.underlyingColumns(x, start, end), rows, eps, this.scratch, 0, rows);
    return this.scratch;
  }

  likelihoodInto(outcomes: Int32Array, x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const nP = this.nModelparams, nU = this.nUnderlying, nE = eps.length, n = (end - start) * nE, edges = this.edges, B = edges.length + 1;
    const L = this.underlyingL(x, eps, start, end);
    for (let j = start; j < end; j++) {
      const o = j * nP + nU, mu0 = x[o]!, mu1 = x[o + 1]!, s0 = Math.sqrt(x[o + 2]!), s1 = Math.sqrt(x[o + 3]!);
      for (let i = 0; i < outcomes.length; i++) {
        const b = outcomes[i]!;
        const lo = b === 0 ? -Infinity : edges[b - 1]!, hi = b === B - 1 ? Infinity : edges[b]!;
        const m0 = normalMass((lo - mu0) / s0, (hi - mu0) / s0), m1 = normalMass((lo - mu1) / s1, (hi - mu1) / s1);
        for (let k = 0; k < nE; k++) {
          const r = (j - start) * nE + k;
          out[i * nM * nE + j * nE + k] = L[r]! * m0 + L[n + r]! * m1;
        }
      }
    }
  }

  /**
   * The continuous likelihood (a density) of real readout values, `[nValues, nM, nE]`:
   * `Σ_u L_u φ((y − μ_u)/σ_u)/σ_u` (QInfer's `likelihood` without its missing `1/σ_u`).
   */
  density(values: ArrayLike<number>, mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    this.checkExpparams(eps);
    const nP = this.nModelparams, nU = this.nUnderlying;
    const { x, nM } = toRowMajor(mps, nP);
    const nE = eps.length, n = nM * nE, L = this.underlyingL(x, eps, 0, nM), out = new Float64Array(values.length * n);
    for (let j = 0; j < nM; j++) {
      const o = j * nP + nU, mu0 = x[o]!, mu1 = x[o + 1]!, s0 = Math.sqrt(x[o + 2]!), s1 = Math.sqrt(x[o + 3]!);
      for (let i = 0; i < values.length; i++) {
        const y = values[i]!, z0 = (y - mu0) / s0, z1 = (y - mu1) / s1;
        const d0 = (INV_SQRT_2PI * Math.exp(-0.5 * z0 * z0)) / s0, d1 = (INV_SQRT_2PI * Math.exp(-0.5 * z1 * z1)) / s1;
        for (let k = 0; k < nE; k++) out[i * n + j * nE + k] = L[j * nE + k]! * d0 + L[n + j * nE + k]! * d1;
      }
    }
    return ndarray(out, [values.length, nM, nE]);
  }

  /**
   * Real readout values `[repeat, nM, nE]`: the underlying outcome `u` by its own simulation, then
   * `y = μ_u + σ_u z` with a fresh `z ~ N(0, 1)` for every (repeat, particle, experiment), in
   * that row-major order, all from `rng`.
   */
  simulateReadout(mps: ParticlesLike, eps: ExpParams, rng: Rng, repeat = 1): ndarray.NdArray<Float64Array> {
    const nP = this.nModelparams, nU = this.nUnderlying;
    const { x, nM } = toRowMajor(mps, nP);
    const u = this.underlyingModel.simulateExperiment(Float64Array.from(this.underlyingColumns(x, 0, nM)), eps, rng, repeat).data;
    const nE = eps.length, out = new Float64Array(repeat * nM * nE);
    for (let r = 0; r < repeat; r++) {
      for (let j = 0; j < nM; j++) {
        const o = j * nP + nU;
        for (let k = 0; k < nE; k++) {
          const i = r * nM * nE + j * nE + k, one = u[i] !== 0;
          out[i] = (one ? x[o + 1]! : x[o]!) + Math.sqrt(one ? x[o + 3]! : x[o + 2]!) * rng.normal();
        }
      }
    }
    this._simCount += repeat * nM * nE;
    return ndarray(out, [repeat, nM, nE]);
  }

  /** Bins of {@link simulateReadout} (the same draws). */
  override simulateExperiment(mps: ParticlesLike, eps: ExpParams, rng: Rng, repeat = 1): ndarray.NdArray<Int32Array> {
    if (!Number.isInteger(repeat) || repeat < 1) throw new QinferArgumentError('ERR_ARGUMENT', `repeat must be a positive integer, got ${repeat}`);
    const y = this.simulateReadout(mps, eps, rng, repeat);
    return ndarray(this.binsOf(y.data), y.shape.slice());
  }
}

/** Interior edges from `ReadoutBins`, checked ascending and finite. */
function binEdges(bins: ReadoutBins): Float64Array {
  let edges: Float64Array;
  if (bins !== null && typeof bins === 'object' && 'edges' in bins && bins.edges !== undefined) edges = Float64Array.from(bins.edges);
  else if (bins !== null && typeof bins === 'object' && 'range' in bins && bins.range !== undefined) {
    const [lo, hi] = bins.range, nb = bins.nBins;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new QinferArgumentError('ERR_RANGE', `readout range [${lo}, ${hi}] is reversed or not finite`);
    if (!Number.isInteger(nb) || nb < 2) throw new QinferArgumentError('ERR_ARGUMENT', `nBins must be an integer ≥ 2, got ${nb}`);
    edges = Float64Array.from({ length: nb - 1 }, (_, i) => lo + ((i + 1) * (hi - lo)) / nb);
  } else throw new QinferArgumentError('ERR_ARGUMENT', 'readout bins need { edges } or { range, nBins }');
  if (edges.length < 1) throw new QinferArgumentError('ERR_ARGUMENT', 'readout bins need at least one interior edge');
  for (let i = 0; i < edges.length; i++) {
    if (!Number.isFinite(edges[i]!) || (i > 0 && !(edges[i]! > edges[i - 1]!))) throw new QinferArgumentError('ERR_ARGUMENT', `bin edges must be finite and strictly increasing (edge ${i})`);
  }
  return edges;
}
