import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents, Redis } from './clusterPeers.js';
import type { RedisOptions } from 'ioredis';
import { QinferError, isQinferError } from '../errors/QinferError.js';
import { hostname } from 'node:os';
import { ClientHeartbeat } from './clientHeartbeat.js';
import { CLIENT_GONE, LIKELIHOOD_QUEUE, TRIAL_QUEUE, engineKeyPattern, jobName, type EngineAnnouncement, type EngineService } from './clusterKeys.js';
import { parseEngineError } from './engineError.js';
import { jsonSize, payloadError } from '../boundary/payloadGuards.js';
import { isAuthError } from './redisCheck.js';
import { describeRedis } from './redisOptions.js';

/** Tuning of a {@link ClusterConnection} (all times in ms). */
export interface ClusterConnectionOptions {
  readonly prefix: string;
  readonly maxOutstanding: number;
  readonly redisTimeout: number;
  readonly reconcileInterval: number;
  readonly engineTimeout: number;
  readonly maxResubmits: number;
  readonly maxPayloadBytes: number;
  readonly eventsMaxLen: number;
  /** Time-to-live of this client's heartbeat key: engines skip its jobs once it expired. */
  readonly clientTtl: number;
}

/** Per-job options of {@link ClusterConnection.submit}. */
export interface SubmitOptions {
  readonly signal?: AbortSignal;
  /** Facts added to any error (trial index, chunk, …). */
  readonly details?: Record<string, unknown>;
}

interface Pending {
  readonly id: string;
  readonly service: EngineService;
  readonly data: unknown;
  readonly details: Record<string, unknown>;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort?: () => void;
  sent: boolean;
  settled: boolean;
  missing: number;
  resubmits: number;
}

const SERVICES: readonly EngineService[] = ['trials', 'likelihood'];

/**
 * The client side of a qinfer-rx cluster: one Redis connection, a BullMQ queue and event reader
 * per service, and the bookkeeping that turns jobs into promises that always settle:
 * - at most `maxOutstanding` jobs of each service sit in Redis at once (the rest wait here);
 * - a job's completion or failure event settles its promise; an abort removes a waiting job;
 * - Redis unreachable for longer than `redisTimeout` fails every outstanding job with
 *   `ERR_CLUSTER`; when it comes back sooner, jobs it lost (a restarted Redis) are resubmitted;
 * - every `reconcileInterval` the jobs still outstanding are looked up (a lost event, a lost
 *   job), and when no engine serving a queue has announced itself for `engineTimeout`, its
 *   jobs fail with `ERR_CLUSTER`;
 * - a job this client gives up on (aborted, failed with `ERR_CLUSTER`, or outstanding at
 *   `close()`) is removed from Redis — at once, or when Redis is back — and a heartbeat key
 *   with a time-to-live (`clientTtl`) tells engines that the client is alive: the jobs of a
 *   client that died without removing them are skipped by the engines (and an alive client
 *   whose job was skipped — its key expired during an outage — resubmits it).
 * Used through `clusterBackend`; exported for tools that submit their own jobs.
 */
export class ClusterConnection {
  readonly redis: Redis;
  readonly description: string;
  private readonly opts: ClusterConnectionOptions;
  private readonly clientId = randomUUID().slice(0, 13);
  private seq = 0;
  private readonly queues = new Map<EngineService, Queue>();
  private readonly events = new Map<EngineService, QueueEvents>();
  private readonly pending = new Map<string, Pending>();
  private readonly waiting = new Map<EngineService, Pending[]>(SERVICES.map((s) => [s, []]));
  private readonly outstanding = new Map<EngineService, number>(SERVICES.map((s) => [s, 0]));
  private readonly noEngineSince = new Map<EngineService, number>();
  private readonly ready: Promise<void>;
  private downSince: number | undefined = Date.now();
  private downTimer: NodeJS.Timeout | undefined;
  private runId: string | undefined;
  private readonly reconcileTimer: NodeJS.Timeout;
  private reconciling = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly heartbeat: ClientHeartbeat;
  private readonly heartbeatReady: Promise<void>;
  /** Jobs given up on while Redis was away: removed when it is back. */
  private readonly orphans = new Map<string, EngineService>();
  private readonly removals = new Set<Promise<unknown>>();
  /** `queue.add` calls not answered yet: `close()` waits for them, so that no job lands after it. */
  private readonly adds = new Set<Promise<unknown>>();
  /** Set once Redis rejected this client's credentials: everything fails with it from then on. */
  private fatal: QinferError | undefined;
  private readonly fatalSeen: Promise<never>;
  private onFatal: (e: QinferError) => void = () => {};

