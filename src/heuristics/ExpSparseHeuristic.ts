import { QinferArgumentError } from '../errors/QinferError.js';
import { ExpParams, type ExpRecord } from '../expparams/ExpParams.js';
import type { Updater } from '../smc/Updater.js';
import type { Heuristic } from './Heuristic.js';

/** Options of {@link ExpSparseHeuristic}. */
export interface ExpSparseOptions {
  /** Default 1. */
  scale?: number;
  /** Default 9/8. */
  base?: number;
  /** Field that receives `t` for record experiments; omit for scalar experiments. */
  tField?: string;
  /** Values of the other fields (required with `tField`). */
  otherFields?: Readonly<ExpRecord>;
  /**
   * Round `t` to the nearest integer ≥ 1 (e.g. RB sequence lengths `m`, which must be integers);
   * default false. Not in QInfer, whose uint fields truncate silently.
   */
  integer?: boolean;
}

/**
 * Exponentially sparse times (QInfer's `ExpSparseHeuristic`): after `n` data,
 *
 *   t = scale · base^n.
 *
 * Without `tField` it returns a scalar experiment `[t]`; with it a record with `otherFields`
 * set, then `tField = t`. With `integer`, `t` is `max(1, round(t))` (sequence lengths of
 * randomized benchmarking: `{ tField: 'm', otherFields: {}, integer: true }`).
 *
 * @example
 * ```ts
 * import { ExpSparseHeuristic } from 'qinfer-rx';
 * const h = new ExpSparseHeuristic(updater);  // t = (9/8)^n
 * h.next().values(); // Float64Array [1] before any datum
 * ```
 */
export class ExpSparseHeuristic implements Heuristic {
  readonly scale: number;
  readonly base: number;
  private readonly updater: Pick<Updater, 'model' | 'dataRecord'>;
  private readonly tField: string | undefined;
  private readonly otherFields: Readonly<ExpRecord> | undefined;
  private readonly integer: boolean;

  constructor(updater: Pick<Updater, 'model' | 'dataRecord'>, options: ExpSparseOptions = {}) {
    this.updater = updater;
    this.scale = options.scale ?? 1;
    this.base = options.base ?? 9 / 8;
    if (!Number.isFinite(this.scale) || !Number.isFinite(this.base)) {
      throw new QinferArgumentError('ERR_ARGUMENT', `scale and base must be finite, got ${this.scale}, ${this.base}`);
    }
    this.tField = options.tField;
    this.otherFields = options.otherFields;
    this.integer = options.integer ?? false;
    if (this.tField !== undefined && this.otherFields === undefined) {
      throw new QinferArgumentError('ERR_ARGUMENT', 'ExpSparseHeuristic with tField needs otherFields');
    }
    if (this.tField === undefined && updater.model.expparamsSchema.kind !== 'scalar') {
      throw new QinferArgumentError('ERR_EXPPARAMS_FIELD', `model ${updater.model.name} takes record experiments: give tField and otherFields`);
    }
  }

  next(): ExpParams {
    const raw = this.scale * this.base ** this.updater.dataRecord.length;
    const t = this.integer ? Math.max(1, Math.round(raw)) : raw;
    if (this.tField === undefined) return ExpParams.scalar([t]);
    return ExpParams.records(this.updater.model.expparamsSchema, [{ ...this.otherFields, [this.tField]: t }]);
  }
}
