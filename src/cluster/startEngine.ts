import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import type { Job } from 'bullmq';
import { resolveModelModules } from '../boundary/modelModules.js';
import { jsonSize, payloadError } from '../boundary/payloadGuards.js';
import { MAX_TRIAL_PAYLOAD_BYTES } from '../boundary/trialWire.js';
import { QinferArgumentError, QinferError, isQinferError } from '../errors/QinferError.js';
import { createPool } from '../pool/createPool.js';
import { clientAlive } from './clientHeartbeat.js';
import { Redis, UnrecoverableError, WaitingError } from './clusterPeers.js';
import { CLIENT_GONE, DEFAULT_QUEUE_PREFIX, LIKELIHOOD_QUEUE, TRIAL_QUEUE, clientOfJob, engineKey, type EngineAnnouncement, type EngineService } from './clusterKeys.js';
import { formatEngineError } from './engineError.js';
import { RawDataWorker, rawJobData } from './rawDataWorker.js';
import { checkRedis, isAuthError, securityWarning } from './redisCheck.js';
import { describeRedis, redisOptions, type RedisConnectionLike } from './redisOptions.js';

/** Something an engine reports (for logs and tests). */
export type EngineEvent =
  | { event: 'ready'; id: string; concurrency: number; serve: readonly EngineService[] }
  | { event: 'start'; kind: EngineService; jobId: string }
  | { event: 'done'; kind: EngineService; jobId: string; ms: number }
  | { event: 'failed'; kind: EngineService; jobId: string; reason: string }
  | { event: 'handed-back'; kind: EngineService; jobId: string }
  | { event: 'skipped'; kind: EngineService; jobId: string; reason: string }
  | { event: 'warning'; message: string }
  | { event: 'fatal'; message: string }
  | { event: 'stopping' }
  | { event: 'stopped' }
  | { event: 'error'; message: string };

/** Options of {@link startEngine}. */
export interface EngineOptions {
  /** Redis URL or ioredis options. */
  connection: RedisConnectionLike;
  /** BullMQ prefix shared with the clients (default `'qinfer'`). */
  queuePrefix?: string;
  /** Jobs run at once, one worker thread each (default `os.availableParallelism()`). */
  concurrency?: number;
  /**
   * Model modules to load: paths, `file:` URLs or package names (see `resolveModelModules`),
   * each exporting `registerModels(registry)`, `register(registry)` or a default function — the
   * same modules a pool accepts.
   */
  models?: readonly string[];
  /** Which queues to serve (default both). */
  serve?: readonly EngineService[];
  /** How long an engine's lock on a job lasts without renewal, ms (default 10 000; renewed every half). */
  lockDuration?: number;
  /** How often this engine looks for jobs whose engine died, ms (default 5 000). */
  stalledInterval?: number;
  /** How many times a job may be recovered from a dead engine before it fails (default 2). */
  maxStalledCount?: number;
  /** On stop, how long in-flight jobs may run before they are handed back to the queue, ms (default 30 000). */
  shutdownTimeout?: number;
  /** Largest job payload accepted, bytes (default 64 MiB; trial jobs at most 1 MiB). */
  maxPayloadBytes?: number;
  /** Largest result of one job, bytes (default 64 MiB: results travel through Redis); larger jobs fail with `ERR_PAYLOAD` before they run. */
  maxResultBytes?: number;
  /**
   * Memory one job may take, bytes (default 2 GiB): a trial estimated above it (particles ×
   * parameters, records, `estimateTrialBytes`) or a chunk whose particles and result (particles ×
   * outcomes × experiments) exceed it fails with `ERR_PAYLOAD` before it runs.
   */
  maxJobMemory?: number;
  /**
   * Connection attempts before the engine gives up at start (default 10; an authentication error
   * gives up at once), and authentication errors in a row while serving before it stops
   * ({@link Engine.failed}): a wrong password ends the engine, non-zero, instead of retrying forever.
   */
  connectTries?: number;
  /** Heartbeat period of the engine's announcement key, ms (default 2 000). */
  heartbeatInterval?: number;
  /** Receives engine events (default: none). */
  onEvent?: (e: EngineEvent) => void;
}

/** A running engine. */
export interface Engine {
  readonly id: string;
  readonly concurrency: number;
  /**
   * Stops taking jobs, lets in-flight jobs finish for up to `shutdownTimeout` ms, hands the
   * rest back to the queue (another engine runs them), closes connections and threads.
   * Idempotent.
   */
  stop(): Promise<void>;
  /**
   * Resolves with an `ERR_CLUSTER` error if the engine gives up while serving (Redis rejects its
   * credentials `connectTries` times in a row), after stopping it; never rejects.
   */
  readonly failed: Promise<QinferError>;
}

