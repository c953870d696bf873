import type { ExpParams } from '../expparams/ExpParams.js';
import type { Model } from '../models/Model.js';

/** One likelihood call: `L[i, j, k] = Pr(outcomes[i] | x_j; e_k)` for row-major particles `x`. */
export interface LikelihoodRequest {
  /** The model (a backend in another thread or machine rebuilds it from `model.spec()`). */
  readonly model: Model;
  readonly outcomes: Int32Array;
  /** Particles, row-major `[nModels, nP]`; may live in a `SharedArrayBuffer`. */
  readonly x: Float64Array;
  readonly nModels: number;
  readonly expparams: ExpParams;
}

/** Per-call options of a backend. */
export interface LikelihoodCallOptions {
  /** Aborting rejects the call with `ERR_ABORTED` and abandons queued work. */
  signal?: AbortSignal;
  /** Write the result here (length `nO·nM·nE`) instead of allocating. */
  out?: Float64Array;
}

/**
 * Where the likelihood stage of an estimation pipeline runs: this thread, a worker pool, a GPU
 * or a cluster. A backend is a value created by a factory and closed by its creator; the
 * `parallel(backend)` operator schedules each likelihood call on it.
 *
 * Contract: the result equals `model.likelihood(outcomes, x, expparams)` — bit for bit for
 * float64 backends; GPU backends state their tolerance. Failures reject with a `QinferError`.
 */
export interface LikelihoodBackend {
  /** A short name for logs and tables (`'serial'`, `'pool:4'`, `'gpu:llvmpipe'`, …). */
  readonly name: string;
  /**
   * Storage this backend reads and writes in place (`sharedFloat64` for a worker pool): an
   * updater allocated with it (`SMCUpdater({ allocate })`; `runTrialOn` does it for its trials)
   * hands over its particles and likelihood buffer without a copy. Absent: the heap is fine.
   */
  readonly allocate?: (n: number) => Float64Array;
  /** Computes `L` of shape `[nO, nM, nE]` (row-major). */
  likelihood(request: LikelihoodRequest, options?: LikelihoodCallOptions): Promise<Float64Array>;
  /** Releases threads, devices or connections; idempotent. */
  close(): Promise<void>;
}
