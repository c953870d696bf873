import ndarray from 'ndarray';
import { ExpParams, SCALAR_SCHEMA, type ExpSchema } from '../expparams/ExpParams.js';
import { QinferArgumentError } from '../errors/QinferError.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { toOutcomes } from './FiniteOutcomeModel.js';
import type { DifferentiableModel, OutcomesLike } from './Model.js';
import { TwoOutcomeModel } from './TwoOutcomeModel.js';

/** Options of {@link SimplePrecessionModel}. */
export interface SimplePrecessionOptions {
  /** Particles need `ω > minFreq` (strict) to be valid. Default 0. */
  minFreq?: number;
}

/**
 * Precession of a spin at unknown frequency ω (QInfer's `SimplePrecessionModel`): one model
 * parameter ω, a scalar experiment (the evolution time t), two outcomes with
 *
 *   Pr(0 | ω; t) = cos²(ω t / 2),
 *
 * valid iff ω > minFreq (strictly: ω = 0 is invalid). Experiments may also be records with a
 * `t` field. Score: `s(0) = −t tan(ωt/2)`, `s(1) = t / tan(ωt/2)`; Fisher information `t²`.
 *
 * @example
 * ```ts
 * import { SimplePrecessionModel, ExpParams } from 'qinfer-rx';
 * const m = new SimplePrecessionModel();
 * m.likelihood([0, 1], [[0.5]], ExpParams.scalar([2])).get(0, 0, 0); // cos²(0.5) ≈ 0.770
 * ```
 */
export class SimplePrecessionModel extends TwoOutcomeModel implements DifferentiableModel {
  readonly name: string = 'SimplePrecessionModel';
  readonly nModelparams = 1;
  readonly expparamsSchema: ExpSchema = SCALAR_SCHEMA;
  readonly minFreq: number;

  constructor(options: SimplePrecessionOptions = {}) {
    super();
    this.minFreq = options.minFreq ?? 0;
    if (!Number.isFinite(this.minFreq)) throw new QinferArgumentError('ERR_ARGUMENT', `minFreq must be finite, got ${this.minFreq}`);
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { minFreq: this.minFreq };
  }

  override get modelparamNames(): readonly string[] {
    return ['\\omega'];
  }

  /** The evolution times: the scalar values, or the `t` field of record experiments. */
  protected times(eps: ExpParams): Float64Array {
    return eps.isScalar ? eps.values() : eps.field('t');
  }

  override checkExpparams(eps: ExpParams): void {
    this.times(eps);
  }

  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const t = this.times(eps);
    const nE = t.length;
    for (let j = start; j < end; j++) {
      const w = x[j]!;
      const row = j * nE;
      for (let k = 0; k < nE; k++) {
        const c = Math.cos((t[k]! * w) / 2);
        out[row + k] = c * c;
      }
    }
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    const { x, nM } = toRowMajor(mps, 1);
    const v = new Uint8Array(nM);
    for (let j = 0; j < nM; j++) v[j] = x[j]! > this.minFreq ? 1 : 0;
    return v;
  }

  score(outcomes: OutcomesLike, mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    const os = toOutcomes(outcomes);
    const { x, nM } = toRowMajor(mps, 1);
    const t = this.times(eps), nE = t.length;
    const out = new Float64Array(os.length * nM * nE);
    os.forEach((o, i) => {
      for (let j = 0; j < nM; j++) {
        for (let k = 0; k < nE; k++) {
          const arg = (x[j]! * t[k]!) / 2;
          out[i * nM * nE + j * nE + k] = o === 0 ? -t[k]! * Math.tan(arg) : t[k]! / Math.tan(arg);
        }
      }
    });
    return ndarray(out, [1, os.length, nM, nE]);
  }

  fisherInformation(mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    const { nM } = toRowMajor(mps, 1);
    const t = this.times(eps), nE = t.length;
    const out = new Float64Array(nM * nE);
    for (let j = 0; j < nM; j++) for (let k = 0; k < nE; k++) out[j * nE + k] = t[k]! * t[k]!;
    return ndarray(out, [1, 1, nM, nE]);
  }
}
