import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';
import { recordSchema, type ExpParams, type ExpSchema } from '../expparams/ExpParams.js';
import { toRowMajor, type ParticlesLike } from '../util/particles.js';
import { fisherInformationFromScore } from './fisherInformation.js';
import { toOutcomes } from './FiniteOutcomeModel.js';
import type { DifferentiableModel, OutcomesLike } from './Model.js';
import { TwoOutcomeModel } from './TwoOutcomeModel.js';

/** Options of {@link RandomizedBenchmarkingModel}. */
export interface RandomizedBenchmarkingOptions {
  /** Interleaved RB: parameters `(p̃, p_ref, A, B)` and a `reference` experiment field. Default false. */
  interleaved?: boolean;
  /** Order of the fit model; only 0 exists (QInfer raises NotImplementedError otherwise). */
  order?: number;
}

const STANDARD_SCHEMA = recordSchema({ name: 'm', type: 'uint' });
const INTERLEAVED_SCHEMA = recordSchema({ name: 'm', type: 'uint' }, { name: 'reference', type: 'uint' });

/**
 * Zeroth-order (accelerated) randomized benchmarking (QInfer's `RandomizedBenchmarkingModel`,
 * Granade, Ferrie & Cory, NJP 17, 013042 (2015)). A sequence of `m` random gates followed by its
 * inversion survives with probability
 *
 *   Pr(1 | p, A, B; m) = A pᵐ + B,      Pr(0) = 1 − (A pᵐ + B),
 *
 * so outcome 1 is "survived" (QInfer's convention: its `BinomialModel` counts survivals). `p` is
 * the depolarizing parameter of the twirled error channel (see {@link rbFidelity} for the average
 * gate fidelity), `A` and `B` absorb state-preparation and measurement errors. Experiments are
 * records `{ m }` (a non-negative integer sequence length).
 *
 * Interleaved RB (`interleaved: true`): parameters `(p̃, p_ref, A, B)` and experiments
 * `{ m, reference }`; reference sequences (`reference = 1`) decay with `p_ref`, interleaved ones
 * (`reference = 0`) with `p_C = p̃ · p_ref`, so `p̃` is the depolarizing parameter of the
 * interleaved gate alone (its fidelity is `rbFidelity(p̃)`). QInfer's field is a bool; here it is
 * a uint holding 0 or 1.
 *
 * Valid parameters: all of `p, A, B` (and `p̃`) in [0, 1], `A + B ≤ 1`, `A p + B ≤ 1`
 * (and `A p̃ + B ≤ 1`), exactly QInfer's conditions.
 *
 * Score (QInfer's `score`, shape `[nP, nO, nM, nE]`): with `s = A pᵐ + B` and
 * `σ = +1` for outcome 1, `−1` for outcome 0, `∂ ln L / ∂θ = σ ∂s/∂θ / L`, where
 * `∂s/∂p = A m p^{m−1}`, `∂s/∂A = pᵐ`, `∂s/∂B = 1` (interleaved: `∂s/∂p̃ = A m p̃^{m−1} p_refᵐ` on
 * interleaved sequences and 0 on reference ones, `∂s/∂p_ref = A m p_ref^{m−1}` (reference) or
 * `A m p_ref^{m−1} p̃ᵐ` (interleaved)). At `m = 0` the `p` derivatives are exactly 0 (QInfer gets
 * the same through numpy's unsigned `m − 1` wrapping around). Fisher information: QInfer's default
 * `Σ_o L_o s_o s_oᵀ` ({@link fisherInformationFromScore}); NaN where `L = 0`, as in QInfer.
 *
 * Bad experiments: an `m` that is not a non-negative integer, or a `reference` other than 0/1 →
 * `ERR_EXPPARAMS_FIELD`.
 *
 * @example
 * ```ts
 * import { RandomizedBenchmarkingModel, ExpParams } from 'qinfer-rx';
 * const rb = new RandomizedBenchmarkingModel();
 * const eps = ExpParams.records(rb.expparamsSchema, [{ m: 10 }, { m: 100 }]);
 * rb.likelihood(1, [[0.99, 0.5, 0.5]], eps).data; // survival 0.5·0.99^m + 0.5: [0.952…, 0.683…]
 * ```
 */
export class RandomizedBenchmarkingModel extends TwoOutcomeModel implements DifferentiableModel {
  readonly name: string = 'RandomizedBenchmarkingModel';
  readonly interleaved: boolean;
  readonly nModelparams: number;
  readonly expparamsSchema: ExpSchema;

  constructor(options: RandomizedBenchmarkingOptions = {}) {
    super();
    const order = options.order ?? 0;
    if (order !== 0) throw new QinferArgumentError('ERR_ARGUMENT', `only zeroth-order randomized benchmarking is implemented, got order ${order}`);
    this.interleaved = options.interleaved ?? false;
    if (typeof this.interleaved !== 'boolean') throw new QinferArgumentError('ERR_ARGUMENT', `interleaved must be a boolean, got ${String(this.interleaved)}`);
    this.nModelparams = this.interleaved ? 4 : 3;
    this.expparamsSchema = this.interleaved ? INTERLEAVED_SCHEMA : STANDARD_SCHEMA;
  }

  override get params(): Readonly<Record<string, unknown>> {
    return { interleaved: this.interleaved };
  }

