import type { ExpSchema, FieldType } from '../expparams/ExpParams.js';

/** numpy-style type names of a performance record field. */
export type PerfFieldType = 'float64' | 'int64' | 'uint64';

/** One field of a performance record: QInfer's `(name, type, shape)`; `shape` is `[]` for a scalar. */
export interface PerfField {
  readonly name: string;
  readonly type: PerfFieldType;
  readonly shape: readonly number[];
}

/** What fixes the record layout of a performance test: parameter counts and the experiment schema. */
export interface PerfRecordLayout {
  /** Parameters of the estimation model (`est` width). */
  readonly nEst: number;
  /** Parameters of the true model (`true` width). */
  readonly nTrue: number;
  /** The estimation model's experiment schema. */
  readonly expSchema: ExpSchema;
}

const TYPES: Record<FieldType, PerfFieldType> = { float: 'float64', int: 'int64', uint: 'uint64' };

function shapeOf(width: number): number[] {
  return width === 1 ? [] : [width];
}

/**
 * The record dtype of a performance test (QInfer's `actual_dtype(model, true_model)`, `qinfer/perf_testing.py`):
 *
 *   loss f8, resample_count i8, elapsed_time f8, outcome i8, true (f8, nTrue), est (f8, nEst),
 *
 * then `experiment` when the estimation model takes scalar experiments, else every experiment
 * field in schema order. A width of 1 is a scalar field (`shape []`), n ≥ 2 a sub-array `[n]`.
 *
 * @example
 * ```ts
 * import { perfRecordDtype, SCALAR_SCHEMA } from 'qinfer-rx';
 * perfRecordDtype({ nEst: 1, nTrue: 2, expSchema: SCALAR_SCHEMA }).map((f) => f.name);
 * // ['loss', 'resample_count', 'elapsed_time', 'outcome', 'true', 'est', 'experiment']
 * ```
 */
export function perfRecordDtype(layout: PerfRecordLayout): PerfField[] {
  const fields: PerfField[] = [
    { name: 'loss', type: 'float64', shape: [] },
    { name: 'resample_count', type: 'int64', shape: [] },
    { name: 'elapsed_time', type: 'float64', shape: [] },
    { name: 'outcome', type: 'int64', shape: [] },
    { name: 'true', type: 'float64', shape: shapeOf(layout.nTrue) },
    { name: 'est', type: 'float64', shape: shapeOf(layout.nEst) },
  ];
  return fields.concat(experimentFields(layout.expSchema));
}

/**
 * The experiment part of the record dtype: `experiment` for a scalar schema, else the fields.
 *
 * @example
 * ```ts
 * experimentFields(new MultiCosModel().expparamsSchema); // [{ name: 'ts', type: 'float64', shape: [2] }]
 * ```
 */
export function experimentFields(schema: ExpSchema): PerfField[] {
  if (schema.kind === 'scalar') return [{ name: 'experiment', type: 'float64', shape: [] }];
  return schema.fields.map((f) => ({ name: f.name, type: TYPES[f.type], shape: shapeOf(f.shape ?? 1) }));
}

/**
 * The layout of `model` estimated against `trueModel` (default: itself).
 *
 * @example
 * ```ts
 * perfRecordLayout(new SimplePrecessionModel(), new UnknownT2Model()); // { nEst: 1, nTrue: 2, expSchema: { kind: 'scalar' } }
 * ```
 */
export function perfRecordLayout(
  model: { readonly nModelparams: number; readonly expparamsSchema: ExpSchema },
  trueModel: { readonly nModelparams: number } = model,
): PerfRecordLayout {
  return { nEst: model.nModelparams, nTrue: trueModel.nModelparams, expSchema: model.expparamsSchema };
}

/**
 * Bytes of one performance record in a trial result or a `PerformanceTable` row: 8 bytes per
 * value of every field, `8 · (4 + nTrue + nEst + experiment width)`.
 *
 * @example
 * ```ts
 * perfRecordBytes({ nEst: 1, nTrue: 1, expSchema: SCALAR_SCHEMA }); // 56
 * ```
 */
export function perfRecordBytes(layout: PerfRecordLayout): number {
  let values = 0;
  for (const f of perfRecordDtype(layout)) values += f.shape[0] ?? 1;
  return 8 * values;
}