function positive(v: number | undefined, dflt: number, what: string, integer = true): number {
  const x = v ?? dflt;
  if (!(x > 0) || (integer && !Number.isInteger(x))) throw new QinferArgumentError('ERR_ARGUMENT', `${what} must be a positive ${integer ? 'integer' : 'number'}`);
  return x;
}

/**
 * Starts an engine process's work (QInfer's ipyparallel engine): a BullMQ front — workers on the
 * trial and likelihood queues — on a worker `Pool` of `concurrency` threads (the same pool
 * and worker runtime as `createPool`), so that the main thread stays free to renew job locks (a
 * long trial is never mistaken for a dead engine). Each job's size is checked on the main thread
 * before anything parses it; the worker then validates it against its registry (built-ins plus
 * `models`: nothing named in a job is imported or evaluated), runs it (`runTrial`, or
 * `model.likelihoodInto` on the chunk's rows) and encodes the result. A job whose engine dies is
 * re-run by another engine after `lockDuration` + up to 2 × `stalledInterval`; a job whose
 * worker thread dies fails with `ERR_WORKER_CRASHED` (the pool replaces the thread).
 *
 * @example
 * ```ts
 * import { startEngine } from 'qinfer-rx/cluster';
 * const engine = await startEngine({ connection: 'redis://10.0.0.5:6379', concurrency: 8 });
 * process.once('SIGTERM', () => void engine.stop());
 * ```
 */
