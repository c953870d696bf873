import { QinferArgumentError } from '../errors/QinferError.js';
import type { ExpParams } from '../expparams/ExpParams.js';
import type { Rng } from '../rng/Rng.js';
import type { Heuristic } from './Heuristic.js';

/**
 * Picks one of several heuristics at random each time (QInfer's `EnsembleHeuristic`): heuristic
 * `i` with probability `p_i / Σ_j p_j`, by inverse CDF on one uniform `u`: the first `i` with
 * `cdf_i > u`. A heuristic of probability 0 is never picked (not even when the rounded `cdf`
 * ends below `u`). Bad input (`ERR_ARGUMENT`): no heuristics, a negative or non-finite `p`, all
 * `p` zero.
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
  /** The last heuristic of positive probability (where a `u` beyond the rounded cdf lands). */
  private readonly last: number;

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
    let last = ensemble.length - 1;
    while (last > 0 && !(ensemble[last]![1] > 0)) last--;
    this.last = last;
  }

  next(): ExpParams {
    const u = this.rng.uniform();
    let i = 0;
    while (i < this.last && this.cdf[i]! <= u) i++;
    return this.heuristics[i]!.next();
  }
}
