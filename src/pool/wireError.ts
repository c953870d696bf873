import { QinferArgumentError, QinferError, type QinferErrorCode } from '../errors/QinferError.js';
import type { WireError } from './poolProtocol.js';

/** Keeps only JSON-able details, so that an error can always be posted between threads. */
function plainDetails(details: unknown): Record<string, unknown> | undefined {
  if (details === null || typeof details !== 'object') return undefined;
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Turns anything thrown in a worker into plain data that survives `postMessage`: name, message,
 * the qinfer-rx `code` and JSON-able `details` when present, and the stack.
 *
 * @example
 * ```ts
 * try { run(); } catch (e) { return { ok: false, engine: threadId, error: toWireError(e) }; }
 * ```
 */
export function toWireError(e: unknown): WireError {
  if (e instanceof Error) {
    const { code, details } = e as Error & { code?: unknown; details?: unknown };
    const d = plainDetails(details);
    return {
      name: e.name,
      message: e.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(d === undefined ? {} : { details: d }),
      ...(e.stack === undefined ? {} : { stack: e.stack }),
    };
  }
  return { name: 'Error', message: String(e) };
}

/**
 * Rebuilds an error posted by {@link toWireError} in the caller's thread: a `QinferError` or
 * `QinferArgumentError` keeps its class and code; anything else becomes an `Error` with the same
 * name and message. The worker's stack is kept as `details.workerStack`.
 *
 * @example
 * ```ts
 * const cause = fromWireError(reply.error); // e.g. QinferArgumentError, code 'ERR_UNKNOWN_MODEL'
 * ```
 */
export function fromWireError(w: WireError, extra: Record<string, unknown> = {}): Error {
  const details = { ...(w.details ?? {}), ...extra, ...(w.stack === undefined ? {} : { workerStack: w.stack }) };
  if (w.code !== undefined && (w.name === 'QinferError' || w.name === 'QinferArgumentError')) {
    const Cls = w.name === 'QinferError' ? QinferError : QinferArgumentError;
    return new Cls(w.code as QinferErrorCode, w.message, { details });
  }
  const err = new Error(w.message);
  err.name = w.name;
  Object.assign(err, { details, ...(w.code === undefined ? {} : { code: w.code }) });
  return err;
}
