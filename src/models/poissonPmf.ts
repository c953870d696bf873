const LN_2PI = 1.8378770664093454836;

/** `x ln(x/λ) + λ − x`, by its series when `x ≈ λ` (Loader 2000). */
function bd0(x: number, lambda: number): number {
  if (Math.abs(x - lambda) < 0.1 * (x + lambda)) {
    let v = (x - lambda) / (x + lambda);
    let s = (x - lambda) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
  }
  return x * Math.log(x / lambda) + lambda - x;
}

const STIRLERR = [
  0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093, 0.016644691189821193,
  0.013876128823070748, 0.01189670994589177, 0.010411265261972096, 0.009255462182712733, 0.00833056343336287,
  0.007573675487951841, 0.00694284010720953, 0.006408994188004207, 0.0059513701127588475, 0.005554733551962801,
];

/** `ln k! − (k + ½) ln k + k − ln √(2π)`. */
function stirlerr(k: number): number {
  if (k <= 15) return STIRLERR[k]!;
  const k2 = k * k;
  if (k > 500) return (1 / 12 - 1 / (360 * k2)) / k;
  if (k > 80) return (1 / 12 - (1 / 360 - 1 / (1260 * k2)) / k2) / k;
  if (k > 35) return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * k2)) / k2) / k2) / k;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * k2)) / k2) / k2) / k2) / k;
}

/**
 * The Poisson probability mass `Pr(K = k) = λᵏ e^{−λ} / k!`, by Loader's saddle-point form
 * (Loader 2000; R's `dpois_raw`):
 *
 *   Pr(k) = exp(−stirlerr(k) − bd0(k, λ)) / √(2π k),   Pr(0) = e^{−λ},
 *
 * which neither overflows nor loses precision to the cancellation in `k ln λ − λ − ln k!` for
 * large `k` and `λ` (relative error ~1e-14; scipy's `poisson.pmf` uses the cancelling log form).
 * `λ = 0` gives 1 at `k = 0` and 0 elsewhere; a non-integer or negative `k` gives 0.
 *
 * @example
 * ```ts
 * import { poissonPmf } from 'qinfer-rx';
 * poissonPmf(3, 2);     // 8 e⁻² / 6 ≈ 0.1804
 * poissonPmf(1000, 1000); // ≈ 0.012614
 * ```
 */
export function poissonPmf(k: number, lambda: number): number {
  if (!Number.isInteger(k) || k < 0) return 0;
  if (lambda === 0) return k === 0 ? 1 : 0;
  if (k === 0) return Math.exp(-lambda);
  return Math.exp(-stirlerr(k) - bd0(k, lambda) - 0.5 * (LN_2PI + Math.log(k)));
}
