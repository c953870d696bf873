import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import { ExpParams, type ExpRecord } from '../expparams/ExpParams.js';
import type { Rng } from '../rng/Rng.js';
import type { Model } from '../models/Model.js';
import type { Matrix } from '../util/particles.js';
import type { Heuristic } from './Heuristic.js';

/** What PGH needs of an updater: the model and a synchronous draw of particles (`SMCUpdater`). */
export interface SamplingPosterior {
  readonly model: Model;
  /** `n` particles drawn from the current posterior with `rng`, `[n, nModelparams]`. */
  sample(n: number, rng: Rng): Matrix;
}

/** Options of {@link PGH}. */
export interface PGHOptions {
  /** Field receiving `invFunc(x)`; default `'x_'`. Null to omit (e.g. SimplePrecessionModel). */
  invField?: string | null;
  /** Field receiving `tFunc(1 / distance)`; default `'t'`. */
  tField?: string;
  /** Default identity. */
  invFunc?: (x: Float64Array) => number;
  /** Default identity. */
  tFunc?: (t: number) => number;
  /** Draws of two particles before giving up; default 10. */
  maxiters?: number;
  /** Other fields of the experiment record. */
  otherFields?: Readonly<ExpRecord>;
}

/**
 * The particle guess heuristic (Wiebe et al. 2014; QInfer's `PGH`): draw two particles `x, x'`
 * from the posterior and choose
 *
 *   t = tFunc(1 / ‖Q (x − x')‖₁),   x_ = invFunc(x),
 *
 * retrying while the two coincide; after `maxiters` draws it throws `ERR_HEURISTIC`
 * ("PGH did not find distinct particles in N iterations."). A scalar-experiment model gets `t`
 * alone.
 *
 * @example
 * ```ts
 * import { PGH, Rng } from 'qinfer-rx';
 * const h = new PGH(updater, new Rng(1), { invField: 'w_', tField: 't' });
 * h.next().record(0); // { t: …, w_: … }
 * ```
 */
export class PGH implements Heuristic {
  private readonly updater: SamplingPosterior;
  private readonly rng: Rng;
  private readonly invField: string | null;
  private readonly tField: string;
  private readonly invFunc: (x: Float64Array) => number;
  private readonly tFunc: (t: number) => number;
  private readonly maxiters: number;
  private readonly otherFields: Readonly<ExpRecord>;

  constructor(updater: SamplingPosterior, rng: Rng, options: PGHOptions = {}) {
    this.updater = updater;
    this.rng = rng;
    this.invField = options.invField === undefined ? 'x_' : options.invField;
    this.tField = options.tField ?? 't';
    this.invFunc = options.invFunc ?? ((x) => x[0]!);
    this.tFunc = options.tFunc ?? ((t) => t);
    this.maxiters = options.maxiters ?? 10;
    if (!(Number.isInteger(this.maxiters) && this.maxiters >= 1)) throw new QinferArgumentError('ERR_ARGUMENT', `maxiters must be a positive integer`);
    this.otherFields = options.otherFields ?? {};
  }

  /** The experiment for a given pair of particles (the deterministic part of `next`). */
  experimentFor(x: Float64Array, xp: Float64Array): ExpParams {
    const model = this.updater.model;
    const dist = model.distance([Array.from(x)], [Array.from(xp)])[0]!;
    const t = this.tFunc(1 / dist);
    if (model.expparamsSchema.kind === 'scalar') return ExpParams.scalar([t]);
    const rec: ExpRecord = { ...this.otherFields, [this.tField]: t };
    if (this.invField !== null) rec[this.invField] = this.invFunc(x);
    return ExpParams.records(model.expparamsSchema, [rec]);
  }

  next(): ExpParams {
    const model = this.updater.model, d = model.nModelparams;
    for (let i = 0; i < this.maxiters; i++) {
      const s = this.updater.sample(2, this.rng).data;
      const x = s.subarray(0, d), xp = s.subarray(d, 2 * d);
      if (model.distance([Array.from(x)], [Array.from(xp)])[0]! !== 0) return this.experimentFor(x, xp);
    }
    throw new QinferError('ERR_HEURISTIC', `PGH did not find distinct particles in ${this.maxiters} iterations.`, { details: { maxiters: this.maxiters } });
  }
}
