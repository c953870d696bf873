import { type Observable, type SchedulerLike } from 'rxjs';
import { estimate, ExpSparseHeuristic, SimplePrecessionModel, SMCUpdater, UniformDistribution, type LikelihoodBackend, type PosteriorSnapshot } from '../../src/index.js';

/** The run the dashboard shows: the README's closed loop by default (same seeds, same numbers). */
export interface ClosedLoopSettings {
  readonly particles: number;
  readonly experiments: number;
  readonly trueOmega: number;
  /** Seed of the updater (prior draw, resampling). */
  readonly seed: number;
  /** Seed of the simulated outcomes. */
  readonly dataSeed: number;
}

/** What the page reports in `window.qinferResult` when the run ends (read by test/browser.test.ts). */
export interface DashboardResult {
  readonly done: true;
  readonly backend?: string;
  readonly webgpu?: string;
  readonly settings?: ClosedLoopSettings;
  readonly mean?: number;
  readonly sd?: number;
  readonly resampleCount?: number;
  readonly frames?: number;
  readonly seconds?: number;
  readonly error?: string;
}

export const README_RUN: ClosedLoopSettings = { particles: 10_000, experiments: 100, trueOmega: 0.42, seed: 2026, dataSeed: 7 };

/**
 * The closed loop of the README — SimplePrecessionModel, prior U[0, 1], ExpSparse experiments —
 * with the likelihood on `backend` and each step started on `scheduler`. The page runs it with a
 * Web Worker (or WebGPU) backend on `animationFrameScheduler`; the browser test runs it in Node
 * with the serial backend and compares the final posterior.
 */
export function closedLoop(s: ClosedLoopSettings, backend?: LikelihoodBackend, scheduler?: SchedulerLike): { updater: SMCUpdater; run$: Observable<PosteriorSnapshot> } {
  const updater = new SMCUpdater(new SimplePrecessionModel(), s.particles, new UniformDistribution([0, 1]), { rng: s.seed });
  const run$ = estimate({
    updater,
    heuristic: new ExpSparseHeuristic(updater),
    nExperiments: s.experiments,
    trueParams: [s.trueOmega],
    rng: s.dataSeed,
    ...(backend === undefined ? {} : { backend }),
    ...(scheduler === undefined ? {} : { scheduler }),
  });
  return { updater, run$ };
}
