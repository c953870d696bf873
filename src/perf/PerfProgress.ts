/**
 * Progress of a performance test, reported after every finished trial (and once at the start):
 * successes, failures, the total, and the throughput so far,
 *
 *   trialsPerSecond = (completed + failed) / elapsedSeconds.
 */
export interface PerfProgress {
  /** Trials that succeeded. */
  readonly completed: number;
  /** Trials that failed (masked when failures are allowed). */
  readonly failed: number;
  readonly total: number;
  /** Seconds since the test started. */
  readonly elapsedSeconds: number;
  /** Finished trials per second (0 before the first one). */
  readonly trialsPerSecond: number;
}
