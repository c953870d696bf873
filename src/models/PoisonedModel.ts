import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Rng } from '../rng/Rng.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { DerivedModel } from './DerivedModel.js';
import type { Model } from './Model.js';

/** Options of {@link PoisonedModel}: exactly one of `tol` (ALE) or `nSamples` (MLE). */
export interface PoisonedOptions {
  /** ALE: the noise has the constant standard deviation `tol`. */
  tol?: number;
  /** MLE: the noise has the standard deviation of a binomial estimate from `nSamples` shots. */
  nSamples?: number;
  /** MLE: the hedging β of that estimate, default 0. */
  hedge?: number;
  /** Seed of the noise field, default 0 (see the class documentation). */
  seed?: number;
}

/**
 * `clip(L + σ z, 0, 1)` element-wise into `out` (QInfer's `PoisonedModel` perturbation), with
 * `σ = tol` (ALE) or `σ = √(L (1 − L) / (nSamples + 2 hedge + 1))` (MLE, QInfer's
 * `binom_est_error`).
 *
 * @example
 * ```ts
 * import { poisonLikelihoods } from 'qinfer-rx';
 * poisonLikelihoods(Float64Array.of(0.5, 0.99), Float64Array.of(1, 2), { tol: 0.01 }); // [0.51, 1]
 * ```
 */
