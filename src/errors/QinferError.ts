/**
 * Typed errors of qinfer-rx. Every error the library raises carries a stable `code`; tests and
 * callers branch on `code` (and class), never on message text.
 *
 * - Bad arguments are detected when an object or operator is created and thrown synchronously
 *   as {@link QinferArgumentError} (a `RangeError`).
 * - Failures at run time (an invalid likelihood, all weights zero, a worker that crashed, an
 *   engine that vanished) arrive through the Observable's error channel as {@link QinferError}s.
 *
 * @example
 * ```ts
 * import { QinferError } from 'qinfer-rx';
 * try { updater.update(7, eps); } catch (e) {
 *   if (e instanceof QinferError && e.code === 'ERR_OUTCOME') console.log('bad outcome');
 * }
 * ```
 */
export type QinferErrorCode =
  | 'ERR_ARGUMENT' // a generic invalid argument
  | 'ERR_SHAPE' // array shapes that do not match
  | 'ERR_PARTICLE_COUNT' // a particle count <= 0 or not an integer
  | 'ERR_OUTCOME' // an outcome outside the model's outcomes
  | 'ERR_EXPPARAMS_FIELD' // a missing or malformed experiment field
  | 'ERR_RANGE' // reversed or empty ranges (priors)
  | 'ERR_INVALID_LIKELIHOOD' // a likelihood that is NaN, negative or above 1
  | 'ERR_ZERO_WEIGHTS' // all particle weights zero (policy 'error')
  | 'ERR_RESAMPLER' // the resampler could not produce a valid cloud
  | 'ERR_POSTSELECTION' // a postselected distribution exhausted its retries
  | 'ERR_HEURISTIC' // a heuristic could not produce an experiment (e.g. PGH identical particles)
  | 'ERR_UNKNOWN_MODEL' // a model name missing from a registry
  | 'ERR_UNKNOWN_NAME' // a distribution or heuristic name missing from a registry
  | 'ERR_UNKNOWN_PARAM' // a parameter name a model, distribution or heuristic does not take
  | 'ERR_MODEL' // a model's own code (a user kernel, simulation or time step) threw
  | 'ERR_MEMORY' // the estimated memory of a run or object is above the memory limit
  | 'ERR_OUTPUT' // an output path that cannot be written (checked before the run)
  | 'ERR_TRIAL_FAILED' // a performance-test trial failed
  | 'ERR_WORKER' // a task failed inside a worker / engine
  | 'ERR_WORKER_CRASHED' // a worker thread died while running a task
  | 'ERR_ABORTED' // the work was cancelled
  | 'ERR_CLOSED' // a backend used after close()
  | 'ERR_GPU_UNAVAILABLE' // no WebGPU adapter
  | 'ERR_GPU' // a device error or a crashed GPU host
  | 'ERR_CLUSTER' // a cluster engine or Redis failure
  | 'ERR_PAYLOAD' // a malformed or oversized job payload
  | 'ERR_MISSING_PEER'; // an optional peer dependency (vega, bullmq, webgpu, …) is not installed

/** Options accepted by every qinfer-rx error. */
export interface QinferErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
  /** Structured facts about the failure (trial index, engine id, chunk range, …). */
  details?: Record<string, unknown>;
}

/** Base class of every run-time error raised by qinfer-rx; `code` identifies the failure. */
export class QinferError extends Error {
  override readonly name: string = 'QinferError';
  readonly code: QinferErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: QinferErrorCode, message: string, options: QinferErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/**
 * A bad argument given when something is created or called (wrong shape, a non-integer count,
 * reversed ranges, an outcome outside the model's outcomes, …). It is a `RangeError` so that
 * generic code recognises it, and carries the same `code` as {@link QinferError}.
 */
export class QinferArgumentError extends RangeError {
  override readonly name: string = 'QinferArgumentError';
  readonly code: QinferErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: QinferErrorCode, message: string, options: QinferErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True when `e` is a qinfer-rx error (run-time or argument) with the given code. */
export function isQinferError(e: unknown, code?: QinferErrorCode): e is QinferError | QinferArgumentError {
  const ok = e instanceof QinferError || e instanceof QinferArgumentError;
  return ok && (code === undefined || (e as QinferError).code === code);
}
