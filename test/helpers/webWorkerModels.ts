import { SimplePrecessionModel } from '../../src/models/SimplePrecessionModel.js';
import type { ExpParams } from '../../src/expparams/ExpParams.js';

/** The particle value that makes {@link CrashingModel} end its thread. */
export const CRASH_MARKER = 0.123;

/**
 * A SimplePrecessionModel whose likelihood ends the thread it runs in when one of its particles
 * is {@link CRASH_MARKER} (validation on zero particles passes): the crash case of the Web Worker
 * backend tests, aimed at the one worker whose chunk holds the marker.
 */
export class CrashingModel extends SimplePrecessionModel {
  override readonly name: string = 'CrashingModel';

  override pr0Into(x: Float64Array, nM: number, eps: ExpParams, out: Float64Array, start = 0, end = nM): void {
    for (let j = start; j < end; j++) if (x[j] === CRASH_MARKER) process.exit(3);
    super.pr0Into(x, nM, eps, out, start, end);
  }
}

/** A model the workers' registry does not know: rebuilding it there fails with ERR_UNKNOWN_MODEL. */
export class UnregisteredModel extends SimplePrecessionModel {
  override readonly name: string = 'UnregisteredModel';
}
