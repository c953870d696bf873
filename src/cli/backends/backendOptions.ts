import { QinferArgumentError } from '../../errors/QinferError.js';

/** One `--backend-opt` key a backend accepts, and what its value must be. */
export type BackendOptionSpec =
  | { readonly kind: 'integer'; readonly min: number; readonly max: number; readonly what?: string }
  | { readonly kind: 'string'; readonly what?: string }
  /** A path or a JSON array of paths (`modules=./m.ts`, `modules=["./a.ts","./b.ts"]`). */
  | { readonly kind: 'paths'; readonly what?: string };

/** The checked values of a backend's options, by key (absent keys absent). */
export type BackendOptionValues<S extends Record<string, BackendOptionSpec>> = {
  -readonly [K in keyof S]?: S[K] extends { kind: 'integer' } ? number : S[K] extends { kind: 'paths' } ? string[] : string;
};

/** The largest delay `setTimeout` honours (2³¹ − 1 ms, about 24.8 days); beyond it Node fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function fail(backend: string, key: string, wanted: string, v: unknown): never {
  throw new QinferArgumentError('ERR_ARGUMENT', `${backend} option ${key} must be ${wanted}, got ${JSON.stringify(v)}`, { details: { backend, option: key, value: v } });
}

/**
 * Checks the `--backend-opt key=value` pairs of backend `backend` against `spec`, the one
 * checker every CLI backend uses: an unknown key is an `ERR_ARGUMENT` listing the known ones;
 * an integer option must be an integer within `[min, max]` (`maxOutstanding=0.5` is refused,
 * not floored); a string option must be a string; a paths option a path or an array of paths.
 *
 * @example
 * ```ts
 * checkBackendOptions('pool', { engines: 4 }, { engines: { kind: 'integer', min: 1, max: 1024 } }); // { engines: 4 }
 * checkBackendOptions('cluster', { maxOutstanding: 0.5 }, { maxOutstanding: { kind: 'integer', min: 1, max: 1e6 } }); // throws ERR_ARGUMENT
 * ```
 */
export function checkBackendOptions<S extends Record<string, BackendOptionSpec>>(backend: string, options: Readonly<Record<string, unknown>>, spec: S): BackendOptionValues<S> {
  const known = Object.keys(spec);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(options)) {
    const s = spec[key];
    if (s === undefined) {
      throw new QinferArgumentError('ERR_ARGUMENT', `unknown ${backend} option '${key}' (known: ${known.join(', ') || 'none'})`, { details: { backend, option: key } });
    }
    if (v === undefined) continue;
    switch (s.kind) {
      case 'integer':
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < s.min || v > s.max) fail(backend, key, s.what ?? `an integer in [${s.min}, ${s.max}]`, v);
        out[key] = v;
        break;
      case 'string':
        if (typeof v !== 'string' || v === '') fail(backend, key, s.what ?? 'a non-empty string', v);
        out[key] = v;
        break;
      case 'paths': {
        const list = typeof v === 'string' ? [v] : v;
        if (!Array.isArray(list) || !list.every((p) => typeof p === 'string' && p !== '')) fail(backend, key, s.what ?? 'a path or a JSON array of paths', v);
        out[key] = [...list];
        break;
      }
    }
  }
  return out as BackendOptionValues<S>;
}