export function poisonLikelihoods(L: Float64Array, z: ArrayLike<number>, options: PoisonedOptions, out: Float64Array = new Float64Array(L.length)): Float64Array {
  const tol = options.tol, denom = (options.nSamples ?? 0) + 2 * (options.hedge ?? 0) + 1;
  for (let i = 0; i < L.length; i++) {
    const l = L[i]!, sd = tol !== undefined ? tol : Math.sqrt((l * (1 - l)) / denom);
    const v = l + sd * z[i]!;
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return out;
}

const TWO32_INV = 1 / 4294967296;

/** A 32-bit avalanche mix (murmur3's finaliser). */
function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A likelihood perturbed by noise, to test how inference copes with likelihoods estimated from
 * finite samples (QInfer's `PoisonedModel`): with `z ~ N(0, 1)`,
 *
 *   L̃(o | x; e) = clip(L(o | x; e) + σ z, 0, 1),
 *   σ = tol (ALE, adaptive likelihood estimation to a tolerance), or
 *   σ = √(L (1 − L) / (nSamples + 2·hedge + 1)) (MLE from nSamples shots, hedged).
 *
 * Simulation uses the unpoisoned underlying model (so data and likelihood disagree on purpose).
 *
 * Decision (a parallel run must equal the serial one): QInfer draws fresh `np.random.normal` noise on every
 * call; here `z` is a deterministic function of `(seed, outcome, the particle's parameters, the
 * experiment's fields)` — a frozen noise field, hashed from their float64 bits (murmur3 mixing,
 * Box–Muller). The same particle and experiment give the same noise on any thread, engine or
 * chunking, and differ between particles, experiments, outcomes and seeds, so a seeded
 * performance table is identical serially and on a pool; a resampled particle moves and gets new
 * noise. Validation: exactly one of `tol` / `nSamples` (QInfer's check
 * `tol is None != n_samples is None` is a chained comparison that is always false, so it never
 * raised), `tol ≥ 0`, `nSamples ≥ 0` integer, `hedge ≥ 0` → else `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { PoisonedModel, SimplePrecessionModel, ExpParams } from 'qinfer-rx';
 * const m = new PoisonedModel(new SimplePrecessionModel(), { tol: 0.05 });
 * m.likelihood(0, [[0.5]], ExpParams.scalar([2])).get(0, 0, 0); // cos²(0.5) + 0.05 z, clipped
 * ```
 */
export class PoisonedModel extends DerivedModel {
  readonly name: string = 'PoisonedModel';
  readonly options: Readonly<PoisonedOptions>;
  private readonly seed: number;
  private readonly bits = new Float64Array(1);
  private readonly words = new Uint32Array(this.bits.buffer);

  constructor(underlyingModel: Model, options: PoisonedOptions) {
    super(underlyingModel);
    const { tol, nSamples, hedge } = options ?? {};
    if ((tol === undefined) === (nSamples === undefined)) throw new QinferArgumentError('ERR_ARGUMENT', 'PoisonedModel needs exactly one of tol (ALE) and nSamples (MLE)');
    if (tol !== undefined && !(tol >= 0 && Number.isFinite(tol))) throw new QinferArgumentError('ERR_ARGUMENT', `tol must be finite and ≥ 0, got ${tol}`);
    if (nSamples !== undefined && !(Number.isInteger(nSamples) && nSamples >= 0)) throw new QinferArgumentError('ERR_ARGUMENT', `nSamples must be a non-negative integer, got ${nSamples}`);
    if (hedge !== undefined && (tol !== undefined || !(hedge >= 0 && Number.isFinite(hedge)))) throw new QinferArgumentError('ERR_ARGUMENT', `hedge must be finite and ≥ 0, and only with nSamples`);
    this.seed = options.seed ?? 0;
    if (!Number.isInteger(this.seed)) throw new QinferArgumentError('ERR_ARGUMENT', `seed must be an integer, got ${this.seed}`);
    this.options = Object.freeze(tol !== undefined ? { tol } : { nSamples, hedge: hedge ?? 0 });
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { underlyingModel: this.underlyingModel.spec(), ...this.options, seed: this.seed };
  }

  private mixNumber(h: number, v: number): number {
    this.bits[0] = v;
    h = fmix((h ^ this.words[0]!) + 0x9e3779b9);
    return fmix((h ^ this.words[1]!) + 0x7f4a7c15);
  }

  /** Hash of the seed and particle `j`'s parameters. */
  private particleHash(x: Float64Array, j: number): number {
    const nP = this.nModelparams;
    let h = fmix(fmix((this.seed >>> 0) ^ 0x3c6ef372) ^ (Math.floor(this.seed / 4294967296) | 0));
    for (let p = 0; p < nP; p++) h = this.mixNumber(h, x[j * nP + p]!);
    return h;
  }

  /** `h` mixed with every field value of experiment `k`. */
  private experimentHash(h: number, cols: readonly { c: Float64Array; w: number }[], k: number): number {
    for (const { c, w } of cols) for (let q = 0; q < w; q++) h = this.mixNumber(h, c[k * w + q]!);
    return h;
  }

  /** The standard normal of hash `h` and outcome `o` (Box–Muller from two hashed uniforms, the first in (0, 1]). */
  private static normalOf(h: number, o: number): number {
    const a = fmix(h ^ Math.imul(o + 1, 0x27d4eb2f)), b = fmix(a ^ 0x165667b1);
    return Math.sqrt(-2 * Math.log((a + 1) * TWO32_INV)) * Math.cos(2 * Math.PI * b * TWO32_INV);
  }

  private static columns(eps: ExpParams): { c: Float64Array; w: number }[] {
    return eps.fieldNames.map((f) => ({ c: eps.field(f), w: eps.width(f) }));
  }

  /** The frozen noise `z(seed, outcome, x_j, e_k)`, shape `[nO, nM, nE]` row-major (the likelihood adds `σ z`). */
  noise(outcomes: ArrayLike<number>, mps: ParticlesLike, eps: ExpParams): Float64Array {
    const { x, nM } = toRowMajor(mps, this.nModelparams);
    const nE = eps.length, cols = PoisonedModel.columns(eps), z = new Float64Array(outcomes.length * nM * nE);
    for (let j = 0; j < nM; j++) {
      const hx = this.particleHash(x, j);
      for (let k = 0; k < nE; k++) {
        const h = this.experimentHash(hx, cols, k);
        for (let i = 0; i < outcomes.length; i++) z[i * nM * nE + j * nE + k] = PoisonedModel.normalOf(h, outcomes[i]!);
      }
    }
    return z;
  }

  likelihoodInto(outcomes: Int32Array, x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    this.underlyingModel.likelihoodInto(outcomes, x, nM, eps, out, start, end);
    const nE = eps.length, cols = PoisonedModel.columns(eps), L = new Float64Array(1), z = new Float64Array(1);
    for (let j = start; j < end; j++) {
      const hx = this.particleHash(x, j);
      for (let k = 0; k < nE; k++) {
        const h = this.experimentHash(hx, cols, k);
        for (let i = 0; i < outcomes.length; i++) {
          const at = i * nM * nE + j * nE + k;
          L[0] = out[at]!;
          z[0] = PoisonedModel.normalOf(h, outcomes[i]!);
          out[at] = poisonLikelihoods(L, z, this.options, L)[0]!;
        }
      }
    }
  }

  /** The unpoisoned underlying model's simulation (QInfer's choice, on purpose). */
  override simulateExperiment(mps: ParticlesLike, eps: ExpParams, rng: Rng, repeat = 1): ndarray.NdArray<Int32Array> {
    const r = this.underlyingModel.simulateExperiment(mps, eps, rng, repeat);
    this._simCount += r.data.length;
    return r;
  }
}
