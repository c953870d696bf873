import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Rng } from '../rng/Rng.js';
import type { Heuristic } from './Heuristic.js';

/**
 * Picks one of several heuristics at random each time (QInfer's `EnsembleHeuristic`): heuristic
 * `i` with probability `p_i` (normalised).
 *
 * @example
 * ```ts
 * const h = new EnsembleHeuristic([[new ExpSparseHeuristic(up), 0.7], [new PGH(up, rng), 0.3]], rng);
 * ```
 */
export class EnsembleHeuristic implements Heuristic {
  private readonly heuristics: readonly Heuristic[];
  private readonly cdf: Float64Array;
  private readonly rng: Rng;

  constructor(ensemble: ReadonlyArray<readonly [Heuristic, number]>, rng: Rng) {
    if (ensemble.length === 0) throw new QinferArgumentError('ERR_ARGUMENT', 'EnsembleHeuristic needs at least one heuristic');
    let s = 0;
    for (const [, p] of ensemble) {
      if (!(p >= 0) || !Number.isFinite(p)) throw new QinferArgumentError('ERR_ARGUMENT', `ensemble probability ${p} is not a non-negative number`);
      s += p;
    }
    if (s <= 0) throw new QinferArgumentError('ERR_ARGUMENT', 'ensemble probabilities sum to zero');
    this.heuristics = ensemble.map(([h]) => h);
    this.cdf = new Float64Array(ensemble.length);
    let c = 0;
    ensemble.forEach(([, p], i) => (this.cdf[i] = c += p / s));
    this.rng = rng;
  }

  next(): ExpParams {
    const u = this.rng.uniform();
    let i = 0;
    while (i < this.cdf.length - 1 && this.cdf[i]! <= u) i++;
    return this.heuristics[i]!.next();
  }
}
