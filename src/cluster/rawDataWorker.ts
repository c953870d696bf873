import type { Job, JobJsonRaw, Processor, WorkerOptions } from 'bullmq';
import type { Redis as IORedis } from 'ioredis';
import { Worker as BullWorker } from './clusterPeers.js';

const RAW = Symbol('qinfer-rx raw job data');

/**
 * Moves waiting job `ARGV[1]` to the failed set with reason `ARGV[2]` (BullMQ's layout: the
 * `failed` sorted set, `failedReason` / `finishedOn` on the job hash, a `failed` event in the
 * queue's stream, which clients wait on) and drops its data, so that Redis never moves it to
 * `active` nor sends its payload to anyone. Returns 0 when the job is no longer waiting.
 */
const FAIL_WAITING = `
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[3], 'failedReason', ARGV[2], 'finishedOn', ARGV[3], 'atm', '1')
redis.call('HDEL', KEYS[3], 'data')
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', '10000', '*', 'event', 'failed', 'jobId', ARGV[1], 'failedReason', ARGV[2], 'prev', 'waiting')
return 1
`;

/** The size limit a {@link RawDataWorker} applies before a job becomes active. */
export interface WaitingJobGuard {
  /** Largest data, bytes (UTF-8 length of its JSON). */
  readonly limit: number;
  /** The failed reason of a job above it. */
  readonly reason: (jobId: string, bytes: number) => string;
  /** Called after a job was failed this way. */
  readonly onRejected?: (jobId: string, reason: string) => void;
}

/**
 * A BullMQ worker that never makes a large payload cost anything on the engine's main thread —
 * the thread that renews job locks:
 *
 * - Before it takes the next job, it looks at the data size of the job next in line (`LINDEX`,
 *   `HSTRLEN`: O(1) in Redis) and fails a job above `guard.limit` where it waits: Redis never
 *   moves tens of megabytes to `active` (a script that blocks every client of that Redis for
 *   hundreds of ms) and the engine never receives them. Under a short `lockDuration` (1000 ms) an
 *   oversized job would otherwise lose its lock before it could be rejected, and bounce between
 *   engines ("Missing lock") until it stalled too often.
 * - A job it does take keeps its data as the JSON text Redis returned ({@link rawJobData}): its
 *   length is checked in O(1), and it is parsed in a worker thread (the engine's pool), not here.
 *   `job.data` is `{}`.
 */
export class RawDataWorker extends BullWorker {
  private readonly guard: WaitingJobGuard | undefined;

  constructor(name: string, processor: Processor, opts: WorkerOptions, guard?: WaitingJobGuard) {
    super(name, processor, opts);
    this.guard = guard;
  }

  protected override createJob(data: JobJsonRaw, jobId: string): Job {
    const raw = typeof data.data === 'string' ? data.data : '{}';
    const job = super.createJob({ ...data, data: '{}' }, jobId);
    Object.defineProperty(job, RAW, { value: raw, enumerable: false });
    return job;
  }

  protected override async moveToActive(client: Parameters<BullWorker['moveToActive']>[0], token: string, name?: string): Promise<Job> {
    if (this.guard !== undefined) await this.failOversizedHead(client as unknown as IORedis, this.guard).catch(() => {});
    return super.moveToActive(client, token, name);
  }

  /** Fails the oversized jobs at the head of the wait list (at most 16 per fetch). */
  private async failOversizedHead(client: IORedis, guard: WaitingJobGuard): Promise<void> {
    const key = (type: string): string => (this as unknown as { toKey(t: string): string }).toKey(type);
    for (let k = 0; k < 16; k++) {
      const id = await client.lindex(key('wait'), -1);
      if (id === null) return;
      const bytes = await client.hstrlen(key(id), 'data');
      if (bytes <= guard.limit) return;
      const reason = guard.reason(id, bytes);
      const moved = await client.eval(FAIL_WAITING, 4, key('wait'), key('failed'), key(id), key('events'), id, reason, String(Date.now()));
      if (moved === 1) guard.onRejected?.(id, reason);
    }
  }
}

/**
 * The JSON text of a job fetched by a {@link RawDataWorker} (undefined for any other job).
 *
 * @example
 * ```ts
 * const raw = rawJobData(job); // '{"v":1,"spec":{…}}'
 * if (raw !== undefined && raw.length > limit) throw payloadError('too large');
 * ```
 */
export function rawJobData(job: Job): string | undefined {
  const raw = (job as unknown as Record<symbol, unknown>)[RAW];
  return typeof raw === 'string' ? raw : undefined;
}
