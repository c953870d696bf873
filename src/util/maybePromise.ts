/** A value, or a Promise of it: what an updater returns (synchronous host or asynchronous device). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * True when `x` is a thenable (a Promise or anything with a `then` method).
 *
 * @example
 * ```ts
 * isPromiseLike(Promise.resolve(1)); // true
 * isPromiseLike(1);                  // false
 * ```
 */
export function isPromiseLike<T>(x: MaybePromise<T> | PromiseLike<T>): x is Promise<T> {
  return x !== null && (typeof x === 'object' || typeof x === 'function') && typeof (x as { then?: unknown }).then === 'function';
}

/**
 * `f(x)` now when `x` is a value, `x.then(f)` when it is a Promise: composes steps over
 * synchronous and asynchronous updaters without making the synchronous path asynchronous (a
 * synchronous throw stays a synchronous throw).
 *
 * @example
 * ```ts
 * thenMaybe(2, (v) => v + 1);                  // 3
 * thenMaybe(Promise.resolve(2), (v) => v + 1); // Promise resolving to 3
 * ```
 */
export function thenMaybe<T, R>(x: MaybePromise<T>, f: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromiseLike(x) ? x.then(f) : f(x);
}
