import { QinferError } from '../errors/QinferError.js';

/** A named spec as it arrives in a job: `{ name, params? }` (model, distribution, heuristic). */
export interface WireNamedSpec {
  readonly name: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Thrown for every structural problem of a job payload. */
export function payloadError(message: string, details: Record<string, unknown> = {}): QinferError {
  return new QinferError('ERR_PAYLOAD', message, { details });
}

/** True for a plain JSON object (not an array, not null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** `v` as a plain object, else `ERR_PAYLOAD`. */
export function requireObject(v: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw payloadError(`${what} must be an object`, { field: what });
  return v;
}

/** `v` as an integer in `[min, max]`, else `ERR_PAYLOAD`. */
export function requireInt(v: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw payloadError(`${what} must be an integer in [${min}, ${max}] (got ${JSON.stringify(v)?.slice(0, 40)})`, { field: what });
  }
  return v;
}

/** `v` as a finite number, else `ERR_PAYLOAD`. */
export function requireNumber(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw payloadError(`${what} must be a finite number`, { field: what });
  return v;
}

/** `{ name, params? }` with a short name and an object of parameters, else `ERR_PAYLOAD`. */
export function requireNamedSpec(v: unknown, what: string): WireNamedSpec {
  const o = requireObject(v, what);
  const name = o['name'];
  if (typeof name !== 'string' || name.length === 0 || name.length > 200) {
    throw payloadError(`${what}.name must be a non-empty string of at most 200 characters`, { field: `${what}.name` });
  }
  const params = o['params'];
  if (params === undefined) return { name };
  return { name, params: requireObject(params, `${what}.params`) };
}

/**
 * An upper estimate of the JSON size of `v` in characters, walking at most `depthLimit` levels;
 * returns `Infinity` as soon as it exceeds `limit` or the nesting is deeper (so that a huge or
 * hostile payload costs little to reject).
 *
 *   size ≈ Σ strings (length + 2) + Σ numbers 24 + Σ keys (length + 3) + 2 per container
 *
 * @example
 * ```ts
 * import { jsonSize } from 'qinfer-rx/cluster';
 * jsonSize({ a: 'xyz' }, 1 << 20); // 12
 * ```
 */
export function jsonSize(v: unknown, limit: number, depthLimit = 32): number {
  let total = 0;
  const stack: Array<[unknown, number]> = [[v, 0]];
  while (stack.length > 0) {
    const [x, depth] = stack.pop()!;
    if (typeof x === 'string') total += x.length + 2;
    else if (typeof x === 'number' || typeof x === 'boolean' || x === null || x === undefined) total += 24;
    else if (typeof x === 'object') {
      if (depth >= depthLimit) return Infinity;
      total += 2;
      if (Array.isArray(x)) for (const y of x) stack.push([y, depth + 1]);
      else
        for (const [k, y] of Object.entries(x as Record<string, unknown>)) {
          total += k.length + 3;
          stack.push([y, depth + 1]);
        }
    } else return Infinity; // functions, symbols, bigints never come out of JSON
    if (total > limit) return Infinity;
  }
  return total;
}

/** Throws `ERR_PAYLOAD` when {@link jsonSize} of `v` exceeds `limit` bytes. */
export function checkPayloadSize(v: unknown, limit: number, what: string): void {
  if (jsonSize(v, limit) > limit) {
    throw payloadError(`${what} is larger than ${limit} bytes or nested too deeply`, { limit });
  }
}
