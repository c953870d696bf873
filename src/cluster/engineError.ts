import { QinferError, isQinferError, type QinferErrorCode } from '../errors/QinferError.js';

const PATTERN = /^(ERR_[A-Z0-9_]+) @([^:\s]*): ([\s\S]*)$/;

/**
 * The text an engine stores as a failed job's reason: `CODE @engine: message`, readable in any
 * BullMQ dashboard and parsed back by {@link parseEngineError}. Errors without a code become
 * `ERR_WORKER`.
 *
 * @example
 * ```ts
 * import { QinferError } from 'qinfer-rx';
 * import { formatEngineError } from 'qinfer-rx/cluster';
 * formatEngineError(new QinferError('ERR_PAYLOAD', 'bad x'), 'host:42'); // 'ERR_PAYLOAD @host:42: bad x'
 * ```
 */
export function formatEngineError(e: unknown, engineId: string): string {
  const code = isQinferError(e) ? e.code : 'ERR_WORKER';
  const message = e instanceof Error ? e.message : String(e);
  return `${code} @${engineId}: ${message}`;
}

/**
 * Rebuilds the engine's error from a failed job's reason: a {@link QinferError} with the
 * engine's code (so `ERR_PAYLOAD`, `ERR_UNKNOWN_MODEL`, `ERR_ZERO_WEIGHTS`, … reach the client
 * unchanged) and `details.engine`; reasons written by BullMQ itself (e.g. a job that stalled
 * too often) become `ERR_CLUSTER`.
 */
export function parseEngineError(reason: string | undefined, details: Record<string, unknown> = {}): QinferError {
  const m = PATTERN.exec(reason ?? '');
  if (m === null) return new QinferError('ERR_CLUSTER', `job failed in the cluster: ${reason ?? 'no reason given'}`, { details });
  return new QinferError(m[1] as QinferErrorCode, m[3]!, { details: { ...details, engine: m[2] } });
}
