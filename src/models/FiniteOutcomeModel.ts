import ndarray from 'ndarray';
import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams, ExpSchema } from '../expparams/ExpParams.js';
import type { Rng } from '../rng/Rng.js';
import { matrix, toRowMajor, type ParticlesLike } from '../util/particles.js';
import type { Model, ModelSpec, OutcomesLike } from './Model.js';

/** Converts outcomes to an `Int32Array`, checking that each is an integer. */
export function toOutcomes(outcomes: OutcomesLike): Int32Array {
  const arr = typeof outcomes === 'number' ? [outcomes] : outcomes;
  const out = new Int32Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const o = arr[i]!;
    if (!Number.isInteger(o) || o < 0) {
      throw new QinferArgumentError('ERR_OUTCOME', `outcome ${o} is not a non-negative integer`, { details: { outcome: o } });
    }
    out[i] = o;
  }
  return out;
}

/**
 * Base class of models with finitely many outcomes `0 … nO−1` (QInfer's `FiniteOutcomeModel`).
 * Subclasses implement {@link likelihoodInto} (the raw kernel), {@link areModelsValid} and
 * {@link nOutcomes}; this class adds validation, call/simulation counting, inverse-CDF
 * simulation, the no-dynamics time step, distance and experiment cost.
 *
 * Simulation (QInfer's `FiniteOutcomeModel.simulate_experiment`, `qinfer/abstract_model.py`): for each (repeat r, model j, experiment k) in row-major order draw
 * `u ~ U[0,1)` and return the first outcome `o` with `Σ_{i≤o} L_i > u` (0 if none, as QInfer's
 * argmax does under round-off).
 */
export abstract class FiniteOutcomeModel implements Model {
  abstract readonly name: string;
  abstract readonly nModelparams: number;
  abstract readonly expparamsSchema: ExpSchema;
  readonly isNOutcomesConstant: boolean = true;
  readonly hasDynamics: boolean = false;
  protected _callCount = 0;
  protected _simCount = 0;
  private _Q: Float64Array | undefined;
  /** {@link simulateOne}'s scratch: the outcomes 0..n−1 and their likelihoods. */
  private oneOutcomes = new Int32Array(0);
  private oneL = new Float64Array(0);

  /** Constructor parameters (JSON-able). */
  get params(): Readonly<Record<string, unknown>> {
    return {};
  }

  get modelparamNames(): readonly string[] {
    return Array.from({ length: this.nModelparams }, (_, i) => `x_{${i}}`);
  }

  /** Units of the parameters (default: none, `''` each); `[t]` is the unit of the experiment time. */
  get modelparamUnits(): readonly string[] {
    return Array.from({ length: this.nModelparams }, () => '');
  }

  get Q(): Float64Array {
    if (this._Q === undefined) this._Q = new Float64Array(this.nModelparams).fill(1);
    return this._Q;
  }

  get callCount(): number {
    return this._callCount;
  }

  get simCount(): number {
    return this._simCount;
  }

  spec(): ModelSpec {
    return { name: this.name, params: this.params };
  }

  abstract nOutcomes(eps?: ExpParams, i?: number): number;
  abstract areModelsValid(mps: ParticlesLike): Uint8Array;
  abstract likelihoodInto(
    outcomes: Int32Array,
    x: Float64Array,
    nM: number,
    eps: ExpParams,
    out: Float64Array,
    start?: number,
    end?: number,
  ): void;

  /**
   * Checks that `eps` carries the fields this model reads. The default accepts any experiments
   * of the model's own schema; models override it to accept alternatives.
   */
  checkExpparams(eps: ExpParams): void {
    const schema = this.expparamsSchema;
    if (schema.kind === 'record') for (const f of schema.fields) eps.field(f.name);
    else eps.values();
  }

  /** Largest number of outcomes over the experiments (the bound outcomes are checked against). */
  protected maxOutcomes(eps: ExpParams): number {
    if (this.isNOutcomesConstant) return this.nOutcomes(eps, 0);
    let m = 0;
    for (let k = 0; k < eps.length; k++) m = Math.max(m, this.nOutcomes(eps, k));
    return m;
  }

  likelihood(outcomes: OutcomesLike, mps: ParticlesLike, eps: ExpParams, out?: Float64Array): ndarray.NdArray<Float64Array> {
    const os = toOutcomes(outcomes);
    this.checkExpparams(eps);
    const nO = this.maxOutcomes(eps);
    for (const o of os) {
      if (o >= nO) {
        throw new QinferArgumentError('ERR_OUTCOME', `outcome ${o} outside the model's outcomes 0..${nO - 1}`, {
          details: { outcome: o, nOutcomes: nO },
        });
      }
    }
    const { x, nM } = toRowMajor(mps, this.nModelparams);
    const size = os.length * nM * eps.length;
    let buf = out;
    if (buf === undefined) buf = new Float64Array(size);
    else if (buf.length < size) throw new QinferArgumentError('ERR_SHAPE', `output buffer holds ${buf.length} values, ${size} needed`);
    this.likelihoodInto(os, x, nM, eps, buf, 0, nM);
    this._callCount += size;
    return ndarray(buf.length === size ? buf : buf.subarray(0, size), [os.length, nM, eps.length]);
  }