  constructor(redisOpts: RedisOptions, opts: ClusterConnectionOptions) {
    this.opts = opts;
    this.description = describeRedis(redisOpts);
    const retryStrategy = (times: number): number => Math.min(100 * 2 ** Math.min(times, 4), 1_000);
    this.redis = new Redis({ ...redisOpts, maxRetriesPerRequest: null, enableOfflineQueue: true, retryStrategy });
    this.fatalSeen = new Promise<never>((_, reject) => (this.onFatal = reject));
    this.fatalSeen.catch(() => {});
    // Errors are reported through the watchdog, not as unhandled events — except rejected
    // credentials, which no retry can fix: they fail everything at once.
    this.redis.on('error', (e: Error) => {
      if (isAuthError(e)) this.failAuth(e);
    });
    this.redis.on('close', () => this.markDown());
    this.redis.on('ready', () => void this.markUp());
    this.armDownTimer();
    this.heartbeat = new ClientHeartbeat(this.redis, opts.prefix, this.clientId, opts.clientTtl, { host: hostname(), pid: process.pid, startedAt: Date.now() });
    this.heartbeatReady = this.heartbeat.start();
    for (const s of SERVICES) {
      const q = new Queue(s === 'trials' ? TRIAL_QUEUE : LIKELIHOOD_QUEUE, {
        connection: this.redis,
        prefix: opts.prefix,
        streams: { events: { maxLen: opts.eventsMaxLen } },
      });
      q.on('error', () => {});
      this.queues.set(s, q);
    }
    this.ready = this.startEvents(redisOpts, retryStrategy);
    this.ready.catch(() => {});
    this.reconcileTimer = setInterval(() => void this.reconcile(false), opts.reconcileInterval);
    this.reconcileTimer.unref();
  }

  private failAuth(e: Error): void {
    if (this.fatal !== undefined || this.closed) return;
    this.fatal = new QinferError('ERR_CLUSTER', `authentication failed at ${this.description}: ${e.message} (check the password or ACL user)`, { details: { auth: true } });
    this.onFatal(this.fatal);
    this.failAll(() => this.fatal!);
  }

