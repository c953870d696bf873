import { isQinferError, QinferError } from './QinferError.js';

/**
 * The error a cancelled trial rejects with: the signal's reason when it already is an
 * `ERR_ABORTED` error, else a new `QinferError('ERR_ABORTED')` whose cause is the reason.
 *
 * @example
 * ```ts
 * if (signal.aborted) throw abortError(signal);
 * ```
 */
export function abortError(signal: AbortSignal, what = 'the trial was cancelled'): QinferError {
  const r: unknown = signal.reason;
  if (r instanceof QinferError && isQinferError(r, 'ERR_ABORTED')) return r;
  return new QinferError('ERR_ABORTED', what, r === undefined ? {} : { cause: r });
}
