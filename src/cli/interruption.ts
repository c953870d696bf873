import { QinferError } from '../errors/QinferError.js';

/** The signals that interrupt a command: Ctrl-C, and a service manager's or `kill`'s stop. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** The conventional exit status of a process stopped by a signal: 128 + its number (SIGINT 2 → 130, SIGTERM 15 → 143). */
export const SIGNAL_EXIT: Readonly<Record<InterruptSignal, number>> = Object.freeze({ SIGINT: 130, SIGTERM: 143 });

/**
 * The reason the `qinfer-rx` executable aborts the running command with when `signal` arrives:
 * an `ERR_ABORTED` error whose `details.signal` names it, so that the command can say what
 * stopped it and exit with the conventional status.
 *
 * @example
 * ```ts
 * controller.abort(interruption('SIGTERM'));
 * ```
 */
export function interruption(signal: InterruptSignal): QinferError {
  return new QinferError('ERR_ABORTED', `interrupted by ${signal}`, { details: { signal } });
}

/**
 * Which signal aborted `signal` (from {@link interruption}'s reason; `'SIGINT'` for any other
 * abort, as a plain `controller.abort()` from a test or an embedding program).
 *
 * @example
 * ```ts
 * interruptedBy(controller.signal); // 'SIGTERM'
 * ```
 */
export function interruptedBy(signal: AbortSignal | undefined): InterruptSignal {
  const s = (signal?.reason as { details?: { signal?: unknown } } | undefined)?.details?.signal;
  return s === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
}

/**
 * The exit status of a command stopped through `signal`: 130 after SIGINT (Ctrl-C), 143 after SIGTERM.
 *
 * @example
 * ```ts
 * return interruptExit(io.signal); // 143 after `kill PID`
 * ```
 */
export function interruptExit(signal: AbortSignal | undefined): number {
  return SIGNAL_EXIT[interruptedBy(signal)];
}