  /** Reads every queue's events from now on (the stream id is taken from Redis' own clock). */
  private async startEvents(redisOpts: RedisOptions, retryStrategy: (n: number) => number): Promise<void> {
    const [sec, usec] = await this.redis.time();
    const lastEventId = `${Number(sec) * 1000 + Math.floor(Number(usec) / 1000) - 1}-0`;
    if (this.closed) return;
    for (const s of SERVICES) {
      const ev = new QueueEvents(s === 'trials' ? TRIAL_QUEUE : LIKELIHOOD_QUEUE, {
        connection: { ...redisOpts, maxRetriesPerRequest: null, retryStrategy },
        prefix: this.opts.prefix,
        lastEventId,
        blockingTimeout: 5_000,
      });
      ev.on('error', () => {});
      ev.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, undefined, returnvalue));
      ev.on('failed', ({ jobId, failedReason }) => {
        const p = this.pending.get(jobId);
        if (p !== undefined) this.failed(p, failedReason);
      });
      this.events.set(s, ev);
    }
    await Promise.all([...this.events.values()].map((e) => e.waitUntilReady()));
  }

  /**
   * Sends one job and resolves with its return value (or rejects with the engine's typed error,
   * `ERR_PAYLOAD` when the data is larger than `maxPayloadBytes`, `ERR_ABORTED`, `ERR_CLOSED` or
   * `ERR_CLUSTER`).
   */
  submit(service: EngineService, data: unknown, options: SubmitOptions = {}): Promise<unknown> {
    const details = options.details ?? {};
    if (this.closed) return Promise.reject(new QinferError('ERR_CLOSED', 'cluster backend used after close()', { details }));
    if (this.fatal !== undefined) return Promise.reject(this.fatal);
    if (options.signal?.aborted) return Promise.reject(new QinferError('ERR_ABORTED', 'cluster job aborted', { cause: options.signal.reason, details }));
    if (jsonSize(data, this.opts.maxPayloadBytes) > this.opts.maxPayloadBytes) {
      return Promise.reject(payloadError(`job payload larger than ${this.opts.maxPayloadBytes} bytes`, { ...details, limit: this.opts.maxPayloadBytes }));
    }
    return new Promise((resolve, reject) => {
      const id = `${this.clientId}-${++this.seq}`;
      const p: Pending = { id, service, data, details, resolve, reject, signal: options.signal, sent: false, settled: false, missing: 0, resubmits: 0 };
      if (options.signal !== undefined) {
        p.onAbort = () => {
          const w = this.waiting.get(service)!;
          const i = w.indexOf(p);
          if (i >= 0) w.splice(i, 1);
          this.discard(p);
          this.finish(p, new QinferError('ERR_ABORTED', 'cluster job aborted', { cause: options.signal!.reason, details: { ...details, jobId: id } }));
        };
        options.signal.addEventListener('abort', p.onAbort, { once: true });
      }
      if (this.outstanding.get(service)! < this.opts.maxOutstanding) this.send(p);
      else this.waiting.get(service)!.push(p);
    });
  }

  private send(p: Pending): void {
    if (!p.sent) {
      p.sent = true;
      this.outstanding.set(p.service, this.outstanding.get(p.service)! + 1);
      this.pending.set(p.id, p);
    }
    // The heartbeat key first: an engine must never see a job of a client it cannot see.
    const add = this.heartbeatReady
      .then(() => this.queues.get(p.service)!.add(jobName(p.service, this.clientId), p.data, { jobId: p.id, attempts: 1, removeOnComplete: true, removeOnFail: { age: 86_400, count: 1_000 } }))
      .then(
        () => {
          if (p.settled) this.discard(p); // given up on while it was being added
        },
        (e: unknown) => {
          if (!p.settled) this.finish(p, new QinferError('ERR_CLUSTER', `could not submit a job to ${this.description}: ${(e as Error).message}`, { cause: e, details: p.details }));
        },
      );
    this.adds.add(add);
    void add.finally(() => this.adds.delete(add));
  }

  /**
   * A job failed on an engine: its error settles it — unless the engine skipped it because this
   * client's heartbeat had expired (an outage longer than `clientTtl`): this client is alive, so
   * it renews its heartbeat and sends the job again (the failed copy removed first: BullMQ would
   * keep an id it already holds).
   */
  private failed(p: Pending, reason: string | undefined): void {
    if (p.settled) return;
    const e = parseEngineError(reason, { ...p.details, jobId: p.id });
    if (!(e.code === 'ERR_ABORTED' && e.message.startsWith(CLIENT_GONE) && !this.closed)) return this.finish(p, e);
    void this.heartbeat
      .beat()
      .then(() => this.queues.get(p.service)!.remove(p.id))
      .catch(() => {})
      .then(() => {
        if (!p.settled) this.resubmit(p, 'skipped by an engine (its heartbeat had expired)');
      });
  }

  /** Sends a job again (a lost job, a skipped one), failing it with `ERR_CLUSTER` past `maxResubmits`. */
  private resubmit(p: Pending, why: string): void {
    if (++p.resubmits > this.opts.maxResubmits) {
      this.finish(p, new QinferError('ERR_CLUSTER', `job ${p.id} was ${why} ${p.resubmits} times`, { details: { ...p.details, jobId: p.id } }));
    } else this.send(p);
  }

  /** Removes a job this client gave up on from Redis: now, or when Redis is back. */
  private discard(p: Pending): void {
    if (!p.sent) return;
    if (this.downSince !== undefined) {
      this.orphans.set(p.id, p.service);
      return;
    }
    const r = this.queues.get(p.service)!.remove(p.id).catch(() => {});
    this.removals.add(r);
    void r.finally(() => this.removals.delete(r));
  }

  private settle(jobId: string, error: unknown, value?: unknown): void {
    const p = this.pending.get(jobId);
    if (p !== undefined) this.finish(p, error, value);
  }

  private finish(p: Pending, error: unknown, value?: unknown): void {
    if (p.settled) return;
    p.settled = true;
    if (p.onAbort !== undefined) p.signal!.removeEventListener('abort', p.onAbort);
    if (this.pending.delete(p.id)) {
      this.outstanding.set(p.service, this.outstanding.get(p.service)! - 1);
      const w = this.waiting.get(p.service)!;
      while (w.length > 0 && this.outstanding.get(p.service)! < this.opts.maxOutstanding) this.send(w.shift()!);
    }
    if (error !== undefined) p.reject(error);
    else p.resolve(value);
  }

  /** Fails every job of `services` (sent or waiting) with `error(p)`, removing the sent ones from Redis. */
  private failAll(error: (p: Pending) => QinferError, services: readonly EngineService[] = SERVICES): void {
    for (const s of services) {
      const w = this.waiting.get(s)!.splice(0);
      for (const p of w) this.finish(p, error(p));
    }
    for (const p of [...this.pending.values()]) {
      if (!services.includes(p.service)) continue;
      this.finish(p, error(p));
      this.discard(p);
    }
  }

  private armDownTimer(): void {
    clearTimeout(this.downTimer);
    this.downTimer = setTimeout(() => {
      if (this.downSince === undefined || this.closed) return;
      const ms = Date.now() - this.downSince;
      this.failAll((p) => new QinferError('ERR_CLUSTER', `Redis at ${this.description} unreachable for ${ms} ms`, { details: { ...p.details, jobId: p.id } }));
      this.armDownTimer(); // later submissions while Redis is still away fail the same way
    }, this.opts.redisTimeout);
    this.downTimer.unref();
  }

  private markDown(): void {
    if (this.downSince !== undefined || this.closed) return;
    this.downSince = Date.now();
    this.armDownTimer();
  }

  private async markUp(): Promise<void> {
    this.downSince = undefined;
    clearTimeout(this.downTimer);
    await this.heartbeat.beat(); // before anything is resubmitted: engines must see this client alive
    for (const [id, service] of [...this.orphans]) {
      this.orphans.delete(id);
      const r = this.queues.get(service)!.remove(id).catch(() => {});
      this.removals.add(r);
      void r.finally(() => this.removals.delete(r));
    }
    try {
      const info = await this.redis.info('server');
      const runId = /run_id:(\w+)/.exec(info)?.[1];
      const restarted = this.runId !== undefined && runId !== this.runId;
      this.runId = runId;
      if (restarted) await this.reconcile(true);
    } catch {
      // the next reconcile looks again
    }
  }

  /**
   * Looks up every outstanding job: settles finished ones whose event was missed, resubmits
   * lost ones (at once when Redis restarted, else when missing twice in a row), and fails a
   * queue's jobs when no engine has served it for `engineTimeout`.
   */
  private async reconcile(redisRestarted: boolean): Promise<void> {
    if (this.reconciling || this.closed || this.downSince !== undefined) return;
    if (this.pending.size === 0 && [...this.waiting.values()].every((w) => w.length === 0)) {
      this.noEngineSince.clear();
      return;
    }
    this.reconciling = true;
    try {
      const now = Date.now();
      const live = await this.engines();
      for (const s of SERVICES) {
        const busy = this.outstanding.get(s)! > 0;
        if (!busy || live.some((e) => e.serve.includes(s))) this.noEngineSince.delete(s);
        else if (!this.noEngineSince.has(s)) this.noEngineSince.set(s, now);
        else if (now - this.noEngineSince.get(s)! > this.opts.engineTimeout) {
          this.noEngineSince.delete(s);
          this.failAll((p) => new QinferError('ERR_CLUSTER', `no engine has served '${s}' on ${this.description} for ${this.opts.engineTimeout} ms`, { details: { ...p.details, jobId: p.id } }), [s]);
        }
      }
      const sent = [...this.pending.values()];
      const states = await Promise.all(sent.map((p) => this.queues.get(p.service)!.getJobState(p.id).catch(() => 'error' as const)));
      sent.forEach((p, i) => {
        if (p.settled) return;
        const st = states[i];
        if (st !== 'unknown') {
          p.missing = 0;
          if (st === 'failed') {
            void this.queues.get(p.service)!.getJob(p.id).then((j) => j && this.failed(p, j.failedReason));
          }
          return;
        }
        if (!redisRestarted && ++p.missing < 2) return;
        p.missing = 0;
        this.resubmit(p, 'lost');
      });
    } catch {
      // Redis went away in the middle: the watchdog handles it
    } finally {
      this.reconciling = false;
    }
  }

  /**
   * The engines that have announced themselves within their heartbeat's time-to-live
   * (`ERR_CLUSTER` when Redis does not answer within `redisTimeout`).
   */
  async engines(): Promise<EngineAnnouncement[]> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      t = setTimeout(() => rej(new QinferError('ERR_CLUSTER', `Redis at ${this.description} did not answer within ${this.opts.redisTimeout} ms`)), this.opts.redisTimeout);
    });
    try {
      return await Promise.race([this.scanEngines(), timeout, this.fatalSeen]);
    } catch (e) {
      if (isQinferError(e)) throw e;
      if (isAuthError(e)) {
        this.failAuth(e as Error);
        throw this.fatal!;
      }
      throw new QinferError('ERR_CLUSTER', `Redis at ${this.description} failed to list the engines: ${(e as Error).message}`, { cause: e });
    } finally {
      clearTimeout(t);
    }
  }

  private async scanEngines(): Promise<EngineAnnouncement[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', engineKeyPattern(this.opts.prefix), 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const values = await this.redis.mget(...keys);
    const out: EngineAnnouncement[] = [];
    for (const v of values) {
      try {
        if (v !== null) out.push(JSON.parse(v) as EngineAnnouncement);
      } catch {
        // not ours
      }
    }
    return out;
  }

  /** Waits until the event readers run (or rejects with `ERR_CLUSTER` after `redisTimeout`). */
  async whenReady(): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      t = setTimeout(() => rej(new QinferError('ERR_CLUSTER', `Redis at ${this.description} unreachable for ${this.opts.redisTimeout} ms`)), this.opts.redisTimeout);
    });
    try {
      await Promise.race([this.ready, timeout, this.fatalSeen]);
    } catch (e) {
      throw isQinferError(e) ? e : new QinferError('ERR_CLUSTER', `cannot reach Redis at ${this.description}: ${(e as Error).message}`, { cause: e });
    } finally {
      clearTimeout(t);
    }
  }

  /**
   * Fails what is still outstanding with `ERR_CLOSED`, removes this client's waiting jobs from
   * Redis (best effort; with those given up on earlier), deletes its heartbeat key and closes
   * every connection, within a few seconds even when Redis is gone. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const sent = [...this.pending.values()];
      this.failAll((p) => new QinferError('ERR_CLOSED', 'cluster backend closed', { details: { ...p.details, jobId: p.id } }));
      this.closed = true;
      clearInterval(this.reconcileTimer);
      clearTimeout(this.downTimer);
      const bounded = (p: Promise<unknown>, ms: number): Promise<unknown> => Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms).unref())]);
      if (this.downSince === undefined) {
        await bounded(Promise.all([...this.adds]), 2_000); // then every job this client added is known, and removable
        const orphans = [...this.orphans].map(([id, service]) => this.queues.get(service)!.remove(id).catch(() => {}));
        await bounded(Promise.all([...sent.map((p) => this.queues.get(p.service)!.remove(p.id).catch(() => {})), ...orphans, ...this.removals]), 2_000);
      }
      await this.heartbeat.stop();
      await bounded(Promise.all([...this.events.values()].map((e) => e.close())), 2_000);
      await bounded(Promise.all([...this.queues.values()].map((q) => q.close())), 2_000);
      for (const e of this.events.values()) await e.disconnect().catch(() => {});
      this.redis.disconnect();
    })();
    return this.closing;
  }
}
