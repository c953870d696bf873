/**
 * Where an updater keeps the arrays proportional to its particle count (locations, weights, the
 * likelihood buffer, the resampler's new cloud): `(n) => Float64Array` of length `n`,
 * zero-filled. The default is the heap; a worker pool's `sharedFloat64` (`qinfer-rx/pool`) puts
 * them in `SharedArrayBuffer`s, so a pooled likelihood reads the particles and writes its
 * result in place — nothing is copied per datum.
 *
 * @example
 * ```ts
 * import { sharedFloat64 } from 'qinfer-rx/pool';
 * const up = new SMCUpdater(model, 100_000, prior, { allocate: sharedFloat64 });
 * ```
 */
export type Float64Allocator = (n: number) => Float64Array;

/**
 * The default {@link Float64Allocator}: `new Float64Array(n)` on the heap.
 *
 * @example
 * ```ts
 * heapFloat64(3); // Float64Array [0, 0, 0]
 * ```
 */
export const heapFloat64: Float64Allocator = (n) => new Float64Array(n);
