import { QinferArgumentError } from '../errors/QinferError.js';

/** The type of one experiment field (QInfer's numpy dtypes). All are stored as float64. */
export type FieldType = 'float' | 'int' | 'uint';

/** One named experiment field; `shape` > 1 makes it a vector field (MultiCos `ts` has 2). */
export interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** Number of components; 1 (the default) is a scalar field. */
  readonly shape?: number;
}

/**
 * The schema of a model's experiment parameters (QInfer's `expparams_dtype`): either a plain
 * scalar (`'float'`, e.g. the evolution time of SimplePrecessionModel) or named fields.
 */
export type ExpSchema = { readonly kind: 'scalar' } | { readonly kind: 'record'; readonly fields: readonly FieldSpec[] };

/** The scalar schema. */
export const SCALAR_SCHEMA: ExpSchema = Object.freeze({ kind: 'scalar' as const });

/** Makes a record schema from field specs. */
export function recordSchema(...fields: FieldSpec[]): ExpSchema {
  return Object.freeze({ kind: 'record' as const, fields: Object.freeze(fields.map((f) => Object.freeze({ ...f }))) });
}

/** The key under which a scalar schema stores its column. */
export const SCALAR_KEY = 'value';

/** A JSON/structured-clone form of {@link ExpParams}, for crossing thread and machine boundaries. */
export interface ExpParamsData {
  readonly schema: ExpSchema;
  readonly length: number;
  readonly columns: Readonly<Record<string, Float64Array | number[]>>;
}

/** One experiment as a plain record: scalar fields are numbers, vector fields arrays. */
export type ExpRecord = Record<string, number | number[]>;

function fieldWidth(f: FieldSpec): number {
  return f.shape ?? 1;
}

/**
 * Experiment parameters of `length` experiments, stored columnar: one `Float64Array` per field
 * (a vector field of width `k` stores `length × k` values row-major). Columns are typed arrays so
 * they cross to workers and GPUs without conversion; `at(i)` and `slice()` are zero-copy views.
 *
 * @example
 * ```ts
 * import { ExpParams, recordSchema } from 'qinfer-rx';
 * const ts = ExpParams.scalar([1, 2, 4]);              // SimplePrecessionModel times
 * const inv = ExpParams.records(
 *   recordSchema({ name: 't', type: 'float' }, { name: 'w_', type: 'float' }),
 *   [{ t: 1, w_: 0.5 }]);                              // SimpleInversionModel
 * inv.field('w_'); // Float64Array [0.5]
 * ```
 */
export class ExpParams {
  readonly schema: ExpSchema;
  readonly length: number;
  private readonly cols: ReadonlyMap<string, Float64Array>;

  private constructor(schema: ExpSchema, length: number, cols: Map<string, Float64Array>) {
    this.schema = schema;
    this.length = length;
    this.cols = cols;
  }

  /** Scalar experiments (QInfer's plain float dtype), e.g. evolution times. */
  static scalar(values: ArrayLike<number> | number): ExpParams {
    const col = typeof values === 'number' ? Float64Array.of(values) : Float64Array.from(values);
    return new ExpParams(SCALAR_SCHEMA, col.length, new Map([[SCALAR_KEY, col]]));
  }

  /** Wraps existing columns (no copy when they are already `Float64Array`s). */
  static fromColumns(schema: ExpSchema, columns: Readonly<Record<string, ArrayLike<number>>>, length?: number): ExpParams {
    const cols = new Map<string, Float64Array>();
    const specs: readonly FieldSpec[] =
      schema.kind === 'scalar' ? [{ name: SCALAR_KEY, type: 'float' }] : schema.fields;
    let n = length;
    for (const f of specs) {
      const raw = columns[f.name];
      if (raw === undefined) {
        throw new QinferArgumentError('ERR_EXPPARAMS_FIELD', `experiment field '${f.name}' is missing`, {
          details: { field: f.name },
        });
      }
      const col = raw instanceof Float64Array ? raw : Float64Array.from(raw);
      const w = fieldWidth(f);
      const len = col.length / w;
      if (!Number.isInteger(len) || (n !== undefined && len !== n)) {
        throw new QinferArgumentError(
          'ERR_SHAPE',
          `experiment field '${f.name}' has ${col.length} values, expected ${n === undefined ? 'a multiple of ' + w : n * w}`,
        );
      }
      n = len;
      cols.set(f.name, col);
    }
    return new ExpParams(schema, n ?? 0, cols);
  }

