/**
 * An independent exact reference for phase tests: phases of doubles formed and reduced modulo π
 * in BigInt fixed point, with π from its first 120 decimal digits (not from the library's
 * constants or Machin series), so that |y| up to 2²⁰⁰ is reduced to ~2⁻²⁰⁰.
 */

const PI_DIGITS = '3141592653589793238462643383279502884197169399375105820974944592307816406286208998628034825342117067982148086513282306647093';
const FRAC = 400n; // fixed-point fraction bits
const PI_FIXED = (BigInt(PI_DIGITS) << FRAC) / 10n ** BigInt(PI_DIGITS.length - 1);

/** A double as an exact fixed-point BigInt with FRAC fraction bits (its exponent must be ≥ −FRAC). */
export function fixed(v: number): bigint {
  if (!Number.isFinite(v)) throw new RangeError(`not finite: ${v}`);
  if (v === 0) return 0n;
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  const hi = dv.getUint32(0), lo = dv.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = -1074;
  if (bexp !== 0) {
    m |= 1n << 52n;
    e = bexp - 1075;
  }
  const s = BigInt(e) + FRAC;
  const mag = s >= 0n ? m << s : m >> -s;
  return hi >>> 31 ? -mag : mag;
}

/** Product of two fixed-point numbers. */
export function mulFixed(a: bigint, b: bigint): bigint {
  return (a * b) >> FRAC;
}

/** A fixed-point phase reduced modulo π into [−π/2, π/2], as a double. */
export function reduceFixed(y: bigint): number {
  let k = y / PI_FIXED;
  let r = y - k * PI_FIXED;
  if (2n * r > PI_FIXED) {
    r -= PI_FIXED;
    k += 1n;
  } else if (2n * r < -PI_FIXED) {
    r += PI_FIXED;
    k -= 1n;
  }
  return Number(r >> (FRAC - 120n)) / 2 ** 120;
}

/** `cos²(y)` for a fixed-point phase, to float64 accuracy whatever |y|. */
export function cos2Fixed(y: bigint): number {
  const c = Math.cos(reduceFixed(y));
  return c * c;
}

/** `a · b · 2^s` exactly in fixed point, for doubles `a`, `b` (s = −1 halves). */
export function productFixed(a: number, b: number, s = 0): bigint {
  const p = mulFixed(fixed(a), fixed(b));
  return s >= 0 ? p << BigInt(s) : p >> BigInt(-s);
}
