import { fromWireError, toWireError, wireCode, type WireError } from '../boundary/wireError.js';
import { QinferError } from '../errors/QinferError.js';

const PATTERN = /^(ERR_[A-Z0-9_]+) @([^:\s]*): ([\s\S]*)$/;

/**
 * The on-Redis form of a {@link WireError}: the text an engine stores as a failed job's reason,
 * `CODE @engine: message`, readable in any BullMQ dashboard and parsed back by
 * {@link engineReasonToWire}. Errors that are not qinfer-rx errors get the code `ERR_WORKER`.
 *
 * @example
 * ```ts
 * wireToEngineReason({ name: 'QinferError', base: 'QinferError', code: 'ERR_PAYLOAD', message: 'bad x' }, 'host:42'); // 'ERR_PAYLOAD @host:42: bad x'
 * ```
 */
export function wireToEngineReason(w: WireError, engineId: string): string {
  return `${wireCode(w, 'ERR_WORKER')} @${engineId}: ${w.message}`;
}

/**
 * The {@link WireError} of a failed job's reason written by {@link wireToEngineReason} (with the
 * engine in `details.engine`), or `undefined` for reasons BullMQ wrote itself (a job that stalled
 * too often, …).
 */
export function engineReasonToWire(reason: string | undefined): WireError | undefined {
  const m = PATTERN.exec(reason ?? '');
  if (m === null) return undefined;
  return { name: 'QinferError', base: 'QinferError', code: m[1]!, message: m[3]!, details: { engine: m[2] } };
}

/**
 * The text an engine stores as a failed job's reason for error `e` (see {@link wireToEngineReason}).
 *
 * @example
 * ```ts
 * import { QinferError } from 'qinfer-rx';
 * import { formatEngineError } from 'qinfer-rx/cluster';
 * formatEngineError(new QinferError('ERR_PAYLOAD', 'bad x'), 'host:42'); // 'ERR_PAYLOAD @host:42: bad x'
 * ```
 */
export function formatEngineError(e: unknown, engineId: string): string {
  return wireToEngineReason(toWireError(e), engineId);
}

/**
 * Rebuilds the engine's error from a failed job's reason: a {@link QinferError} with the
 * engine's code (so `ERR_PAYLOAD`, `ERR_UNKNOWN_MODEL`, `ERR_ZERO_WEIGHTS`, … reach the client
 * unchanged), `details` plus `details.engine`; reasons written by BullMQ itself (e.g. a job that
 * stalled too often) become `ERR_CLUSTER`.
 */
export function parseEngineError(reason: string | undefined, details: Record<string, unknown> = {}): QinferError {
  const w = engineReasonToWire(reason);
  if (w === undefined) return new QinferError('ERR_CLUSTER', `job failed in the cluster: ${reason ?? 'no reason given'}`, { details });
  return fromWireError(w, { ...details, ...w.details }) as QinferError;
}
