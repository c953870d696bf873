/**
 * The powers of ten that span the positive, finite `values` (from the decade at or below the
 * smallest to the decade at or above the largest; at least two), as tick values of a log axis.
 * An empty list when there is no positive finite value.
 *
 * @example
 * ```ts
 * decadeTicks([3e-6, 0.02]); // [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]
 * ```
 */
export function decadeTicks(values: Iterable<number>): number[] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (v > 0 && Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return [];
  const a = Math.floor(Math.log10(lo) + 1e-12), b = Math.max(a + 1, Math.ceil(Math.log10(hi) - 1e-12));
  return Array.from({ length: b - a + 1 }, (_, i) => Number(`1e${a + i}`));
}

const DIGITS = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

/**
 * A vega expression labelling a power-of-ten tick `datum.value` as `10ⁿ` with Unicode
 * superscripts (`10⁻⁶`), for `axis.labelExpr` of a log scale.
 *
 * @example
 * ```ts
 * const y = { field: 'risk', type: 'quantitative', scale: { type: 'log' }, axis: { values: decadeTicks(risk), labelExpr: POW10_LABEL_EXPR } };
 * ```
 */
export const POW10_LABEL_EXPR: string = DIGITS.reduce(
  (expr, sup, d) => `replace(${expr}, regexp('${d}', 'g'), '${sup}')`,
  "replace(format(round(log(datum.value) / LN10), 'd'), regexp('[-−]', 'g'), '⁻')",
).replace(/^/, "'10' + ");
