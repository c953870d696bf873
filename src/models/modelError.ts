import { isQinferError, QinferError } from '../errors/QinferError.js';

/**
 * The error to raise when a model's own code threw — a user kernel (`likelihood`,
 * `likelihoodInto`), `simulateExperiment`, `updateTimestep`: a qinfer-rx error passes unchanged
 * (it already carries its code, e.g. `ERR_OUTCOME` from the model's argument checks); anything
 * else (a `TypeError` in a user model, a thrown string) becomes
 *
 *   QinferError('ERR_MODEL', '<model>.<method> threw: <message>', { cause, details: { model, method } }),
 *
 * the same code on every backend: this thread wraps it here, and a pool worker or cluster engine
 * wraps it the same way before the error crosses to the caller (which adds `details.engine`).
 *
 * @example
 * ```ts
 * try { model.likelihood(outcomes, x, eps, out); } catch (e) { throw modelError(model.name, 'likelihood', e); }
 * // QinferError { code: 'ERR_MODEL', message: "MyModel.likelihood threw: x is not iterable", cause: TypeError }
 * ```
 */
export function modelError(model: string, method: string, e: unknown): Error {
  if (isQinferError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new QinferError('ERR_MODEL', `${model}.${method} threw: ${message}`, { cause: e, details: { model, method } });
}
