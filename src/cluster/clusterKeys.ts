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

/** The message an engine gives a job it skipped because its client is gone (the client, if alive after all, resubmits it). */
export const CLIENT_GONE = 'client gone';

/** Key under which a client announces that it is alive (a heartbeat with a time-to-live). */
export function clientKey(prefix: string, clientId: string): string {
  return `${prefix}:clients:${clientId}`;
}

/**
 * The BullMQ job name of a client's job: the service and the client's id, `trials@<client>`, so
 * that an engine knows whose job it holds without parsing its data.
 */
export function jobName(service: EngineService, clientId: string): string {
  return `${service}@${clientId}`;
}

/** The client id in a job name made by {@link jobName}, or undefined (a job from another tool). */
export function clientOfJob(name: string | undefined): string | undefined {
  const m = /^(?:trials|likelihood)@([A-Za-z0-9_-]{1,64})$/.exec(name ?? '');
  return m?.[1];
}