export async function startEngine(options: EngineOptions): Promise<Engine> {
  const conn = redisOptions(options.connection);
  const prefix = options.queuePrefix ?? DEFAULT_QUEUE_PREFIX;
  const concurrency = positive(options.concurrency, availableParallelism(), 'concurrency');
  const serve = options.serve ?? ['trials', 'likelihood'];
  const lockDuration = positive(options.lockDuration, 10_000, 'lockDuration');
  const stalledInterval = positive(options.stalledInterval, 5_000, 'stalledInterval');
  const maxStalledCount = positive(options.maxStalledCount, 2, 'maxStalledCount');
  const shutdownTimeout = positive(options.shutdownTimeout, 30_000, 'shutdownTimeout');
  const maxPayloadBytes = positive(options.maxPayloadBytes, 64 << 20, 'maxPayloadBytes');
  const maxResultBytes = positive(options.maxResultBytes, 64 << 20, 'maxResultBytes');
  const maxJobMemory = positive(options.maxJobMemory, 2 ** 31, 'maxJobMemory');
  const connectTries = positive(options.connectTries, 10, 'connectTries');
  const heartbeatInterval = positive(options.heartbeatInterval, 2_000, 'heartbeatInterval');
  const models = resolveModelModules(options.models ?? []);
  const emit = options.onEvent ?? (() => {});
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;

  const warning = securityWarning(conn);
  if (warning !== undefined) emit({ event: 'warning', message: warning });
  // Wrong credentials or an unreachable server end the start here, non-zero, after a bounded number of tries.
  await checkRedis(conn, connectTries);

  const pool = createPool({ engines: concurrency, modules: models, name: `engine ${id}` });
  // Load the model modules once now, so that a bad module fails the start, not the first job.
  try {
    await pool.probe();
  } catch (e) {
    await pool.close();
    throw new QinferArgumentError('ERR_ARGUMENT', `engine could not load its models: ${(e as Error).message}`, { cause: e });
  }

  interface InFlight {
    readonly job: Job;
    readonly token: string | undefined;
    readonly abort: AbortController;
    handBack: boolean;
  }
  const inFlight = new Map<string, InFlight>();

  const processor = (kind: EngineService) => async (job: Job, token?: string): Promise<unknown> => {
    const jobId = job.id ?? '?';
    const limit = kind === 'trials' ? Math.min(maxPayloadBytes, MAX_TRIAL_PAYLOAD_BYTES) : maxPayloadBytes;
    // The size first, in O(1) on the JSON text: nothing large is ever parsed on this thread.
    const raw = rawJobData(job);
    const size = raw !== undefined ? raw.length : jsonSize(job.data, limit);
    if (size > limit) {
      const reason = formatEngineError(payloadError(`job payload larger than ${limit} bytes or nested too deeply`, { limit }), id);
      emit({ event: 'failed', kind, jobId, reason });
      throw new UnrecoverableError(reason);
    }
    const client = clientOfJob(job.name);
    if (client !== undefined && !(await clientAlive(announce, prefix, client))) {
      const reason = formatEngineError(new QinferError('ERR_ABORTED', `${CLIENT_GONE}: the client ${client} of this job stopped its heartbeat; skipped`), id);
      emit({ event: 'skipped', kind, jobId, reason: CLIENT_GONE });
      throw new UnrecoverableError(reason);
    }
    const entry: InFlight = { job, token, abort: new AbortController(), handBack: false };
    inFlight.set(jobId, entry);
    emit({ event: 'start', kind, jobId });
    const t0 = performance.now();
    try {
      const value = await pool.runJob(kind, raw ?? job.data, { signal: entry.abort.signal, maxResultBytes, maxJobBytes: maxJobMemory });
      emit({ event: 'done', kind, jobId, ms: performance.now() - t0 });
      return value;
    } catch (e) {
      if (entry.handBack && isQinferError(e, 'ERR_ABORTED')) {
        await job.moveToWait(token);
        emit({ event: 'handed-back', kind, jobId });
        throw new WaitingError();
      }
      // The job's own error (its code, or ERR_WORKER), or ERR_WORKER_CRASHED when its thread
      // died (the pool replaces it): either way the job's doing, so it is not retried.
      const reason = formatEngineError(e, id);
      emit({ event: 'failed', kind, jobId, reason });
      throw new UnrecoverableError(reason);
    } finally {
      inFlight.delete(jobId);
    }
  };

  const workerOptions = {
    connection: { ...conn, maxRetriesPerRequest: null },
    prefix,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    drainDelay: 5,
    runRetryDelay: 1_000,
    name: id,
  };
  const announce = new Redis({ ...conn, maxRetriesPerRequest: 1, lazyConnect: false });
  // Credentials rejected `connectTries` times in a row while serving: the engine stops and reports it.
  let authErrors = 0;
  let heartbeat: NodeJS.Timeout | undefined;
  let giveUp: (e: QinferError) => void = () => {};
  const failed = new Promise<QinferError>((res) => (giveUp = res));
  const onRedisError = (e: Error): void => {
    if (!isAuthError(e)) return;
    if (++authErrors === connectTries) {
      const err = new QinferError('ERR_CLUSTER', `authentication failed at ${describeRedis(conn)} ${authErrors} times in a row: ${e.message}`, { details: { auth: true } });
      emit({ event: 'fatal', message: err.message });
      void stop(true).then(() => giveUp(err));
    }
  };
  announce.on('error', onRedisError);
  announce.on('ready', () => (authErrors = 0));
  const workers = serve.map((s) => {
    const limit = s === 'trials' ? Math.min(maxPayloadBytes, MAX_TRIAL_PAYLOAD_BYTES) : maxPayloadBytes;
    const w = new RawDataWorker(s === 'trials' ? TRIAL_QUEUE : LIKELIHOOD_QUEUE, processor(s), workerOptions, {
      limit,
      reason: (_jobId, bytes) => formatEngineError(payloadError(`job payload larger than ${limit} bytes (${bytes} bytes)`, { limit }), id),
      onRejected: (jobId, reason) => emit({ event: 'failed', kind: s, jobId, reason }),
    });
    w.on('error', (e) => {
      emit({ event: 'error', message: e.message });
      onRedisError(e);
    });
    return w;
  });
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  const announcement: EngineAnnouncement = { id, concurrency, serve, models, startedAt: Date.now() };
  const key = engineKey(prefix, id);
  const beat = (): void => {
    announce.set(key, JSON.stringify(announcement), 'PX', heartbeatInterval * 3).catch(() => {});
  };
  beat();
  heartbeat = setInterval(beat, heartbeatInterval);
  heartbeat.unref();
  emit({ event: 'ready', id, concurrency, serve });

  let stopping: Promise<void> | undefined;
  /** Stops the engine; `now` (Redis refuses it: nothing can be handed back or finished) skips the grace period. */
  function stop(now = false): Promise<void> {
    stopping ??= (async () => {
      emit({ event: 'stopping' });
      clearInterval(heartbeat);
      const grace = now ? 0 : shutdownTimeout;
      const handBack = setTimeout(() => {
        for (const f of inFlight.values()) {
          f.handBack = true;
          f.abort.abort();
        }
      }, grace);
      // Past the hand-back, give Redis a few seconds; then drop the connections regardless.
      const hard = new Promise<void>((res) => setTimeout(res, grace + (now ? 500 : 5_000)).unref());
      const graceful = Promise.all(workers.map((w) => w.close(now))).then(() => undefined);
      await Promise.race([graceful, hard]);
      clearTimeout(handBack);
      await Promise.race([announce.del(key).then(() => announce.quit()).catch(() => {}), new Promise((r) => setTimeout(r, 1_000).unref())]);
      announce.disconnect();
      await Promise.all(workers.map((w) => w.disconnect().catch(() => {})));
      await pool.close();
      emit({ event: 'stopped' });
    })();
    return stopping;
  }
  return { id, concurrency, stop: () => stop(), failed };
}
