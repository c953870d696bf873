import type { Chunk } from '../backends/EngineView.js';
import { QinferArgumentError } from '../errors/QinferError.js';

/**
 * Splits the rows `0..n` into `k` contiguous chunks the way numpy's `array_split` does (QInfer's
 * `DirectViewParallelizedModel` splits particles this way): the first `n mod k` chunks hold
 * `⌊n/k⌋ + 1` rows, the others `⌊n/k⌋`; chunks are EMPTY (`start === end`) when `n < k`.
 *
 *   chunk c = [c·q + min(c, r), (c+1)·q + min(c+1, r)),  q = ⌊n/k⌋, r = n mod k.
 *
 * @example
 * ```ts
 * import { arraySplit } from 'qinfer-rx/pool';
 * arraySplit(10, 3); // [[0, 4], [4, 7], [7, 10]]  (sizes 4, 3, 3)
 * arraySplit(2, 3);  // [[0, 1], [1, 2], [2, 2]]   (sizes 1, 1, 0)
 * ```
 */
export function arraySplit(n: number, k: number): Chunk[] {
  if (!Number.isSafeInteger(n) || n < 0) throw new QinferArgumentError('ERR_ARGUMENT', `arraySplit needs a row count n >= 0, got ${n}`);
  if (!Number.isSafeInteger(k) || k < 1) throw new QinferArgumentError('ERR_ARGUMENT', `arraySplit needs k >= 1 chunks, got ${k}`);
  const q = Math.floor(n / k), r = n % k;
  const chunks: Chunk[] = [];
  for (let c = 0; c < k; c++) chunks.push([c * q + Math.min(c, r), (c + 1) * q + Math.min(c + 1, r)]);
  return chunks;
}