  override get modelparamNames(): readonly string[] {
    return this.interleaved ? ['\\tilde{p}', 'p', 'A', 'B'] : ['p', 'A', 'B'];
  }

  /** Checks that `m` holds non-negative integers and `reference` (interleaved) 0 or 1. */
  override checkExpparams(eps: ExpParams): void {
    const m = eps.field('m');
    for (let k = 0; k < m.length; k++) {
      if (!Number.isInteger(m[k]!) || m[k]! < 0) {
        throw new QinferArgumentError('ERR_EXPPARAMS_FIELD', `sequence length m of experiment ${k} must be a non-negative integer, got ${m[k]}`, { details: { field: 'm', index: k } });
      }
    }
    if (!this.interleaved) return;
    const r = eps.field('reference');
    for (let k = 0; k < r.length; k++) {
      if (r[k] !== 0 && r[k] !== 1) {
        throw new QinferArgumentError('ERR_EXPPARAMS_FIELD', `reference of experiment ${k} must be 0 or 1, got ${r[k]}`, { details: { field: 'reference', index: k } });
      }
    }
  }

  pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    const m = eps.field('m'), nE = m.length;
    if (!this.interleaved) {
      for (let j = start; j < end; j++) {
        const p = x[3 * j]!, A = x[3 * j + 1]!, B = x[3 * j + 2]!, row = j * nE;
        for (let k = 0; k < nE; k++) out[row + k] = 1 - (A * Math.pow(p, m[k]!) + B);
      }
      return;
    }
    const ref = eps.field('reference');
    for (let j = start; j < end; j++) {
      const pt = x[4 * j]!, pr = x[4 * j + 1]!, A = x[4 * j + 2]!, B = x[4 * j + 3]!, pc = pt * pr, row = j * nE;
      for (let k = 0; k < nE; k++) out[row + k] = 1 - (A * Math.pow(ref[k] === 1 ? pr : pc, m[k]!) + B);
    }
  }

  areModelsValid(mps: ParticlesLike): Uint8Array {
    const nP = this.nModelparams;
    const { x, nM } = toRowMajor(mps, nP);
    const v = new Uint8Array(nM);
    const in01 = (t: number): boolean => t >= 0 && t <= 1;
    for (let j = 0; j < nM; j++) {
      const o = j * nP;
      if (this.interleaved) {
        const pc = x[o]!, p = x[o + 1]!, A = x[o + 2]!, B = x[o + 3]!;
        v[j] = in01(p) && in01(pc) && in01(A) && in01(B) && A + B <= 1 && A * p + B <= 1 && A * pc + B <= 1 ? 1 : 0;
      } else {
        const p = x[o]!, A = x[o + 1]!, B = x[o + 2]!;
        v[j] = in01(p) && in01(A) && in01(B) && A + B <= 1 && A * p + B <= 1 ? 1 : 0;
      }
    }
    return v;
  }

  /** Score `∂ ln L(o) / ∂θ`, shape `[nP, nO, nM, nE]` (see the class documentation). */
  score(outcomes: OutcomesLike, mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    const os = toOutcomes(outcomes);
    for (const o of os) if (o > 1) throw new QinferArgumentError('ERR_OUTCOME', `outcome ${o} outside the model's outcomes 0..1`, { details: { outcome: o } });
    const L = this.likelihood(os, mps, eps).data;
    const nP = this.nModelparams;
    const { x, nM } = toRowMajor(mps, nP);
    const m = eps.field('m'), nE = m.length, nO = os.length, n = nM * nE;
    const ref = this.interleaved ? eps.field('reference') : undefined;
    const out = new Float64Array(nP * nO * n);
    const ds = new Float64Array(nP);
    const pow1 = (b: number, e: number): number => (e === 0 ? 0 : e * Math.pow(b, e - 1)); // d(bᵉ)/db
    for (let j = 0; j < nM; j++) {
      for (let k = 0; k < nE; k++) {
        const mk = m[k]!;
        if (ref === undefined) {
          const p = x[3 * j]!, A = x[3 * j + 1]!;
          ds[0] = A * pow1(p, mk);
          ds[1] = Math.pow(p, mk);
          ds[2] = 1;
        } else {
          const pt = x[4 * j]!, pr = x[4 * j + 1]!, A = x[4 * j + 2]!;
          if (ref[k] === 1) {
            ds[0] = 0;
            ds[1] = A * pow1(pr, mk);
            ds[2] = Math.pow(pr, mk);
          } else {
            ds[0] = A * pow1(pt, mk) * Math.pow(pr, mk);
            ds[1] = A * pow1(pr, mk) * Math.pow(pt, mk);
            ds[2] = Math.pow(pt * pr, mk);
          }
          ds[3] = 1;
        }
        for (let i = 0; i < nO; i++) {
          const sign = os[i] === 0 ? -1 : 1, l = L[i * n + j * nE + k]!;
          for (let q = 0; q < nP; q++) out[(q * nO + i) * n + j * nE + k] = (sign * ds[q]!) / l;
        }
      }
    }
    return ndarray(out, [nP, nO, nM, nE]);
  }

  /** QInfer's default Fisher information `Σ_o L_o s_o s_oᵀ`, shape `[nP, nP, nM, nE]`. */
  fisherInformation(mps: ParticlesLike, eps: ExpParams): ndarray.NdArray<Float64Array> {
    return fisherInformationFromScore(this, mps, eps);
  }
}
