import type { TrialResult } from './TrialSpec.js';

/**
 * A trial that failed while `allowFailures` was set (QInfer masks its row): which trial, the
 * seed it ran with (to reproduce it alone) and the error it raised.
 */
export interface TrialFailure {
  readonly failed: true;
  readonly index: number;
  readonly seed: number;
  readonly error: unknown;
}

/** What `perfTestMultiple` emits for each trial: its result, or its failure. */
export type TrialOutcome = TrialResult | TrialFailure;

/**
 * True when a trial outcome is a failure.
 *
 * @example
 * ```ts
 * import { isTrialFailure } from 'qinfer-rx';
 * perfTestMultiple(10, options, { allowFailures: true }).subscribe((t) => {
 *   if (isTrialFailure(t)) console.error(`trial ${t.index} (seed ${t.seed}) failed`, t.error);
 * });
 * ```
 */
export function isTrialFailure(t: TrialOutcome): t is TrialFailure {
  return (t as Partial<TrialFailure>).failed === true;
}
