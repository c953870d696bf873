const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/**
 * Writes `10^n` with Unicode superscripts (`10⁻⁶`), as axis labels of log scales use it.
 *
 * @example
 * ```ts
 * import { powerOfTen } from 'qinfer-rx';
 * powerOfTen(-6); // '10⁻⁶'
 * ```
 */
export function powerOfTen(n: number): string {
  return `10${n < 0 ? '⁻' : ''}${[...String(Math.abs(Math.round(n)))].map((d) => SUPERSCRIPT[Number(d)]).join('')}`;
}

/**
 * A value with its standard uncertainty in concise notation, to the digits the uncertainty
 * supports: the uncertainty rounded to two significant digits and written in units of the last
 * digit of the value, `0.4200012(35)` meaning 0.4200012 ± 0.0000035. Large or small magnitudes
 * (the value's exponent ≥ 5 or ≤ −4, or an uncertainty ≥ 100) use an exponent:
 * `1.2345(12)e-5`. A zero uncertainty prints the value with 7 significant digits and `(0)`;
 * non-finite input prints as `value ± sd`.
 *
 * @example
 * ```ts
 * import { formatUncertainty } from 'qinfer-rx';
 * formatUncertainty(0.42000123, 3.46e-6); // '0.4200012(35)'
 * formatUncertainty(0.42, 0.25);          // '0.42(25)'
 * formatUncertainty(12345, 120);          // '1.234(12)e4'
 * ```
 */
export function formatUncertainty(value: number, sd: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(sd) || sd < 0) return `${value} ± ${sd}`;
  if (sd === 0) return `${Number(value.toPrecision(7))}(0)`;
  let e = Math.floor(Math.log10(sd)) - 1; // exponent of the last kept digit: two digits of sd
  let u = Math.round(sd / 10 ** e);
  if (u >= 100) {
    e += 1; // 99.6 rounds up to 100: one digit fewer
    u = Math.round(sd / 10 ** e);
  }
  const magnitude = value === 0 ? e + 1 : Math.floor(Math.log10(Math.abs(value)));
  if (e >= 1 || magnitude >= 5 || magnitude <= -4) {
    const E = Math.max(magnitude, e + 1);
    const digits = E - e;
    return `${(value / 10 ** E).toFixed(digits)}(${u})e${E}`;
  }
  return `${value.toFixed(-e)}(${u})`;
}
