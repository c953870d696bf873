/**
 * Warnings (QInfer's ApproximationWarning / ResamplerWarning) are values, not console output:
 * the updater and resampler hand them to a sink the caller chooses. The default sink collects
 * nothing and prints nothing, so a library user is never spammed; pass `onWarning` to see them.
 *
 * @example
 * ```ts
 * const warnings: QinferWarning[] = [];
 * const up = new SMCUpdater(model, 1000, prior, { rng, onWarning: (w) => warnings.push(w) });
 * ```
 */
export interface QinferWarning {
  /** `'approximation'` (QInfer ApproximationWarning), `'resampler'` (ResamplerWarning), `'zero-weights'`, or `'gpu'` (a GPU call fell back to the CPU). */
  readonly category: 'approximation' | 'resampler' | 'zero-weights' | 'gpu';
  readonly message: string;
}

/** A function that receives warnings. */
export type WarningSink = (warning: QinferWarning) => void;

/** The default sink: ignores warnings. */
export const ignoreWarnings: WarningSink = () => {};
