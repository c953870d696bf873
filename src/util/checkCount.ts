import { QinferArgumentError } from '../errors/QinferError.js';

/**
 * Throws `ERR_PARTICLE_COUNT` unless `n` is a positive integer (or ≥ 0 when `allowZero`).
 *
 * @example
 * ```ts
 * checkCount(1000, 'nParticles'); // ok
 * checkCount(0.5, 'nParticles');  // throws QinferArgumentError { code: 'ERR_PARTICLE_COUNT' }
 * ```
 */
export function checkCount(n: number, what: string, allowZero = false): void {
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) {
    throw new QinferArgumentError('ERR_PARTICLE_COUNT', `${what} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${n}`, {
      details: { value: n },
    });
  }
}
