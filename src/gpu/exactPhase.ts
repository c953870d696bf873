/**
 * Exact phases on the host, for the phase-exact GPU kernels (docs/gpu.md, "Phase-exact
 * kernels"): the reference part `r · t` of a phase is reduced modulo π here, in float64 with
 * error-free transformations, so that the device only ever adds a small float32 offset phase.
 * Pure arithmetic (no Node API, no RxJS).
 */

/** π as four doubles (QD library's constant): `π = PI1 + PI2 + PI3 + PI4` to ~2⁻²¹². */
const PI1 = 3.141592653589793116;
const PI2 = 1.224646799147353207e-16;
const PI3 = -2.994769809718339666e-33;
const PI4 = 1.112454220863365282e-49;
const HALF_PI = PI1 / 2;
/** Veltkamp's splitter for doubles: 2²⁷ + 1. */
const SPLITTER = 134217729;
/** Largest |y| of the double-double path: k = round(y/π) < 2⁵⁰, so each k·PIᵢ is a TwoProduct. */
const FAST_LIMIT = 2 ** 51;

/**
 * Error-free product: `[p, e]` with `p = fl(a·b)` and `a·b = p + e` exactly (Dekker's algorithm
 * with Veltkamp splitting; valid while `|a|, |b| < 2⁹⁹⁶` and nothing underflows).
 *
 * @example
 * ```ts
 * const [p, e] = twoProduct(0.1, 3); // p + e equals 0.1·3 exactly
 * ```
 */
export function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  let c = SPLITTER * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b), bl = b - bh;
  return [p, ((ah * bh - p) + ah * bl + al * bh) + al * bl];
}

/**
 * Error-free sum: `[s, e]` with `s = fl(a + b)` and `a + b = s + e` exactly (Knuth's TwoSum).
 *
 * @example
 * ```ts
 * twoSum(1, 2 ** -60); // [1, 2 ** -60]
 * ```
 */
export function twoSum(a: number, b: number): [number, number] {
  const s = a + b;
  const bb = s - a;
  return [s, (a - (s - bb)) + (b - bb)];
}

// ---- slow path: Payne–Hanek with BigInt, for |y| ≥ 2⁵¹ ------------------------------------

/** Fraction bits of 1/π kept: enough for any finite double (2¹⁰²⁴ · 2⁻¹²⁸⁰ ≪ 2⁻⁵³). */
const INV_PI_BITS = 1280n;
let invPiFixed: bigint | undefined;

/** `floor(2^INV_PI_BITS / π)`, from Machin's formula `π = 16 atan(1/5) − 4 atan(1/239)` (once). */
function invPi(): bigint {
  if (invPiFixed !== undefined) return invPiFixed;
  const P = INV_PI_BITS + 64n;
  const one = 1n << P;
  const atanInv = (x: bigint): bigint => {
    // atan(1/x) = Σ (−1)ⁿ / ((2n+1) x^(2n+1)), in fixed point with P fraction bits
    let term = one / x, sum = term, n = 1n;
    const x2 = x * x;
    while (term !== 0n) {
      term /= x2;
      const t = term / (2n * n + 1n);
      sum += n % 2n === 1n ? -t : t;
      n += 1n;
    }
    return sum;
  };
  const piFixed = 16n * atanInv(5n) - 4n * atanInv(239n); // π · 2^P
  invPiFixed = (1n << (P + INV_PI_BITS)) / piFixed;
  return invPiFixed;
}

/** A finite double as `m · 2^e` with integer `m` (exact). */
function decompose(v: number): { m: bigint; e: number } {
  if (v === 0) return { m: 0n, e: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, v);
  const hi = buf.getUint32(0), lo = buf.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = bexp - 1075;
  }
  return { m: sign * m, e };
}

/** `frac(a·b / π)` (exact product) as a 64-bit fixed-point fraction of π, mod 2⁶⁴. */
function turnsOf(a: number, b = 1): bigint {
  const x = decompose(a), y = decompose(b);
  const m = x.m * y.m;
  if (m === 0n) return 0n;
  const F = m * invPi(); // a·b/π · 2^(INV_PI_BITS − e)
  const shift = BigInt(x.e + y.e) - INV_PI_BITS + 64n; // a·b/π · 2⁶⁴ mod 2⁶⁴
  return BigInt.asUintN(64, shift >= 0n ? F << shift : F >> -shift);
}

/** Σ aᵢ·bᵢ mod π in [−π/2, π/2) through Payne–Hanek (error ≤ 2⁻⁶³·π + the final rounding). */
function reduceSlow(products: readonly (readonly [number, number])[]): number {
  let turns = 0n;
  for (const [a, b] of products) turns += turnsOf(a, b);
  return (Number(BigInt.asIntN(64, turns)) / 2 ** 64) * PI1;
}

