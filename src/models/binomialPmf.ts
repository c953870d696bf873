/**
 * The binomial probability mass function, computed stably for any number of trials.
 *
 * - `n ≤ 50`: the direct product `C(n, k) · p^k · q^(n−k)` with `C(n, k)` exact (Pascal's triangle
 *   in float64 is exact while `C(n, k) < 2^53`); for `n = 1` this returns `q` and `p` bit for bit.
 * - `n > 50`: Catherine Loader's saddle-point form (Loader 2000, "Fast and accurate computation of
 *   binomial probabilities", as in R's `dbinom_raw`), which works in log space with the deviance
 *   `bd0` and Stirling's error term `stirlerr`, so it neither overflows (`C(n, k)` can exceed
 *   1e308) nor underflows in intermediates; relative error ~1e-14.
 *
 * `q` is `1 − p`, passed separately so that a caller holding both probabilities (a two-outcome
 * model's `L(0)` and `L(1)`) loses no precision when `p` is close to 1.
 *
 * @param k - number of successes (0 for any `k` outside `0 … n` or not an integer)
 * @param n - number of trials, a non-negative integer
 * @param p - success probability
 * @param q - failure probability, default `1 − p`
 * @returns `Pr(K = k)` for `K ~ Binom(n, p)`
 *
 * @example
 * ```ts
 * import { binomialPmf } from 'qinfer-rx';
 * binomialPmf(2, 4, 0.5);   // 0.375
 * binomialPmf(500, 1000, 0.5); // ≈ 0.02522
 * ```
 */
export function binomialPmf(k: number, n: number, p: number, q: number = 1 - p): number {
  if (!Number.isInteger(k) || k < 0 || k > n) return 0;
  if (n <= EXACT_MAX_N) return pascalRow(n)[k]! * Math.pow(p, k) * Math.pow(q, n - k);
  return loaderPmf(k, n, p, q);
}

/** Largest `n` for which `C(n, k)` is an exact float64 for every k (C(50, 25) ≈ 1.26e14 < 2^53). */
const EXACT_MAX_N = 50;
const PASCAL: Float64Array[] = [Float64Array.of(1)];

function pascalRow(n: number): Float64Array {
  for (let m = PASCAL.length; m <= n; m++) {
    const prev = PASCAL[m - 1]!, row = new Float64Array(m + 1);
    row[0] = 1;
    row[m] = 1;
    for (let i = 1; i < m; i++) row[i] = prev[i - 1]! + prev[i]!;
    PASCAL.push(row);
  }
  return PASCAL[n]!;
}

const LN_2PI = 1.8378770664093454836;

function loaderPmf(x: number, n: number, p: number, q: number): number {
  if (p === 0) return x === 0 ? 1 : 0;
  if (q === 0) return x === n ? 1 : 0;
  if (x === 0) return Math.exp(p < 0.1 ? -bd0(n, n * q) - n * p : n * Math.log(q));
  if (x === n) return Math.exp(q < 0.1 ? -bd0(n, n * p) - n * q : n * Math.log(p));
  const lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
  const lf = LN_2PI + Math.log(x) + Math.log1p(-x / n);
  return Math.exp(lc - 0.5 * lf);
}

/** `x ln(x/np) + np − x`, the deviance term, computed by a series when `x ≈ np`. */
function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    if (Math.abs(s) < Number.MIN_VALUE) return s;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
  }
  return x * Math.log(x / np) + np - x;
}

/** `ln n! − (n + ½) ln n + n − ln √(2π)` for integers `n ≥ 1`: exact table up to 15, series above. */
const STIRLERR = [
  0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093, 0.016644691189821193,
  0.013876128823070748, 0.01189670994589177, 0.010411265261972096, 0.009255462182712733, 0.00833056343336287,
  0.007573675487951841, 0.00694284010720953, 0.006408994188004207, 0.0059513701127588475, 0.005554733551962801,
];
const S0 = 1 / 12, S1 = 1 / 360, S2 = 1 / 1260, S3 = 1 / 1680, S4 = 1 / 1188;

function stirlerr(n: number): number {
  if (n <= 15) return STIRLERR[n]!;
  const nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}
