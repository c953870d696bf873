import type { Redis } from 'ioredis';
import { clientKey } from './clusterKeys.js';

/**
 * A client's heartbeat: the key `<prefix>:clients:<id>` set with a time-to-live of `ttlMs` and
 * refreshed every `ttlMs / 3`. Engines run a client's job only while its key exists
 * ({@link clientAlive}), so that the jobs of a client that died (SIGKILL, a lost machine) — which
 * could not remove its jobs itself — are skipped instead of run for nobody once the key expired.
 */
export class ClientHeartbeat {
  private readonly key: string;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    clientId: string,
    private readonly ttlMs: number,
    private readonly info: Record<string, unknown>,
  ) {
    this.key = clientKey(prefix, clientId);
  }

  /** Sets the key now and every `ttlMs / 3` from now on; resolves after the first attempt (even a failed one). */
  start(): Promise<void> {
    this.timer = setInterval(() => void this.beat(), Math.max(1, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
    return this.beat();
  }

  /** Sets the key once (after a reconnection, before jobs are resubmitted). Never rejects. */
  async beat(): Promise<void> {
    if (this.stopped) return;
    await this.redis.set(this.key, JSON.stringify(this.info), 'PX', this.ttlMs).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Stops beating and deletes the key (best effort, bounded by `ms`). */
  async stop(ms = 1_000): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.race([this.redis.del(this.key).catch(() => {}), new Promise((r) => setTimeout(r, ms).unref())]);
  }
}

/**
 * True unless the heartbeat key of client `clientId` is known to be gone: a Redis error or a
 * slow answer (over `timeoutMs`) counts as alive, so that doubt never drops a job.
 */
export async function clientAlive(redis: Redis, prefix: string, clientId: string, timeoutMs = 2_000): Promise<boolean> {
  let t: NodeJS.Timeout | undefined;
  const slow = new Promise<number>((resolve) => {
    t = setTimeout(() => resolve(1), timeoutMs);
    t.unref();
  });
  try {
    return (await Promise.race([redis.exists(clientKey(prefix, clientId)).catch(() => 1), slow])) > 0;
  } finally {
    clearTimeout(t);
  }
}
