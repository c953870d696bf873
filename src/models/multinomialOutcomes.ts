import { QinferArgumentError } from '../errors/QinferError.js';

/**
 * The number of outcomes of `n` draws from `k` categories: the compositions of `n` into `k`
 * non-negative parts, `C(n + k − 1, k − 1)` (QInfer's `MultinomialModel.n_outcomes`). Exact while
 * below 2^53; `ERR_ARGUMENT` above.
 *
 * @example
 * ```ts
 * import { multinomialOutcomeCount } from 'qinfer-rx';
 * multinomialOutcomeCount(2, 3); // 6
 * ```
 */
export function multinomialOutcomeCount(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i < k; i++) {
    c = (c * (n + i)) / i; // C(n + i, i), an integer at every step
    if (c > Number.MAX_SAFE_INTEGER) throw new QinferArgumentError('ERR_ARGUMENT', `C(${n + k - 1}, ${k - 1}) outcomes exceed 2^53`);
  }
  return Math.round(c);
}

/**
 * The index of the count vector `counts` (Σ = n) among all outcomes of `n` draws from
 * `counts.length` categories, in QInfer's order (`MultinomialDomain.values`: the multisets of
 * `combinations_with_replacement(range(k), n)` in lexicographic order, so `[n, 0, …]` is 0 and
 * `[…, 0, n]` the last). Inverse of {@link multinomialCounts}.
 *
 * The rank: outcomes with at least one draw in category 0 come first
 * (`C(n − 1 + k − 1, k − 1)` of them, recursively with one fewer draw), then those with none
 * (recursively over the remaining `k − 1` categories).
 *
 * @example
 * ```ts
 * import { multinomialIndex } from 'qinfer-rx';
 * multinomialIndex([1, 1, 0]); // 1   (order: 200, 110, 101, 020, 011, 002)
 * ```
 */
export function multinomialIndex(counts: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i]!;
  let idx = 0, k = counts.length;
  for (let c = 0; c < counts.length - 1 && n > 0; c++, k--) {
    const kc = counts[c]!;
    // skip the outcomes that put 1 … kc draws into category c first: for each draw taken from c,
    // nothing is skipped; when c is exhausted, all outcomes with a further draw in c are skipped.
    n -= kc;
    idx += n === 0 ? 0 : multinomialOutcomeCount(n - 1, k);
  }
  return idx;
}

/**
 * The count vector (length `k`, summing to `n`) of outcome `index` in QInfer's order (see
 * {@link multinomialIndex}); `out` is filled when given.
 *
 * @example
 * ```ts
 * import { multinomialCounts } from 'qinfer-rx';
 * Array.from(multinomialCounts(4, 2, 3)); // [0, 1, 1]
 * ```
 */
export function multinomialCounts(index: number, n: number, k: number, out: Int32Array = new Int32Array(k)): Int32Array {
  out.fill(0);
  let rem = n, i = index;
  for (let c = 0; c < k - 1 && rem > 0; c++) {
    // outcomes with another draw in c: C(rem − 1 + (k − c) − 1, k − c − 1)
    for (;;) {
      if (rem === 0) break;
      const withDraw = multinomialOutcomeCount(rem - 1, k - c);
      if (i < withDraw) {
        out[c] = out[c]! + 1;
        rem--;
      } else {
        i -= withDraw;
        break;
      }
    }
  }
  out[k - 1] = out[k - 1]! + rem;
  return out;
}
