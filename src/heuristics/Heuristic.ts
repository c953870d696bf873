import type { ExpParams } from '../expparams/ExpParams.js';

/**
 * An experiment-design heuristic (QInfer's `Heuristic`): bound to an updater when created,
 * `next()` returns the next experiment (an `ExpParams` of length 1) from the current posterior.
 */
export interface Heuristic {
  /** The next experiment to perform, chosen from the updater's current posterior. */
  next(): ExpParams;
}

/** How a heuristic crosses a thread or machine boundary: registry name and JSON-able params. */
export interface HeuristicSpec {
  readonly name: string;
  readonly params?: Readonly<Record<string, unknown>>;
}
