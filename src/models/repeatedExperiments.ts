import { QinferArgumentError } from '../errors/QinferError.js';
import { ExpParams, SCALAR_SCHEMA, recordSchema, type ExpSchema, type FieldSpec } from '../expparams/ExpParams.js';
import type { Model } from './Model.js';

/**
 * The experiments of a model that repeats another model's experiment `n_meas` times (QInfer's
 * `BinomialModel` and `MultinomialModel`): the underlying fields plus `n_meas` (uint); a scalar
 * underlying schema becomes a field named `x`.
 *
 * @example
 * ```ts
 * const r = repeatedExperiments(new SimplePrecessionModel(), 'BinomialModel');
 * r.schema; // record { x: float, n_meas: uint }
 * r.underlying(eps); // the x column as scalar experiments (a view)
 * ```
 */
export function repeatedExperiments(
  underlyingModel: Model,
  what: string,
): { schema: ExpSchema; underlying(eps: ExpParams): ExpParams; checkNMeas(eps: ExpParams): Float64Array } {
  const us = underlyingModel.expparamsSchema;
  const scalar = us.kind === 'scalar';
  const fields: FieldSpec[] = scalar ? [{ name: 'x', type: 'float' }] : [...us.fields];
  if (fields.some((f) => f.name === 'n_meas')) {
    throw new QinferArgumentError('ERR_ARGUMENT', `${what}: ${underlyingModel.name} already has an experiment field 'n_meas'`);
  }
  return {
    schema: recordSchema(...fields, { name: 'n_meas', type: 'uint' }),
    underlying: (eps) => (scalar ? ExpParams.fromColumns(SCALAR_SCHEMA, { value: eps.field('x') }, eps.length) : eps),
    checkNMeas(eps) {
      const nMeas = eps.field('n_meas');
      for (let k = 0; k < nMeas.length; k++) {
        const n = nMeas[k]!;
        if (!Number.isInteger(n) || n < 0) {
          throw new QinferArgumentError('ERR_EXPPARAMS_FIELD', `n_meas of experiment ${k} must be a non-negative integer, got ${n}`, {
            details: { field: 'n_meas', index: k },
          });
        }
      }
      return nMeas;
    },
  };
}
