import { QinferArgumentError, QinferError, type QinferErrorCode } from '../errors/QinferError.js';

/**
 * An error as it crosses a thread, process or machine boundary: plain data that survives
 * `postMessage`, Node's IPC channel and JSON. Every boundary of qinfer-rx carries errors in this
 * one shape — pool workers and cluster engines (thread replies), the GPU host (IPC replies) —
 * and the cluster's BullMQ failed-reason text is built from and parsed back to it
 * (`src/cluster/engineError.ts`).
 */
export interface WireError {
  /** The error's `name` (`'QinferError'`, `'GpuUnavailableError'`, `'TypeError'`, …). */
  readonly name: string;
  readonly message: string;
  /** The error's `code`, when it had a string one (qinfer-rx codes, Node's `ERR_…`/`E…`). */
  readonly code?: string;
  /**
   * Set when the sender's error was a qinfer-rx error: the class it is rebuilt as (a subclass
   * such as `GpuUnavailableError` is rebuilt as its base class; `name` says which it was).
   */
  readonly base?: 'QinferError' | 'QinferArgumentError';
  /** JSON-able details (`details` of a qinfer-rx error). */
  readonly details?: Record<string, unknown>;
  /** The sender's stack, for diagnosis (rebuilt errors keep it as `details.workerStack`). */
  readonly stack?: string;
}

/** Keeps only JSON-able details, so that an error can always be posted or serialised. */
function plainDetails(details: unknown): Record<string, unknown> | undefined {
  if (details === null || typeof details !== 'object') return undefined;
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Turns anything thrown into a {@link WireError}: name, message, the `code` and JSON-able
 * `details` when present, which qinfer-rx class it was (`base`), and the stack.
 *
 *   fromWireError(toWireError(e)) ≅ e   (class, code, message and details; stack as details.workerStack)
 *
 * @example
 * ```ts
 * try { run(); } catch (e) { return { ok: false, engine: threadId, error: toWireError(e) }; }
 * ```
 */
export function toWireError(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const { code, details } = e as Error & { code?: unknown; details?: unknown };
  const d = plainDetails(details);
  const base = e instanceof QinferArgumentError ? 'QinferArgumentError' : e instanceof QinferError ? 'QinferError' : undefined;
  return {
    name: e.name,
    message: e.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(base === undefined ? {} : { base }),
    ...(d === undefined ? {} : { details: d }),
    ...(e.stack === undefined ? {} : { stack: e.stack }),
  };
}

/**
 * True when `w` came from a qinfer-rx error (so its `code` is a qinfer-rx code).
 *
 * @example
 * ```ts
 * isQinferWireError(toWireError(new QinferError('ERR_PAYLOAD', 'x'))); // true
 * ```
 */
export function isQinferWireError(w: WireError): boolean {
  return w.code !== undefined && (w.base !== undefined || w.name === 'QinferError' || w.name === 'QinferArgumentError');
}

/**
 * The qinfer-rx code of a {@link WireError}: its own for a qinfer-rx error, else `fallback`
 * (`'ERR_WORKER'` for a task that threw something else, `'ERR_GPU'` in the GPU host).
 *
 * @example
 * ```ts
 * wireCode(toWireError(new TypeError('x')), 'ERR_WORKER'); // 'ERR_WORKER'
 * ```
 */
export function wireCode(w: WireError, fallback: QinferErrorCode): QinferErrorCode {
  return isQinferWireError(w) ? (w.code as QinferErrorCode) : fallback;
}

/**
 * Rebuilds an error sent by {@link toWireError} on this side: a qinfer-rx error keeps its class
 * (`QinferError` or `QinferArgumentError`), code and details; anything else becomes an `Error`
 * with the same name and message (and `code`), or, with `fallback`, a `QinferError` with that
 * code. `extra` is merged into the details; the sender's stack is kept as `details.workerStack`.
 *
 * @example
 * ```ts
 * const cause = fromWireError(reply.error, { engine: 3 }); // e.g. QinferError, code 'ERR_UNKNOWN_MODEL'
 * ```
 */
export function fromWireError(w: WireError, extra: Record<string, unknown> = {}, fallback?: QinferErrorCode): Error {
  const details = { ...(w.details ?? {}), ...extra, ...(w.stack === undefined ? {} : { workerStack: w.stack }) };
  if (isQinferWireError(w) || fallback !== undefined) {
    const code = wireCode(w, fallback ?? 'ERR_WORKER');
    const argument = isQinferWireError(w) && (w.base ?? w.name) === 'QinferArgumentError';
    return argument ? new QinferArgumentError(code, w.message, { details }) : new QinferError(code, w.message, { details });
  }
  const err = new Error(w.message);
  err.name = w.name;
  Object.assign(err, { details, ...(w.code === undefined ? {} : { code: w.code }) });
  return err;
}
