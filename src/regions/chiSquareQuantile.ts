import { QinferArgumentError } from '../errors/QinferError.js';

/** `ln Γ(k/2)` for a positive integer `k`, from Γ(½) = √π, Γ(1) = 1 and Γ(a + 1) = a Γ(a). */
function lnGammaHalf(k: number): number {
  let a = k % 2 === 0 ? 1 : 0.5, s = k % 2 === 0 ? 0 : 0.5 * Math.log(Math.PI);
  while (a < k / 2) {
    s += Math.log(a);
    a += 1;
  }
  return s;
}

/**
 * The regularized lower incomplete gamma function `P(k/2, x)` for a positive integer `k`: the
 * series `e^{−x} xᵃ Σ xⁿ / Γ(a + n + 1)` for `x < a + 1`, else `1 −` Lentz's continued fraction
 * for `Q` (Numerical Recipes §6.2), to ~1e-15.
 */
function gammaPHalf(k: number, x: number): number {
  if (x <= 0) return 0;
  const a = k / 2, lnPre = -x + a * Math.log(x) - lnGammaHalf(k);
  if (x < a + 1) {
    let term = 1 / a, sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.min(1, sum * Math.exp(lnPre));
  }
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.max(0, 1 - Math.exp(lnPre) * h);
}

/**
 * The χ² cumulative distribution with `k` degrees of freedom, `F(x) = P(k/2, x/2)`.
 *
 * @example
 * ```ts
 * import { chiSquareCdf } from 'qinfer-rx';
 * chiSquareCdf(3.841458820694124, 1); // 0.95
 * ```
 */
export function chiSquareCdf(x: number, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new QinferArgumentError('ERR_ARGUMENT', `degrees of freedom must be a positive integer, got ${k}`);
  return gammaPHalf(k, x / 2);
}

/**
 * The χ² quantile `F⁻¹(p)` with `k` degrees of freedom (scipy's `chi2.ppf(p, k)`, used by the
 * posterior-covariance credible ellipsoid), by bisection on {@link chiSquareCdf} to 1e-15
 * relative. `p` in [0, 1); `p = 0` gives 0.
 *
 * @example
 * ```ts
 * import { chiSquareQuantile } from 'qinfer-rx';
 * chiSquareQuantile(0.95, 2); // 5.991464547107979
 * ```
 */
export function chiSquareQuantile(p: number, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new QinferArgumentError('ERR_ARGUMENT', `degrees of freedom must be a positive integer, got ${k}`);
  if (!(p >= 0 && p < 1)) throw new QinferArgumentError('ERR_ARGUMENT', `p must be in [0, 1), got ${p}`);
  if (p === 0) return 0;
  let lo = 0, hi = Math.max(1, k);
  while (chiSquareCdf(hi, k) < p) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = 0.5 * (lo + hi);
    if (chiSquareCdf(mid, k) < p) lo = mid;
    else hi = mid;
    if (hi - lo <= 1e-15 * hi) break;
  }
  return 0.5 * (lo + hi);
}
