import type { Rng } from '../rng/Rng.js';
import type { Matrix } from '../util/particles.js';

/** How a distribution crosses a thread or machine boundary: registry name and JSON-able params. */
export interface DistributionSpec {
  readonly name: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * A probability distribution over `nRvs` random variables (QInfer's `Distribution`), used as a
 * prior. `sample(n, rng)` always returns an ndarray of shape `[n, nRvs]` (row-major).
 */
export interface Distribution {
  readonly nRvs: number;
  /** `n` samples drawn with `rng`, shape `[n, nRvs]`. */
  sample(n: number, rng: Rng): Matrix;
  /** `{ name, params }` when the distribution can be rebuilt from a registry. */
  spec?(): DistributionSpec;
}
