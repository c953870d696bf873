/** π split into 21 + 21 + 53 bits (Cody & Waite): `k · PI_A` and `k · PI_B` are exact for |k| < 2^32. */
const PI_A = 3.141592025756836;
const PI_B = 6.278328328335192e-7;
const PI_C = 1.2446744343793227e-13;
const INV_PI = 0.3183098861837907;
/**
 * Beyond this |y| the reduction is no longer exact (k = round(y/π) must stay below 2^32 for
 * k·PI_A and k·PI_B to be exact: |y| < 2^32·π ≈ 1.349e10): fall back to `Math.cos`.
 */
const LIMIT = 1.3e10;
/**
 * cos(r) ≈ Σ Cₙ zⁿ, z = r², on [0, (π/2)²]: the minimax polynomial of degree 8 for the absolute
 * error with C0 = 1 and C1 = −½ held exact, the others found one at a time as doubles (Remez,
 * each coefficient rounded and the rest re-fitted; scripts/wasm/cosMinimax.py). Its own error,
 * in exact arithmetic, is below 5.8e-18 (the degree-20 Taylor series it replaces: 2e-17).
 */
const C0 = 1, C1 = -0.5, C2 = 0.04166666666666583, C3 = -0.0013888888888829974, C4 = 2.480158728576697e-5;
const C5 = -2.755731706665872e-7, C6 = 2.087659248648019e-9, C7 = -1.1463632383253985e-11, C8 = 4.616100110845603e-14;

/**
 * `cos²(y)`, about 3× faster than `Math.cos(y) ** 2` (6.5 against 21 ns per value on the
 * development machine) with the same accuracy for |y| < 1.3e10 (absolute error < 5e-16 against
 * `Math.cos`; see test/cosSquared.test.ts). cos² has period π, so
 *
 *   k = round(y / π),  r = ((y − k·π_A) − k·π_B) − k·π_C ∈ [−π/2, π/2],  cos²(y) = c(r)²,
 *
 * with Cody–Waite reduction (π split so that each product is exact) and `c` a minimax polynomial
 * of degree 8 in r² (error < 6e-18 on [−π/2, π/2] before rounding) by Estrin's scheme; measured
 * against cos in 40-digit arithmetic, |c − cos r| ≤ 1.8e-16 and cos² within 5.5 ulp wherever
 * cos² ≥ 1/16 (test/cosSquared.test.ts). Larger |y| (where a float64 `y` no longer resolves the
 * phase to 1e-6 anyway) use `Math.cos`.
 *
 * @example
 * ```ts
 * cosSquared(0.25); // 0.9387912809451864 = Math.cos(0.25) ** 2 (to an ulp)
 * ```
 */
export function cosSquared(y: number): number {
  if (!(Math.abs(y) < LIMIT)) {
    const c = Math.cos(y);
    return c * c;
  }
  const k = Math.floor(y * INV_PI + 0.5); // Math.floor: ~2× faster than Math.round in V8 here
  const r = y - k * PI_A - k * PI_B - k * PI_C;
  // Estrin's scheme: a shallow dependency chain, so iterations overlap in the CPU
  const z = r * r, z2 = z * z, z4 = z2 * z2;
  const q03 = C0 + C1 * z + (C2 + C3 * z) * z2;
  const q47 = C4 + C5 * z + (C6 + C7 * z) * z2;
  const c = q03 + (q47 + C8 * z4) * z4;
  return c * c;
}
