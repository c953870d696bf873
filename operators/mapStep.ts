import { concatMap, from, of, type OperatorFunction } from 'rxjs';
import { isPromiseLike, type MaybePromise } from '../src/util/maybePromise.js';

/**
 * `map` for a stage whose work may be asynchronous (a GPU-resident updater): a value is emitted
 * at once, synchronously, as `map` would; a Promise is awaited, one step at a time in order
 * (`concatMap`), so the updater is never touched by two steps at once. A throw or a rejection
 * errors the stream.
 *
 * @example
 * ```ts
 * steps$.pipe(mapStep((s) => thenMaybe(s.updater.update(s.outcome!, s.expparams!, false), (r) => ({ ...s, skipped: !r.accepted }))))
 * ```
 */
export function mapStep<T, R>(project: (value: T) => MaybePromise<R>): OperatorFunction<T, R> {
  return concatMap((value: T) => {
    const r = project(value);
    return isPromiseLike(r) ? from(r) : of(r);
  });
}