  /** Experiments from plain records; every field of the schema must be present in each. */
  static records(schema: ExpSchema, records: readonly ExpRecord[]): ExpParams {
    if (schema.kind === 'scalar') {
      return ExpParams.scalar(records.map((r) => scalarOf(r[SCALAR_KEY], SCALAR_KEY)));
    }
    const cols: Record<string, Float64Array> = {};
    for (const f of schema.fields) {
      const w = fieldWidth(f);
      const col = new Float64Array(records.length * w);
      records.forEach((r, i) => {
        const v = r[f.name];
        if (v === undefined) {
          throw new QinferArgumentError('ERR_EXPPARAMS_FIELD', `experiment ${i} has no field '${f.name}'`, {
            details: { field: f.name, index: i },
          });
        }
        if (w === 1) col[i] = scalarOf(v, f.name);
        else {
          if (!Array.isArray(v) || v.length !== w) {
            throw new QinferArgumentError('ERR_SHAPE', `field '${f.name}' needs ${w} values per experiment`);
          }
          for (let j = 0; j < w; j++) col[i * w + j] = v[j]!;
        }
      });
      cols[f.name] = col;
    }
    return ExpParams.fromColumns(schema, cols, records.length);
  }

  /** Rebuilds experiments sent across a thread or machine boundary. */
  static fromData(data: ExpParamsData): ExpParams {
    return ExpParams.fromColumns(data.schema, data.columns, data.length);
  }

  /** True for QInfer's scalar (plain float) dtype. */
  get isScalar(): boolean {
    return this.schema.kind === 'scalar';
  }

  /** The field names in schema order (`['value']` for the scalar schema). */
  get fieldNames(): string[] {
    return [...this.cols.keys()];
  }

  /** True when the experiments have a field of this name. */
  hasField(name: string): boolean {
    return this.cols.has(name);
  }

  /** The values of a scalar schema. */
  values(): Float64Array {
    return this.field(SCALAR_KEY);
  }

  /**
   * The column of a field (a view, not a copy). Throws `ERR_EXPPARAMS_FIELD` when missing.
   */
  field(name: string): Float64Array {
    const c = this.cols.get(name);
    if (c === undefined) {
      throw new QinferArgumentError(
        'ERR_EXPPARAMS_FIELD',
        `experiments have no field '${name}' (fields: ${this.fieldNames.join(', ') || 'none'})`,
        { details: { field: name } },
      );
    }
    return c;
  }

  /** Width of a field (1 for scalar fields). */
  width(name: string): number {
    if (this.schema.kind === 'scalar') return 1;
    const f = this.schema.fields.find((x) => x.name === name);
    return f === undefined ? 1 : fieldWidth(f);
  }

  /** Experiments `start..end` as a zero-copy view. */
  slice(start: number, end: number = this.length): ExpParams {
    const cols = new Map<string, Float64Array>();
    for (const [k, c] of this.cols) {
      const w = this.width(k);
      cols.set(k, c.subarray(start * w, end * w));
    }
    return new ExpParams(this.schema, Math.max(0, end - start), cols);
  }

  /** Experiment `i` alone (a zero-copy view of length 1). */
  at(i: number): ExpParams {
    if (!(Number.isInteger(i) && i >= 0 && i < this.length)) {
      throw new QinferArgumentError('ERR_SHAPE', `experiment index ${i} outside [0, ${this.length})`);
    }
    return this.slice(i, i + 1);
  }

  /** Experiment `i` as a plain record. */
  record(i: number): ExpRecord {
    const r: ExpRecord = {};
    for (const [k, c] of this.cols) {
      const w = this.width(k);
      r[k] = w === 1 ? c[i]! : Array.from(c.subarray(i * w, (i + 1) * w));
    }
    return r;
  }

  /** All experiments as plain records. */
  toRecords(): ExpRecord[] {
    return Array.from({ length: this.length }, (_, i) => this.record(i));
  }

  /** A structured-clone/JSON-able form; columns are copied so views of big buffers stay small. */
  toData(): ExpParamsData {
    const columns: Record<string, Float64Array> = {};
    for (const [k, c] of this.cols) columns[k] = c.slice();
    return { schema: this.schema, length: this.length, columns };
  }

  /** A deep copy. */
  clone(): ExpParams {
    return ExpParams.fromData(this.toData());
  }
}

function scalarOf(v: number | number[] | undefined, name: string): number {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length === 1) return v[0]!;
  throw new QinferArgumentError('ERR_EXPPARAMS_FIELD', `field '${name}' must be a number`);
}
