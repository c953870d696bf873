import { QinferArgumentError } from '../errors/QinferError.js';

function checkDimension(d: number): void {
  if (!Number.isInteger(d) || d < 2) throw new QinferArgumentError('ERR_ARGUMENT', `the Hilbert-space dimension must be an integer ≥ 2, got ${d}`);
}

/**
 * The average gate fidelity of a gate whose twirled channel depolarises with parameter `p`, in
 * Hilbert-space dimension `d` (QInfer's `rb.F`):
 *
 *   F = 1 − (1 − p)(d − 1)/d.
 *
 * For interleaved RB the gate of interest has `F(p̃)`, with `p̃` the first model parameter of the
 * interleaved {@link RandomizedBenchmarkingModel}.
 *
 * @param p - depolarizing parameter of the twirled channel
 * @param d - dimension (2 for one qubit, 4 for two); an integer ≥ 2
 *
 * @example
 * ```ts
 * import { rbFidelity } from 'qinfer-rx';
 * rbFidelity(0.99);    // 0.995 (one qubit)
 * rbFidelity(0.98, 4); // 0.985 (two qubits)
 * ```
 */
export function rbFidelity(p: number, d = 2): number {
  checkDimension(d);
  return 1 - ((1 - p) * (d - 1)) / d;
}

/**
 * The depolarizing parameter of the twirled channel of a gate with average fidelity `F` in
 * dimension `d` (QInfer's `rb.p`), the inverse of {@link rbFidelity}:
 *
 *   p = (d F − 1)/(d − 1).
 *
 * @example
 * ```ts
 * import { rbDepolarizing } from 'qinfer-rx';
 * rbDepolarizing(0.995); // 0.99
 * ```
 */
export function rbDepolarizing(F: number, d = 2): number {
  checkDimension(d);
  return (d * F - 1) / (d - 1);
}
