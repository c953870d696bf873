import { ExpParams, SCALAR_KEY, recordSchema, SCALAR_SCHEMA, type ExpParamsData, type ExpSchema, type FieldSpec } from '../expparams/ExpParams.js';
import { isQinferError } from '../errors/QinferError.js';
import { float64FromBase64, toBase64 } from './binaryCodec.js';
import { payloadError, requireInt, requireObject } from './payloadGuards.js';

/** Experiments on the wire: the schema, the count and one base64 column per field. */
export interface WireExpParams {
  readonly schema: ExpSchema;
  readonly length: number;
  readonly columns: Readonly<Record<string, string>>;
}

const FIELD_TYPES = new Set(['float', 'int', 'uint']);

/**
 * Encodes experiments (or their `toData()` form) for a job or a result: columns become base64
 * of little-endian float64, bit-exact.
 *
 * @example
 * ```ts
 * import { ExpParams } from 'qinfer-rx';
 * import { encodeExpParams, decodeExpParams } from 'qinfer-rx/cluster';
 * decodeExpParams(encodeExpParams(ExpParams.scalar([1, 2]).toData())).values(); // [1, 2]
 * ```
 */
export function encodeExpParams(data: ExpParamsData): WireExpParams {
  const columns: Record<string, string> = {};
  for (const [k, c] of Object.entries(data.columns)) columns[k] = toBase64(c instanceof Float64Array ? c : Float64Array.from(c));
  return { schema: data.schema, length: data.length, columns };
}

function decodeSchema(v: unknown): ExpSchema {
  const o = requireObject(v, 'experiments.schema');
  if (o['kind'] === 'scalar') return SCALAR_SCHEMA;
  if (o['kind'] !== 'record' || !Array.isArray(o['fields']) || o['fields'].length === 0 || o['fields'].length > 256) {
    throw payloadError("experiments.schema must be { kind: 'scalar' } or { kind: 'record', fields: [...] }");
  }
  const fields: FieldSpec[] = o['fields'].map((f, i) => {
    const fo = requireObject(f, `experiments.schema.fields[${i}]`);
    const name = fo['name'];
    if (typeof name !== 'string' || name.length === 0 || name.length > 200) throw payloadError(`experiments field ${i} needs a name`);
    if (typeof fo['type'] !== 'string' || !FIELD_TYPES.has(fo['type'])) throw payloadError(`experiments field '${name}' has an unknown type`);
    const shape = fo['shape'] === undefined ? 1 : requireInt(fo['shape'], `experiments field '${name}' shape`, 1, 1 << 16);
    return { name, type: fo['type'] as FieldSpec['type'], shape };
  });
  return recordSchema(...fields);
}

/** Rebuilds experiments from {@link encodeExpParams} output; `ERR_PAYLOAD` when malformed. */
export function decodeExpParams(v: unknown): ExpParams {
  const o = requireObject(v, 'experiments');
  const schema = decodeSchema(o['schema']);
  const length = requireInt(o['length'], 'experiments.length', 0, 1 << 26);
  const cols = requireObject(o['columns'], 'experiments.columns');
  const names = schema.kind === 'scalar' ? [SCALAR_KEY] : schema.fields.map((f) => f.name);
  const columns: Record<string, Float64Array> = {};
  for (const n of names) columns[n] = float64FromBase64(cols[n], `experiments.columns.${n}`);
  try {
    return ExpParams.fromData({ schema, length, columns });
  } catch (e) {
    if (isQinferError(e)) throw payloadError(`experiments: ${(e as Error).message}`);
    throw e;
  }
}
