import { ExpParams, type ExpSchema } from '../../src/expparams/ExpParams.js';

/** A fixture record array `{ dtype: [[name, type], …], records: [[…], …] }` as experiments of `schema` (bools become 0/1). */
export function fixtureExpParams(schema: ExpSchema, rec: { dtype: string[][]; records: unknown[][] }): ExpParams {
  const names = rec.dtype.map((f) => f[0]!);
  return ExpParams.records(
    schema,
    rec.records.map((r) => Object.fromEntries(names.map((n, i) => [n, typeof r[i] === 'boolean' ? (r[i] ? 1 : 0) : (r[i] as number)]))),
  );
}