/**
 * `y mod π` in `[−π/2, π/2]` for `y = hi + lo` (a double-double, `|lo| ≤ ulp(hi)`), the range
 * cos² (period π) needs. For `|y| < 2⁵¹`: `k = round(hi/π)` and
 * `y − k·π = (hi − k·PI1) − e₁ + lo − k·PI2 − e₂ − k·PI3`, with `k·PI1 = p₁ + e₁` and
 * `k·PI2 = p₂ + e₂` error-free products (`hi − p₁` is exact by Sterbenz's lemma), so the only
 * roundings are the five final additions of terms below π: absolute error ≤ 8·2⁻⁵³·(π/2 + 2⁻⁵⁰|y|)
 * (≤ 3·10⁻¹⁵ at |y| = 10¹⁵). Larger |y| go through a Payne–Hanek reduction with a 1280-bit 1/π in
 * BigInt (error ≤ 2⁻⁵¹, the final rounding). Non-finite input gives NaN.
 *
 * @example
 * ```ts
 * const [p, e] = twoProduct(0.61234, 1.4e15);
 * reduceModPi(p, e); // the phase 0.61234·1.4e15 mod π, right to ~1e-15
 * ```
 */
export function reduceModPi(hi: number, lo = 0): number {
  if (!Number.isFinite(hi) || !Number.isFinite(lo)) return NaN;
  if (Math.abs(hi) >= FAST_LIMIT) return reduceSlow([[hi, 1], [lo, 1]]);
  const k = Math.round(hi / PI1);
  if (k === 0) return hi + lo;
  const [p1, e1] = twoProduct(k, PI1);
  const [p2, e2] = twoProduct(k, PI2);
  let r = hi - p1; // exact: hi and p1 agree to within a factor 2
  r -= e1;
  r += lo;
  r -= p2;
  r -= e2;
  r -= k * PI3 + k * PI4;
  if (r > HALF_PI) r -= PI1;
  else if (r < -HALF_PI) r += PI1;
  return r;
}

/**
 * `(a · t · scale) mod π` in `[−π/2, π/2]`, with `a · t` formed exactly (TwoProduct) and `scale`
 * a power of two (½ for the `ωt/2` of the precession models): the reference phase of a
 * phase-exact kernel. Error as {@link reduceModPi}.
 *
 * @example
 * ```ts
 * phaseModPi(0.5, 2 ** 40, 0.5); // (2⁴⁰/4) mod π
 * ```
 */
export function phaseModPi(a: number, t: number, scale = 1): number {
  const [p, e] = twoProduct(a * scale, t);
  if (Math.abs(p) >= FAST_LIMIT || !Number.isFinite(e)) return Number.isFinite(a) && Number.isFinite(t) ? reduceSlow([[a * scale, t]]) : NaN;
  return reduceModPi(p, e);
}

/**
 * `(a − b) · t · scale mod π` with the difference and the product formed exactly (TwoSum then
 * two TwoProducts; the product of the two small error terms is below 2⁻¹⁰⁶ of the phase): the
 * reference phase of SimpleInversion, `t (ω − ω₋) / 2`.
 *
 * @example
 * ```ts
 * differencePhaseModPi(0.75, 0.25, 2, 0.5); // 0.5
 * ```
 */
export function differencePhaseModPi(a: number, b: number, t: number, scale = 1): number {
  const [s, se] = twoSum(a * scale, -b * scale);
  const [p, pe] = twoProduct(s, t);
  if (Math.abs(p) >= FAST_LIMIT || !Number.isFinite(pe)) {
    return [a, b, t].every(Number.isFinite) ? reduceSlow([[s, t], [se, t]]) : NaN;
  }
  const [hi, lo] = twoSum(p, pe + se * t);
  return reduceModPi(hi, lo);
}

/**
 * Writes `v` as two float32 `hi = f32(v)`, `lo = f32(v − hi)` to `out[at]`, `out[at + 1]`: their
 * sum is `v` to `2⁻⁴⁸|v|` (the device adds them to an offset phase as `(δc + lo) + hi`).
 *
 * @example
 * ```ts
 * const out = new Float32Array(2);
 * splitF32(Math.PI / 3, out, 0); // out[0] + out[1] ≈ π/3 to ~1e-15
 * ```
 */
export function splitF32(v: number, out: Float32Array, at: number): void {
  const hi = Math.fround(v);
  out[at] = hi;
  out[at + 1] = v - hi;
}
