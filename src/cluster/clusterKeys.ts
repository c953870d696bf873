/** The default BullMQ prefix of qinfer-rx's queues and keys (`qinfer:trials:*`, …). */
export const DEFAULT_QUEUE_PREFIX = 'qinfer';

/** Queue of performance-test trials (one job per trial). */
export const TRIAL_QUEUE = 'trials';

/** Queue of likelihood chunks (one job per chunk of particle rows). */
export const LIKELIHOOD_QUEUE = 'likelihood';

/** The kinds of work an engine serves. */
export type EngineService = 'trials' | 'likelihood';

/** Key under which engine `id` announces itself (with a time-to-live refreshed by heartbeats). */
export function engineKey(prefix: string, id: string): string {
  return `${prefix}:engines:${id}`;
}

/** Pattern matching every engine's announcement key. */
export function engineKeyPattern(prefix: string): string {
  return `${prefix}:engines:*`;
}

/** What an engine announces about itself. */
export interface EngineAnnouncement {
  readonly id: string;
  readonly concurrency: number;
  readonly serve: readonly EngineService[];
  readonly models: readonly string[];
  readonly startedAt: number;
}
