/**
 * The random streams of one estimation run — a performance trial, `estimate()`, the CLI's
 * `estimate` — split from one root generator: trial `k` with seed `s = deriveSeed(root, k)`
 * draws stream `i` from `new Rng(s).split(i)` = `new Rng(deriveSeed(s, i))`, so every stream
 * is fixed by the seed alone, whatever thread, engine or order runs it (the simulated system,
 * `SimulatedSystem.fromRoot`, takes `simulation` and `trueDynamics` the same way everywhere).
 *
 * - `updater`: the SMC updater's generator (its prior draw in `reset`, Liu–West resampling,
 *   the estimation model's dynamics);
 * - `trueParams`: the draw of the true parameters from the true prior;
 * - `simulation`: the simulated outcomes;
 * - `heuristic`: any random choice of the heuristic (PGH, ensembles);
 * - `trueDynamics`: the true model's time steps.
 *
 * @example
 * ```ts
 * import { Rng, deriveSeed, TRIAL_STREAMS } from 'qinfer-rx';
 * const heuristicRng = new Rng(deriveSeed(trialSeed, TRIAL_STREAMS.heuristic));
 * ```
 */
export const TRIAL_STREAMS = Object.freeze({
  updater: 0,
  trueParams: 1,
  simulation: 2,
  heuristic: 3,
  trueDynamics: 4,
} as const);