  /**
   * The outcome of one experiment (`eps` holds one) on one particle `x`: what
   * `simulateExperiment(x, eps, rng).data[0]` returns, with the same draw and counts, without
   * building its arrays (a simulated system calls it once per datum). A subclass with its own
   * `simulateExperiment` gets that one's answer.
   */
  simulateOne(x: Float64Array, eps: ExpParams, rng: Rng): number {
    if (this.simulateExperiment !== FiniteOutcomeModel.prototype.simulateExperiment || eps.length !== 1) {
      return this.simulateExperiment(matrix(x, 1, this.nModelparams), eps, rng).data[0]!;
    }
    this.checkExpparams(eps);
    const nO = this.nOutcomes(eps, 0);
    if (this.oneOutcomes.length !== nO) {
      this.oneOutcomes = Int32Array.from({ length: nO }, (_, i) => i);
      this.oneL = new Float64Array(nO);
    }
    const L = this.oneL;
    this.likelihoodInto(this.oneOutcomes, x, 1, eps, L, 0, 1);
    this._callCount += nO;
    const u = rng.uniform();
    let cdf = 0, o = 0;
    for (let i = 0; i < nO; i++) {
      cdf += L[i]!;
      if (cdf > u) {
        o = i;
        break;
      }
    }
    this._simCount += 1;
    return o;
  }

  simulateExperiment(mps: ParticlesLike, eps: ExpParams, rng: Rng, repeat = 1): ndarray.NdArray<Int32Array> {
    if (!Number.isInteger(repeat) || repeat < 1) throw new QinferArgumentError('ERR_ARGUMENT', `repeat must be a positive integer, got ${repeat}`);
    this.checkExpparams(eps);
    const { x, nM } = toRowMajor(mps, this.nModelparams);
    const nE = eps.length;
    const res = new Int32Array(repeat * nM * nE);
    // L for all outcomes of each experiment; constant outcomes: one call for all experiments.
    const groups: Array<{ ks: number[]; eps: ExpParams; nO: number }> = [];
    if (this.isNOutcomesConstant) groups.push({ ks: Array.from({ length: nE }, (_, k) => k), eps, nO: this.nOutcomes(eps, 0) });
    else for (let k = 0; k < nE; k++) groups.push({ ks: [k], eps: eps.at(k), nO: this.nOutcomes(eps, k) });
    const Ls = groups.map((g) => {
      const os = Int32Array.from({ length: g.nO }, (_, i) => i);
      const L = new Float64Array(g.nO * nM * g.ks.length);
      this.likelihoodInto(os, x, nM, g.eps, L, 0, nM);
      this._callCount += L.length;
      return L;
    });
    const where = new Int32Array(nE * 2); // group and column of experiment k
    groups.forEach((g, gi) => g.ks.forEach((k, c) => ((where[2 * k] = gi), (where[2 * k + 1] = c))));
    for (let r = 0; r < repeat; r++) {
      for (let j = 0; j < nM; j++) {
        for (let k = 0; k < nE; k++) {
          const gi = where[2 * k]!, c = where[2 * k + 1]!;
          const g = groups[gi]!, L = Ls[gi]!, ne = g.ks.length;
          const u = rng.uniform();
          let cdf = 0, o = 0;
          for (let i = 0; i < g.nO; i++) {
            cdf += L[i * nM * ne + j * ne + c]!;
            if (cdf > u) {
              o = i;
              break;
            }
          }
          res[r * nM * nE + j * nE + k] = o;
        }
      }
    }
    this._simCount += nM * nE * repeat;
    return ndarray(res, [repeat, nM, nE]);
  }

  updateTimestep(mps: ParticlesLike, eps: ExpParams, _rng?: Rng): ndarray.NdArray<Float64Array> {
    const { x, nM, nP } = toRowMajor(mps, this.nModelparams);
    const nE = eps.length;
    const out = new Float64Array(nM * nP * nE);
    for (let j = 0; j < nM; j++) for (let p = 0; p < nP; p++) out.fill(x[j * nP + p]!, (j * nP + p) * nE, (j * nP + p + 1) * nE);
    return ndarray(out, [nM, nP, nE]);
  }

  canonicalize(_x: Float64Array, _nM: number): void {}

  distance(a: ParticlesLike, b: ParticlesLike): Float64Array {
    const A = toRowMajor(a, this.nModelparams), B = toRowMajor(b, this.nModelparams);
    if (A.nM !== B.nM) throw new QinferArgumentError('ERR_SHAPE', `distance needs equal row counts, got ${A.nM} and ${B.nM}`);
    const nP = this.nModelparams, Q = this.Q, out = new Float64Array(A.nM);
    for (let j = 0; j < A.nM; j++) {
      let s = 0;
      for (let p = 0; p < nP; p++) s += Math.abs(Q[p]! * (A.x[j * nP + p]! - B.x[j * nP + p]!));
      out[j] = s;
    }
    return out;
  }

  experimentCost(eps: ExpParams): Float64Array {
    return new Float64Array(eps.length).fill(1);
  }

  clearCache(): void {}
}
