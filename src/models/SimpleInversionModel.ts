import ndarray from 'ndarray';
import { ExpParams, recordSchema, type ExpSchema } from '../expparams/ExpParams.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { toOutcomes } from './FiniteOutcomeModel.js';
import type { CosSquaredForm, DifferentiableModel, OutcomesLike } from './Model.js';
import { TwoOutcomeModel } from './TwoOutcomeModel.js';
import { cosSquared } from '../util/cosSquared.js';
import { UpdateKernels } from '../util/wasm/updateKernels.js';

/** Options of {@link SimpleInversionModel} (QInfer's `min_freq`). */
export interface SimpleInversionOptions {
  /** Particles need `ω > minFreq` (strict) to be valid. Default 0. */
  minFreq?: number;
}

const INVERSION_SCHEMA = recordSchema({ name: 't', type: 'float' }, { name: 'w_', type: 'float' });

/**
 * Free precession probed by an inversion at a guessed frequency ω₋ (QInfer's
 * `SimpleInversionModel`, the interactive QLE model): one model parameter ω, record experiments
 * `{ t, w_ }`, two outcomes with
 *
 *   Pr(0 | ω; t, ω₋) = cos²(t (ω − ω₋) / 2),
 *
 * valid iff ω > minFreq (strict). Score, with `a = (ω − ω₋) t / 2`: `s(0) = −t tan a`,
 * `s(1) = t / tan a` (NaN or ±Infinity where `a = 0`, as in QInfer); Fisher information
 * `Σ_o L_o s_o²` (= t² where finite).
 *
 * @example
 * ```ts
 * import { SimpleInversionModel, ExpParams, recordSchema } from 'qinfer-rx';
 * const m = new SimpleInversionModel();
 * const eps = ExpParams.records(m.expparamsSchema, [{ t: 2, w_: 0.25 }]);
 * m.likelihood(0, [[0.75]], eps).get(0, 0, 0); // cos²(0.5) ≈ 0.770
 * ```
 */
export class SimpleInversionModel extends TwoOutcomeModel implements DifferentiableModel {
  readonly name: string = 'SimpleInversionModel';
  readonly nModelparams = 1;
  readonly expparamsSchema: ExpSchema = INVERSION_SCHEMA;
  readonly minFreq: number;
  private readonly form = { h: 0, off: 0 };

  constructor(options: SimpleInversionOptions = {}) {
    super();
    this.minFreq = options.minFreq ?? 0;
    if (typeof this.minFreq !== 'number' || !Number.isFinite(this.minFreq)) {
      throw new QinferArgumentError('ERR_ARGUMENT', `minFreq must be a finite number, got ${String(this.minFreq)}`);
    }
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { minFreq: this.minFreq };
  }

  override get modelparamNames(): readonly string[] {
    return ['\\omega'];
  }

  /** ω is an angular frequency in radians per unit of the experiment time t. */
  override get modelparamUnits(): readonly string[] {
    return ['rad/[t]'];
  }

  /** The evolution times (the `t` field). */
  protected times(eps: ExpParams): Float64Array {
    return eps.field('t');
  }

  /** The inversion frequencies ω₋ (the `w_` field), or `undefined` when they are all 0. */
  protected offsets(eps: ExpParams): Float64Array | undefined {
    return eps.field('w_');
  }

  override checkExpparams(eps: ExpParams): void {
    this.times(eps);
    this.offsets(eps);
  }

