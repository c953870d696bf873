import { setMaxListeners } from 'node:events';
import type { Chunk, EngineView } from '../backends/EngineView.js';
import type { LikelihoodRequest } from '../backends/LikelihoodBackend.js';
import { QinferArgumentError, QinferError, isQinferError } from '../errors/QinferError.js';
import type { TrialApply, TrialResult, TrialSpec } from '../perf/TrialSpec.js';
import { decodeChunkResult, encodeChunkJob, encodeSharedChunkParts } from '../boundary/chunkWire.js';
import { ClusterConnection } from './ClusterConnection.js';
import { DEFAULT_QUEUE_PREFIX, type EngineAnnouncement } from './clusterKeys.js';
import { securityWarning } from './redisCheck.js';
import { redisOptions, type RedisConnectionLike } from './redisOptions.js';
import { decodeTrialResult, encodeTrialJob, MAX_TRIAL_PAYLOAD_BYTES } from '../boundary/trialWire.js';

/** Options of {@link clusterBackend} (times in ms). */
export interface ClusterBackendOptions {
  /** Redis URL (`redis://`, `rediss://` for TLS) or ioredis options (password, tls, …). */
  connection: RedisConnectionLike;
  /** BullMQ prefix shared with the engines (default `'qinfer'`). */
  queuePrefix?: string;
  /** Jobs of one kind in Redis at once; the rest wait in this process (default 256). */
  maxOutstanding?: number;
  /** How long Redis may be unreachable before outstanding work fails with `ERR_CLUSTER` (default 15 000). */
  redisTimeout?: number;
  /** How often outstanding jobs are checked for lost events or lost jobs (default 5 000). */
  reconcileInterval?: number;
  /** How long jobs may wait with no engine serving their queue before failing `ERR_CLUSTER` (default 120 000). */
  engineTimeout?: number;
  /** How many times a job lost by Redis (a restart) is resubmitted (default 3). */
  maxResubmits?: number;
  /** Largest job this client sends, bytes (default 64 MiB; engines enforce their own limit). */
  maxPayloadBytes?: number;
  /** Length kept of each queue's event stream (default 1 000; results ride in events). */
  eventsMaxLen?: number;
  /**
   * Time-to-live of this client's heartbeat key, ms (default 30 000; refreshed every third of
   * it): once a client is gone that long (killed, its machine lost), engines skip the jobs it
   * left in Redis instead of running them for nobody.
   */
  clientTtl?: number;
  /**
   * Receives the warning about a connection to another machine without a password or TLS
   * (default: `process.emitWarning`, printed once on stderr).
   */
  onWarning?: (message: string) => void;
}

/** A cluster of engines seen from the client. */
export interface ClusterBackend {
  /** `cluster:redis://host:port`. */
  readonly name: string;
  /**
   * The `apply` of `perfTestMultiple` (QInfer's `lbview.apply`): each trial is one job that
   * whichever engine is free runs with `runTrial`; the result is the trial's records, identical
   * to a serial run of the same spec. Aborting removes a job still waiting in Redis.
   */
  trialApply(): TrialApply;
  /**
   * An {@link EngineView} for `ParallelizedModel` (QInfer's `DirectView`): each chunk of particle
   * rows is one job; chunks are joined by index, so the result equals the serial likelihood bit
   * for bit. `nEngines` defaults to the total concurrency of the engines serving likelihoods now.
   */
  engineView(options?: { nEngines?: number }): Promise<EngineView>;
  /** The engines alive now (their announcements). */
  engines(): Promise<EngineAnnouncement[]>;
  /** Fails what is outstanding with `ERR_CLOSED` and closes the connections (idempotent). */
  close(): Promise<void>;
}

/** A count option: an integer ≥ 1 (a fraction is refused, never floored: `maxOutstanding: 0.5` would wait forever). */
function count(v: number | undefined, dflt: number, what: string): number {
  const x = v ?? dflt;
  if (!(Number.isSafeInteger(x) && x >= 1)) throw new QinferArgumentError('ERR_ARGUMENT', `${what} must be an integer >= 1 (got ${String(v)})`);
  return x;
}

/** A time option in ms: positive and at most 2³¹ − 1 (beyond it Node's timers fire at once). */
function ms(v: number | undefined, dflt: number, what: string): number {
  const x = v ?? dflt;
  if (!(typeof x === 'number' && x > 0 && x <= 2 ** 31 - 1)) throw new QinferArgumentError('ERR_ARGUMENT', `${what} must be a time in ms in (0, 2147483647] (got ${String(v)})`);
  return x;
}

