import { powerOfTen } from '../util/formatUncertainty.js';

/**
 * How a narrow axis is shown: values as `(x − offset) / 10^exponent`, with the offset and the
 * power of ten moved into the axis title (`ω − 0.42000 (10⁻⁶ rad/[t])`), so that tick labels stay
 * short when a posterior is much narrower than its distance from zero.
 */
export interface AxisOffset {
  readonly offset: number;
  readonly exponent: number;
  /** `x ↦ (x − offset) / 10^exponent`. */
  readonly apply: (x: number) => number;
  /** The offset as printed, to the digits the axis needs. */
  readonly offsetText: string;
}

/**
 * The offset and scale for an axis spanning `[lo, hi]`, or `undefined` when plain tick labels
 * read well — that is unless the span is below `1e-3` of the axis' distance from zero. The
 * exponent is that of the span (ticks then run over 1 … 10 units); the offset is the centre
 * rounded to the decade above it.
 *
 * @example
 * ```ts
 * const o = axisOffset(0.419996, 0.420004); // { offset: 0.42, exponent: -6, offsetText: '0.42000', … }
 * o?.apply(0.420001); // ≈ 1
 * ```
 */
export function axisOffset(lo: number, hi: number): AxisOffset | undefined {
  const span = hi - lo, centre = (hi + lo) / 2;
  if (!(span > 0) || !Number.isFinite(span) || !(span < 1e-3 * Math.abs(centre))) return undefined;
  const exponent = Math.floor(Math.log10(span));
  const grain = exponent + 1;
  const offset = Math.round(centre / 10 ** grain) * 10 ** grain;
  const offsetText = grain < 0 ? offset.toFixed(-grain) : String(Math.round(offset));
  const scale = 10 ** exponent;
  return { offset, exponent, apply: (x) => (x - offset) / scale, offsetText };
}

/**
 * The axis title for a parameter shown through `o`: `name − offset (10ⁿ unit)`, or
 * `name (unit)` without an offset.
 *
 * @example
 * ```ts
 * offsetAxisTitle('ω', 'rad/[t]', axisOffset(0.419996, 0.420004)); // 'ω − 0.42000 (10⁻⁶ rad/[t])'
 * ```
 */
export function offsetAxisTitle(name: string, unit: string, o: AxisOffset | undefined): string {
  if (o === undefined) return unit === '' ? name : `${name} (${unit})`;
  const sign = o.offset < 0 ? '+' : '−';
  const text = o.offset < 0 ? o.offsetText.replace(/^-/, '') : o.offsetText;
  return `${name} ${sign} ${text} (${powerOfTen(o.exponent)}${unit === '' ? '' : ` ${unit}`})`;
}