  /**
   * The updater's fused kernel may compute this model's likelihood itself: `Pr(0) =
   * cos²(h (ω − ω₋))` with `h = t/2` (bit-identical to {@link pr0Into}, since halving is exact).
   * Undefined for several experiments, an outcome above 1, a `t` beyond (1e-290, 1e290), a
   * non-finite `ω₋`, or a
   * subclass that replaces the likelihood kernel (its own kernel must then run). Counts `nM` calls.
   * The object returned is reused by the next call (an update allocates nothing).
   */
  cosSquaredForm(outcome: number, eps: ExpParams, nM: number): CosSquaredForm | undefined {
    const own = SimpleInversionModel.prototype;
    if (eps.length !== 1 || !(outcome === 0 || outcome === 1)) return undefined;
    if (this.pr0Into !== own.pr0Into || this.likelihoodInto !== own.likelihoodInto || this.likelihood !== own.likelihood) return undefined;
    const t = this.times(eps)[0]!, off = this.offsets(eps)?.[0] ?? 0;
    // Halving t must be exact and t (ω − ω₋) must not overflow where (t/2)(ω − ω₋) does not.
    const at = Math.abs(t);
    if (!(at === 0 || (at > 1e-290 && at < 1e290)) || !Number.isFinite(off)) return undefined;
    this._callCount += nM;
    const form = this.form;
    form.h = t / 2;
    form.off = off;
    return form;
  }

  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const t = this.times(eps), w_ = this.offsets(eps);
    const nE = t.length;
    if (w_ === undefined) {
      for (let j = start; j < end; j++) {
        const w = x[j]!, row = j * nE;
        for (let k = 0; k < nE; k++) {
          out[row + k] = cosSquared((t[k]! * w) / 2);
        }
      }
      return;
    }
    for (let j = start; j < end; j++) {
      const w = x[j]!, row = j * nE;
      for (let k = 0; k < nE; k++) {
        out[row + k] = cosSquared((t[k]! * (w - w_[k]!)) / 2);
      }
    }
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    const { x, nM } = toRowMajor(mps, 1);
    const v = new Uint8Array(nM);
    this.areModelsValidInto(x, nM, v);
    return v;
  }

  /** `out[j] = 1` when `x_j > minFreq` (j < nM), without allocating. */
  areModelsValidInto(x: Float64Array, nM: number, out: Uint8Array): void {
    const lo = this.minFreq;
    for (let j = 0; j < nM; j++) out[j] = x[j]! > lo ? 1 : 0;
  }

  /**
   * The indices j < nM with `x_j ≤ minFreq` (or NaN) into `rows`, in order; returns their count.
   * A cloud in the WebAssembly kernels' memory (a resampled fused cloud) is scanned there first,
   * two at a time, and listed only when some particle is invalid.
   */
  invalidRowsInto(x: Float64Array, nM: number, rows: Int32Array): number {
    const lo = this.minFreq;
    if (UpdateKernels.owning(x.buffer)?.allAbove(x, nM, lo) === true) return 0;
    let c = 0;
    for (let j = 0; j < nM; j++) if (!(x[j]! > lo)) rows[c++] = j;
    return c;
  }

  /** Score `[1, nO, nM, nE]`: `−t tan a` for outcome 0, `t / tan a` for outcome 1, `a = (ω − ω₋) t / 2`. */
  score(outcomes: OutcomesLike, mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    const os = toOutcomes(outcomes);
    for (const o of os) if (o > 1) throw new QinferArgumentError('ERR_OUTCOME', `outcome ${o} outside the model's outcomes 0..1`, { details: { outcome: o } });
    const { x, nM } = toRowMajor(mps, 1);
    const t = this.times(eps), w_ = this.offsets(eps), nE = t.length;
    const out = new Float64Array(os.length * nM * nE);
    os.forEach((o, i) => {
      for (let j = 0; j < nM; j++) {
        for (let k = 0; k < nE; k++) {
          const dw = w_ === undefined ? x[j]! : x[j]! - w_[k]!;
          const tan = Math.tan((dw * t[k]!) / 2);
          out[i * nM * nE + j * nE + k] = o === 0 ? -t[k]! * tan : t[k]! / tan;
        }
      }
    });
    return ndarray(out, [1, os.length, nM, nE]);
  }

  /** `I = Σ_o L_o s_o²`, shape `[1, 1, nM, nE]` (t² where finite; NaN where the score is not). */
  /**
   * Fisher information `t²`, exactly (QInfer sums `Σ_o L_o s_o²`, which equals t² up to rounding
   * that grows near the poles of tan); NaN where the score is not finite (`t (ω − ω₋) = 0`),
   * as in QInfer. Shape `[1, 1, nM, nE]`.
   */
  fisherInformation(mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    const { x, nM } = toRowMajor(mps, 1);
    const t = this.times(eps), w_ = this.offsets(eps), nE = t.length;
    const out = new Float64Array(nM * nE);
    for (let j = 0; j < nM; j++) {
      for (let k = 0; k < nE; k++) {
        const arg = (t[k]! * (x[j]! - (w_ === undefined ? 0 : w_[k]!))) / 2;
        out[j * nE + k] = arg === 0 || !Number.isFinite(arg) ? NaN : t[k]! * t[k]!;
      }
    }
    return ndarray(out, [1, 1, nM, nE]);
  }
}