/**
 * Connects to a qinfer-rx cluster: engines (`qinfer-rx engine --redis URL`) on any number of
 * machines, all sharing one Redis. Work travels as data (trial specs, model names, particle rows
 * as base64 float64); engines rebuild models by name from their registries.
 *
 * Faults: a trial whose engine dies is re-run by another engine (the engines' stalled-job
 * detection); a trial that throws rejects with the engine's error and code; Redis unreachable
 * for `redisTimeout` rejects outstanding work with `ERR_CLUSTER` (sooner reconnection resumes,
 * resubmitting jobs a restarted Redis lost); rejected credentials fail everything at once with
 * `ERR_CLUSTER` (`details.auth`); nothing ever waits forever. Nothing is left
 * behind: jobs this client gives up on (aborted, failed, outstanding at `close()`) are removed
 * from Redis, and engines skip the jobs of a client whose heartbeat (`clientTtl`) expired.
 *
 * @example
 * ```ts
 * import { perfTestMultiple } from 'qinfer-rx';
 * import { clusterBackend } from 'qinfer-rx/cluster';
 * const cluster = clusterBackend({ connection: 'redis://10.0.0.5:6379' });
 * try {
 *   const table = await collect(perfTestMultiple(1000, spec, { apply: cluster.trialApply(), concurrency: 64 }));
 * } finally { await cluster.close(); }
 * ```
 */
export function clusterBackend(options: ClusterBackendOptions): ClusterBackend {
  const redis = redisOptions(options.connection);
  const warning = securityWarning(redis);
  if (warning !== undefined) (options.onWarning ?? ((m: string) => process.emitWarning(m, 'QinferSecurityWarning')))(warning);
  const conn = new ClusterConnection(redis, {
    prefix: options.queuePrefix ?? DEFAULT_QUEUE_PREFIX,
    maxOutstanding: count(options.maxOutstanding, 256, 'maxOutstanding'),
    redisTimeout: ms(options.redisTimeout, 15_000, 'redisTimeout'),
    reconcileInterval: ms(options.reconcileInterval, 5_000, 'reconcileInterval'),
    engineTimeout: ms(options.engineTimeout, 120_000, 'engineTimeout'),
    maxResubmits: count(options.maxResubmits, 3, 'maxResubmits'),
    maxPayloadBytes: count(options.maxPayloadBytes, 64 << 20, 'maxPayloadBytes'),
    eventsMaxLen: count(options.eventsMaxLen, 1_000, 'eventsMaxLen'),
    clientTtl: ms(options.clientTtl, 30_000, 'clientTtl'),
  });
  const name = `cluster:${conn.description}`;

  const trialApply = (): TrialApply => async (spec: TrialSpec, signal: AbortSignal): Promise<TrialResult> => {
    const details = { index: spec.index, seed: spec.seed };
    const data = encodeTrialJob(spec);
    if (JSON.stringify(data).length > MAX_TRIAL_PAYLOAD_BYTES) {
      throw new QinferError('ERR_PAYLOAD', `trial spec larger than ${MAX_TRIAL_PAYLOAD_BYTES} bytes`, { details });
    }
    const raw = await conn.submit('trials', data, { signal, details });
    const r = decodeTrialResult(raw);
    if (r.index !== spec.index || r.seed !== spec.seed) {
      throw new QinferError('ERR_CLUSTER', `an engine answered trial ${spec.index} with trial ${r.index}`, { details });
    }
    return r;
  };

  const likelihoodChunks = async (request: LikelihoodRequest, chunks: readonly Chunk[], out: Float64Array, opts: { signal?: AbortSignal } = {}): Promise<void> => {
    const nO = request.outcomes.length;
    const nE = request.expparams.length;
    const nM = request.nModels;
    const shared = encodeSharedChunkParts(request);
    const inner = new AbortController();
    setMaxListeners(0, inner.signal); // one listener per chunk: many engines are not a leak
    const onAbort = (): void => inner.abort(opts.signal?.reason);
    if (opts.signal?.aborted) throw new QinferError('ERR_ABORTED', 'likelihood call aborted', { cause: opts.signal.reason });
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all(
        chunks
          .filter(([s, e]) => e > s)
          .map(async (chunk) => {
            const [s, e] = chunk;
            try {
              const raw = await conn.submit('likelihood', encodeChunkJob(shared, request.x, chunk), { signal: inner.signal, details: { chunk: [s, e] } });
              const L = decodeChunkResult(raw, nO * (e - s) * nE);
              const w = (e - s) * nE;
              for (let i = 0; i < nO; i++) out.set(L.subarray(i * w, (i + 1) * w), i * nM * nE + s * nE);
            } catch (err) {
              inner.abort(err); // abandon the other chunks of this call
              if (isQinferError(err) && err.code === 'ERR_ABORTED' && !opts.signal?.aborted) return; // a sibling failed first
              throw err;
            }
          }),
      );
      if (opts.signal?.aborted) throw new QinferError('ERR_ABORTED', 'likelihood call aborted', { cause: opts.signal.reason });
      if (inner.signal.aborted) throw inner.signal.reason;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
  };

  return {
    name,
    trialApply,
    async engineView(o = {}) {
      await conn.whenReady();
      let n = o.nEngines;
      if (n === undefined) {
        n = (await conn.engines()).filter((e) => e.serve.includes('likelihood')).reduce((a, e) => a + e.concurrency, 0);
        if (n === 0) throw new QinferError('ERR_CLUSTER', `no engine serves likelihoods on ${conn.description}; start one or pass nEngines`);
      }
      if (!(Number.isInteger(n) && n > 0)) throw new QinferArgumentError('ERR_ARGUMENT', `nEngines must be a positive integer (got ${n})`);
      return { name, nEngines: n, likelihoodChunks, close: () => conn.close() };
    },
    engines: () => conn.engines(),
    close: () => conn.close(),
  };
}
