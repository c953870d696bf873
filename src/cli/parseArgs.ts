import { QinferArgumentError } from '../errors/QinferError.js';

/**
 * Parsers for command-line values. Each throws a `QinferArgumentError` whose message names the
 * option and the value, which the CLI prints before exiting with status 2.
 */

/**
 * A positive integer (or ≥ 0 with `min = 0`): `--trials 100`. Rejects `1.5`, `1e3x`, `-2`.
 *
 * @example
 * ```ts
 * parseCount('100', '--trials'); // 100; parseCount('1.5', '--trials') throws
 * ```
 */
export function parseCount(value: string, option: string, min = 1): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new QinferArgumentError('ERR_ARGUMENT', `${option} must be an integer ≥ ${min}, got '${value}'`, { details: { option, value } });
  }
  return n;
}

/**
 * A comma-separated list of counts: `--particles 100,200,400`.
 *
 * @example
 * ```ts
 * parseCountList('100,200,400', '--particles'); // [100, 200, 400]
 * ```
 */
export function parseCountList(value: string, option: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  if (parts.some((p) => p === '')) throw new QinferArgumentError('ERR_ARGUMENT', `${option} must be a comma-separated list of integers, got '${value}'`);
  const counts = parts.map((p) => parseCount(p, option));
  if (new Set(counts).size !== counts.length) throw new QinferArgumentError('ERR_ARGUMENT', `${option} lists a value twice: '${value}'`);
  return counts;
}

/**
 * A finite number.
 *
 * @example
 * ```ts
 * parseNumber('0.42', '--true'); // 0.42
 * ```
 */
export function parseNumber(value: string, option: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n)) throw new QinferArgumentError('ERR_ARGUMENT', `${option} must be a finite number, got '${value}'`, { details: { option, value } });
  return n;
}

/**
 * A comma-separated list of finite numbers: `--true 0.42,0.01`.
 *
 * @example
 * ```ts
 * parseNumberList('0.42,0.01', '--true'); // [0.42, 0.01]
 * ```
 */
export function parseNumberList(value: string, option: string): number[] {
  return value.split(',').map((s) => parseNumber(s, option));
}

/**
 * A range `lo:hi` (or `lo,hi`) with finite `lo < hi`: `--prior 0:1`. Rejects reversed, empty
 * and malformed ranges.
 *
 * @example
 * ```ts
 * parseRange('0:0.1', '--prior'); // [0, 0.1]
 * ```
 */
export function parseRange(value: string, option: string): [number, number] {
  const parts = value.split(/[:,]/);
  if (parts.length !== 2) throw new QinferArgumentError('ERR_RANGE', `${option} must be a range lo:hi, got '${value}'`, { details: { option, value } });
  const [lo, hi] = parts.map((p) => parseNumber(p, option)) as [number, number];
  if (!(lo < hi)) throw new QinferArgumentError('ERR_RANGE', `${option} ${value}: the lower end must be below the upper end`, { details: { option, lo, hi } });
  return [lo, hi];
}

/**
 * `key=value`, the value read as JSON when it parses (numbers, booleans, arrays, objects) and as
 * a string otherwise: `--param minFreq=0.1`, `--heuristic-param 'otherFields={"w_":0}'`.
 *
 * @example
 * ```ts
 * parseKeyValue('otherFields={"w_":0}', '--heuristic-param'); // ['otherFields', { w_: 0 }]
 * ```
 */
export function parseKeyValue(value: string, option: string): [string, unknown] {
  const i = value.indexOf('=');
  const key = i < 0 ? '' : value.slice(0, i).trim();
  if (!/^[A-Za-z_][\w]*$/.test(key)) throw new QinferArgumentError('ERR_ARGUMENT', `${option} must be key=value, got '${value}'`, { details: { option, value } });
  const raw = value.slice(i + 1);
  try {
    return [key, JSON.parse(raw) as unknown];
  } catch {
    return [key, raw];
  }
}

/**
 * Collects repeated `key=value` options into an object (a later key wins).
 *
 * @example
 * ```ts
 * collectKeyValues(['minFreq=0.1', 'name=x'], '--param'); // { minFreq: 0.1, name: 'x' }
 * ```
 */
export function collectKeyValues(values: readonly string[], option: string): Record<string, unknown> {
  return Object.fromEntries(values.map((v) => parseKeyValue(v, option)));
}

/**
 * Commander's accumulator for repeatable options.
 *
 * @example
 * ```ts
 * new Command().option('--param <key=value>', 'a parameter', repeatable);
 * ```
 */
export function repeatable(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/**
 * A size in bytes: a number with an optional binary unit — `512M`, `16G`, `1.5GiB`, `2e9` —
 * where K, M, G and T are powers of 1024 (case-insensitive, with or without `iB`/`B`).
 *
 * @example
 * ```ts
 * parseByteSize('16G', '--memory-limit'); // 17179869184
 * ```
 */
export function parseByteSize(value: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(value);
  const n = m === null ? NaN : Number(m[1]) * BYTE_UNITS[m[2]!.toLowerCase()]!;
  if (!Number.isFinite(n) || n < 1) {
    throw new QinferArgumentError('ERR_ARGUMENT', `${option} must be a size such as 8G, 512M or 2e9 (bytes), got '${value}'`, { details: { option, value } });
  }
  return Math.floor(n);
}
