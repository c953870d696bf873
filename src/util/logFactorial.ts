const LN_SQRT_2PI = 0.91893853320467274178;
const TABLE_MAX = 170;
let TABLE: Float64Array | undefined;

function table(): Float64Array {
  if (TABLE === undefined) {
    TABLE = new Float64Array(TABLE_MAX + 1);
    let f = 1;
    for (let n = 1; n <= TABLE_MAX; n++) {
      f *= n; // exact up to 22!, then within n ulps
      TABLE[n] = Math.log(f);
    }
  }
  return TABLE;
}

/**
 * `ln n!` for a non-negative integer `n`: `ln` of the float64 factorial for `n ≤ 170` (exact
 * products up to 22!, a few ulps above), Stirling's series
 * `(n + ½) ln n − n + ln √(2π) + 1/(12n) − 1/(360n³) + 1/(1260n⁵)` above (error < 1e-16 relative
 * there). Used by the multinomial and Poisson likelihoods.
 *
 * @example
 * ```ts
 * import { logFactorial } from 'qinfer-rx';
 * logFactorial(10); // ln 3628800 ≈ 15.1044
 * ```
 */
export function logFactorial(n: number): number {
  if (n <= TABLE_MAX) return table()[n]!;
  const n2 = n * n;
  return (n + 0.5) * Math.log(n) - n + LN_SQRT_2PI + (1 / 12 - (1 / 360 - 1 / (1260 * n2)) / n2) / n;
}
