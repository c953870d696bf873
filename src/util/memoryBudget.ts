import { QinferArgumentError } from '../errors/QinferError.js';

/**
 * Memory estimates made before anything large is allocated, and the check against a limit.
 * A particle count, a parameter count (`NDieModel` n) or a number of candidate experiments
 * that cannot fit is refused at once with `ERR_MEMORY` (the estimate and the limit in the
 * message and in `details`), instead of growing the process until the operating system or V8
 * kills it minutes later.
 *
 * The estimates are upper bounds of what the library allocates (float64 = 8 bytes):
 *
 *   particle cloud  8 · n · (4 · nP + 4)   locations, weights, likelihood buffer and a Liu–West
 *                                          resampling (parents, jitter, new cloud) at its peak
 *   likelihood      8 · nO · nM · nE       one `[outcomes, particles, experiments]` array
 *   trial records   8 · nExp · (4 + nTrue + nEst + experiment width)
 *
 * @example
 * ```ts
 * import { checkMemory, particleCloudBytes, DEFAULT_MEMORY_LIMIT } from 'qinfer-rx';
 * checkMemory(particleCloudBytes(1e9, 1), DEFAULT_MEMORY_LIMIT, '1e9 particles × 1 parameter');
 * // throws ERR_MEMORY: 1e9 particles × 1 parameter needs about 59.6 GiB, above the memory limit of 16 GiB
 * ```
 */

/** The default memory limit of one updater, trial or run: 16 GiB (`2³⁴` bytes). */
export const DEFAULT_MEMORY_LIMIT = 2 ** 34;

/**
 * Bytes as `512 B`, `1.5 KiB`, `7.5 GiB` (binary units, 3 significant digits).
 *
 * @example
 * ```ts
 * formatBytes(3 * 2 ** 30); // '3 GiB'
 * ```
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes, u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : Number(v.toPrecision(3))} ${units[u]}`;
}

/**
 * Checks a memory limit given by a caller: a positive number of bytes (`Infinity` allowed,
 * turning the check off), else `ERR_ARGUMENT`.
 *
 * @example
 * ```ts
 * checkMemoryLimit(2 ** 30, 'memoryLimit'); // 1073741824
 * ```
 */
export function checkMemoryLimit(limit: number, what = 'memoryLimit'): number {
  if (typeof limit !== 'number' || !(limit > 0)) {
    throw new QinferArgumentError('ERR_ARGUMENT', `${what} must be a positive number of bytes (or Infinity), got ${String(limit)}`, { details: { limit } });
  }
  return limit;
}

/**
 * Throws `ERR_MEMORY` when `estimate` bytes exceed `limit`: the message says what needs the
 * memory, both sizes and how to raise the limit; `details` carries `estimate`, `limit` and the
 * caller's facts.
 *
 * @example
 * ```ts
 * checkMemory(likelihoodBytes(2, 1e6, 1e4), 2 ** 34, 'bayesRisk over 10000 experiments'); // throws ERR_MEMORY (149 GiB)
 * ```
 */
export function checkMemory(estimate: number, limit: number, what: string, details: Record<string, unknown> = {}): void {
  if (!(estimate > limit)) return;
  throw new QinferArgumentError(
    'ERR_MEMORY',
    `${what} needs about ${formatBytes(estimate)}, above the memory limit of ${formatBytes(limit)} (raise it with the memoryLimit option, or --memory-limit on the command line, if the machine has the memory)`,
    { details: { ...details, estimate, limit } },
  );
}

/**
 * Peak bytes of an `SMCUpdater`'s particle cloud of `n` particles × `nP` parameters: the
 * locations and weights, the likelihood buffer, and a Liu–West resampling's parents, jitter and
 * new cloud, `8 · n · (4 · nP + 4)`.
 *
 * @example
 * ```ts
 * particleCloudBytes(1e6, 1); // 64e6 (61 MiB)
 * ```
 */
export function particleCloudBytes(n: number, nP: number): number {
  return 8 * n * (4 * nP + 4);
}

/**
 * Bytes of one likelihood array `[nO, nM, nE]` of float64, `8 · nO · nM · nE`.
 *
 * @example
 * ```ts
 * likelihoodBytes(2, 1e5, 100); // 160e6
 * ```
 */
export function likelihoodBytes(nO: number, nM: number, nE: number): number {
  return 8 * nO * nM * nE;
}
