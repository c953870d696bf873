import { Piscina } from 'piscina';
import type { Chunk, EngineView, SimulationChunk, SimulationRequest } from '../backends/EngineView.js';
import type { LikelihoodBackend, LikelihoodRequest } from '../backends/LikelihoodBackend.js';
import { CANCELLED, type JobService, type LikelihoodTask, type PoolReply, type PoolTask, type ProbeInfo, type SimulateTask } from '../boundary/threadProtocol.js';
import { fromWireError } from '../boundary/wireError.js';
import type { WorkerThreadData } from '../boundary/workerThread.js';
import { QinferArgumentError, QinferError } from '../errors/QinferError.js';
import { abortError } from '../errors/abortError.js';
import type { TrialResult, TrialSpec } from '../perf/TrialSpec.js';
import { poolBackend, type PoolBackendOptions } from './poolBackend.js';
import { isShared, SharedBufferPool } from './SharedBufferPool.js';

/** What {@link createPool} resolved: everything the pool needs to start its workers. */
export interface PoolConfig {
  readonly engines: number;
  /** Resolved user model modules every worker loads at start-up (file URLs or package names). */
  readonly modules: readonly string[];
  readonly name: string;
  /** File URL of the worker entry (`src/boundary/workerThread.ts` or `.js`). */
  readonly workerUrl: string;
  /** Node flags of the workers (`undefined`: inherit this process's). */
  readonly execArgv: readonly string[] | undefined;
}

/** One trial of {@link Pool.runTrials}: its result or its error, and its time inside the worker (ms). */
export type TrialBatchOutcome =
  | { readonly ok: true; readonly trial: TrialResult; readonly ms: number }
  | { readonly ok: false; readonly error: Error; readonly ms: number };

/** Counters of a pool's work since it was created. */
export interface PoolStats {
  /** Chunk tasks an engine computed. */
  chunks: number;
  /** Chunk tasks cancelled before any engine started them (they did no work). */
  skipped: number;
  /** Tasks that failed because their worker died. */
  crashed: number;
  /** Trials run to completion. */
  trials: number;
  /** Bytes of particles copied into shared memory because the caller's were not shared. */
  copiedIn: number;
  /** Bytes of results (likelihoods, simulated outcomes) copied back because the caller's output buffer was not shared. */
  copiedOut: number;
  /** Cluster jobs run to completion (an engine's pool). */
  jobs: number;
}

type ChunkTask = LikelihoodTask | SimulateTask;

/**
 * A pool of worker threads — the local engines of QInfer's `DirectView` and load-balanced view —
 * built on piscina. Create it with {@link createPool}; close it when done.
 *
 * - As an {@link EngineView} it fills chunks of a likelihood (or simulation) call, one task per
 *   chunk, written in place into shared memory: particles go to the workers in
 *   `SharedArrayBuffer`s (copied once into a recycled shared buffer when the caller's array is
 *   not shared — pass shared arrays to skip even that), the result is written by the workers
 *   into a shared output. Only `{ name, params }` of the model, the outcomes and the
 *   experiments are cloned per task.
 * - {@link backend} gives the {@link LikelihoodBackend} for the `parallel(backend)` operator;
 *   {@link runTrial} runs a whole performance-test trial inside one worker (see `poolTrialApply`).
 *
 * Concurrency: any number of calls may be in flight at once. Each call owns its buffers and its
 * chunk tasks queue in piscina's FIFO, so calls interleave safely and each result equals the
 * serial one.
 *
 * Faults and lifecycle: a model that throws fails its call with `ERR_MODEL` (its own code threw
 * something untyped: the same error as on this thread) or `ERR_WORKER` (anything else) naming the engine
 * (`details.engine`, the worker's `threadId`) and the chunk; a worker that dies fails only the
 * tasks it was running, with `ERR_WORKER_CRASHED`, and piscina starts a replacement. Aborting a
 * call cancels its chunks that no engine has started (they never run) and rejects with
 * `ERR_ABORTED` once its running chunks have finished, so no worker writes into a buffer after
 * the call settled. {@link close} is idempotent, rejects work in flight with `ERR_CLOSED` and
 * resolves when every worker thread has exited.
 *
 * @example
 * ```ts
 * import { SimplePrecessionModel } from 'qinfer-rx';
 * import { createPool, ParallelizedModel } from 'qinfer-rx/pool';
 * const pool = createPool({ engines: 4 });
 * const model = new ParallelizedModel(new SimplePrecessionModel(), pool);
 * const L = await model.likelihoodAsync([0, 1], particles, eps);
 * await pool.close();
 * ```
 */
export class Pool implements EngineView {
  readonly name: string;
  readonly nEngines: number;
  /** File URLs of the user model modules the workers loaded. */
  readonly modules: readonly string[];
  private readonly piscina: Piscina<PoolTask, PoolReply>;
  private readonly buffers = new SharedBufferPool();
  private readonly counters: PoolStats = { chunks: 0, skipped: 0, crashed: 0, trials: 0, copiedIn: 0, copiedOut: 0, jobs: 0 };
  private closing: Promise<void> | undefined;
  private lastIdleError: unknown;

  /** Use {@link createPool}, which validates the options. */
  constructor(config: PoolConfig) {
    this.name = config.name;
    this.nEngines = config.engines;
    this.modules = config.modules;
    const workerData: WorkerThreadData = { modules: [...config.modules] };
    this.piscina = new Piscina<PoolTask, PoolReply>({
      filename: config.workerUrl,
      name: 'handleTask',
      minThreads: config.engines,
      maxThreads: config.engines,
      idleTimeout: Infinity,
      workerData,
      ...(config.execArgv === undefined ? {} : { execArgv: [...config.execArgv] }),
    });
    // A worker that dies while idle is replaced by piscina; without a listener the 'error'
    // event would be thrown in this thread.
    this.piscina.on('error', (e: unknown) => {
      this.lastIdleError = e;
    });
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Counters of the work done so far (a copy). */
  get stats(): PoolStats {
    return { ...this.counters };
  }

  /** The error of the last worker that died while idle, if any (it has been replaced). */
  get lastWorkerError(): unknown {
    return this.lastIdleError;
  }

  /** The `threadId`s of the engines running now (a crashed engine's replacement has a new id). */
  engineIds(): number[] {
    return this.piscina.threads.map((w) => w.threadId);
  }

  /** A {@link LikelihoodBackend} on this pool (`poolBackend(this, options)`; closing it leaves the pool open). */
  backend(options: PoolBackendOptions = {}): LikelihoodBackend {
    return poolBackend(this, options);
  }

  /** Asks one engine what its registry holds (the built-ins plus the pool's model modules). */
  async probe(): Promise<ProbeInfo & { engine: number }> {
    this.checkOpen();
    const reply = await this.piscina.run({ kind: 'probe' }).catch((e: unknown) => {
      throw this.taskRejection(e, {});
    });
    if (!reply.ok) throw fromWireError(reply.error, { engine: reply.engine });
    return { ...reply.probe!, engine: reply.engine };
  }

  /**
   * Fills rows `start..end` of `out` (`[nO, nM, nE]`) for every chunk, one task per non-empty
   * chunk, written by the workers in place (see the class notes on shared memory and faults).
   */
  likelihoodChunks(request: LikelihoodRequest, chunks: readonly Chunk[], out: Float64Array, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.guarded(options.signal, async () => {
      const { model, nModels: nM, expparams } = request;
      chunks.forEach((c) => checkChunk(c, nM, 'particle'));
      const nP = model.nModelparams;
      const size = request.outcomes.length * nM * expparams.length;
      if (request.x.length < nM * nP) throw new QinferArgumentError('ERR_SHAPE', `x holds ${request.x.length} values, ${nM * nP} needed`);
      if (out.length < size) throw new QinferArgumentError('ERR_SHAPE', `output buffer holds ${out.length} values, ${size} needed`);
      const shared = this.shareInputs(request.x, nM * nP, out, size);
      // A recycled buffer keeps an earlier call's values: rows a kernel skips must fail the update's check.
      // (The caller's own buffer is left as given — `backendLikelihood` fills the updater's with NaN.)
      if (shared.out.buffer !== out.buffer) shared.out.fill(NaN, 0, size);
      const board = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, chunks.length)));
      const common = { kind: 'likelihood' as const, model: model.spec(), outcomes: request.outcomes, x: shared.x, nM, eps: expparams.toData(), out: shared.out, board };
      const tasks = chunks.map(([start, end], slot) => ({ task: { ...common, start, end, slot } as LikelihoodTask, chunk: [start, end] as Chunk }));
      try {
        await this.runChunks(tasks.filter((t) => t.chunk[1] > t.chunk[0]), board, options.signal);
        if (shared.out.buffer !== out.buffer) this.copyOut(out, shared.out, size);
      } finally {
        shared.release();
      }
    });
  }

  /**
   * Simulates every chunk (particles × experiments) on one worker with `new Rng(chunk.seed)` and
   * writes it in place into `out` (`[repeat, nM, nE]`), joined on the model and experiment axes.
   */
  simulateChunks(request: SimulationRequest, chunks: readonly SimulationChunk[], out: Int32Array, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.guarded(options.signal, async () => {
      const { model, nModels: nM, expparams, repeat } = request;
      const nP = model.nModelparams, nE = expparams.length;
      chunks.forEach((c) => (checkChunk(c.models, nM, 'particle'), checkChunk(c.experiments, nE, 'experiment')));
      const size = repeat * nM * nE;
      if (request.x.length < nM * nP) throw new QinferArgumentError('ERR_SHAPE', `x holds ${request.x.length} values, ${nM * nP} needed`);
      if (out.length < size) throw new QinferArgumentError('ERR_SHAPE', `output buffer holds ${out.length} values, ${size} needed`);
      const x = this.shareInputs(request.x, nM * nP, undefined, 0);
      const sharedOut = isShared(out) ? out : new Int32Array(new SharedArrayBuffer(4 * Math.max(1, size)));
      const board = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, chunks.length)));
      const spec = model.spec();
      const tasks = chunks.map((c, slot) => {
        const [m0, m1] = c.models, [e0, e1] = c.experiments;
        const task: SimulateTask = { kind: 'simulate', model: spec, x: x.x, nM, eps: expparams.slice(e0, e1).toData(), nE, m0, m1, e0, e1, repeat, seed: c.seed, out: sharedOut, board, slot };
        return { task, chunk: [m0, m1] as Chunk, experiments: c.experiments };
      });
      try {
        await this.runChunks(tasks.filter((t) => t.chunk[1] > t.chunk[0] && t.experiments[1] > t.experiments[0]), board, options.signal);
        if (sharedOut !== out) this.copyOut(out, sharedOut, size);
      } finally {
        x.release();
      }
    });
  }

  /**
   * Runs one performance-test trial wholly inside one worker (`runTrial(spec, registry)` with the
   * worker's registry) and resolves with its result. A failing trial rejects with the error the
   * trial threw, rebuilt with its class and code (plus `details.engine`), as the serial path
   * would; aborting removes a queued trial or terminates the worker running it (piscina then
   * starts a replacement) and rejects with `ERR_ABORTED`.
   */
  runTrial(spec: TrialSpec, options: { signal?: AbortSignal } = {}): Promise<TrialResult> {
    return this.runWhole({ kind: 'trial', spec }, { trial: spec.index }, options.signal).then((reply) => {
      this.counters.trials++;
      return reply.trial!;
    });
  }

  /**
   * Runs several trials one after another inside one worker (one message each way: for short
   * trials, whose round trip would otherwise cost a large part of their time) and resolves with
   * each trial's outcome in order — its result, or its own error rebuilt as {@link runTrial}
   * would reject — and its time inside the worker in ms. The whole call rejects like
   * {@link runTrial} when the worker dies (`ERR_WORKER_CRASHED`: every trial of the batch is
   * lost), on abort or when the pool closes.
   *
   * @example
   * ```ts
   * const [a, b] = await pool.runTrials([specA, specB]);
   * if (a.ok) console.log(a.trial.loss, a.ms);
   * ```
   */
  runTrials(specs: readonly TrialSpec[], options: { signal?: AbortSignal } = {}): Promise<TrialBatchOutcome[]> {
    return this.runWhole({ kind: 'trials', specs }, { trials: specs.map((s) => s.index) }, options.signal).then((reply) => {
      this.counters.trials += specs.length;
      return reply.trials!.map((o, k) => (o.ok ? o : { ok: false as const, error: fromWireError(o.error, { engine: reply.engine, trial: specs[k]!.index }), ms: o.ms }));
    });
  }

  /**
   * Runs one cluster job as it came from Redis (its JSON text, or parsed data) inside one
   * worker: the worker parses it, checks it against `maxJobBytes` / `maxResultBytes` and validates it
   * against its registry (`parseTrialJob` / `parseChunkJob`, sizes first), runs it and returns
   * the encoded result (the job's return value). Failures reject like {@link runTrial}: the job's
   * own error rebuilt with its class and code, `ERR_WORKER_CRASHED` when the worker died,
   * `ERR_ABORTED` (the worker running it is terminated and replaced), `ERR_CLOSED`.
   *
   * @example
   * ```ts
   * const value = await pool.runJob('trials', job.data, { maxResultBytes: 256 << 20 });
   * ```
   */
  runJob(service: JobService, data: unknown, options: { signal?: AbortSignal; maxResultBytes?: number; maxJobBytes?: number } = {}): Promise<unknown> {
    const task = { kind: 'job' as const, service, data, maxResultBytes: options.maxResultBytes ?? 256 << 20, ...(options.maxJobBytes === undefined ? {} : { maxJobBytes: options.maxJobBytes }) };
    return this.runWhole(task, { service }, options.signal).then((reply) => {
      this.counters.jobs++;
      return reply.value;
    });
  }

  /** Runs one task that a single worker does whole (a trial, a job) and resolves with its successful reply. */
  private runWhole(task: PoolTask, details: Record<string, unknown>, signal: AbortSignal | undefined): Promise<PoolReply & { ok: true }> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.closing !== undefined) return Promise.reject(this.closedError());
    return this.piscina.run(task, signal === undefined ? {} : { signal }).then(
      (reply) => {
        if (!reply.ok) throw fromWireError(reply.error, { engine: reply.engine, ...details });
        return reply;
      },
      (e: unknown) => {
        if (signal?.aborted) throw abortError(signal);
        throw this.taskRejection(e, details);
      },
    );
  }

  /**
   * Stops the pool: queued and running tasks are cancelled (their calls reject with
   * `ERR_CLOSED`), the worker threads are terminated, and the promise resolves when all of them
   * have exited. Idempotent: later calls return the same promise. After it the process can exit.
   */
  close(): Promise<void> {
    this.closing ??= this.piscina.destroy().then(() => undefined);
    return this.closing;
  }

  private checkOpen(): void {
    if (this.closing !== undefined) throw this.closedError();
  }

  private closedError(): QinferError {
    return new QinferError('ERR_CLOSED', `${this.name} is closed`);
  }

  /** Runs `body` unless the pool is closed or `signal` already aborted; rejects (never throws). */
  private async guarded(signal: AbortSignal | undefined, body: () => Promise<void>): Promise<void> {
    if (signal?.aborted) throw abortError(signal, 'the call was cancelled');
    this.checkOpen();
    await body();
  }

  /** Shared views of the inputs: the caller's own when already shared, else recycled copies. */
  private shareInputs(x: Float64Array, nx: number, out: Float64Array | undefined, nOut: number): { x: Float64Array; out: Float64Array; release(): void } {
    const held: SharedArrayBuffer[] = [];
    const take = (n: number): Float64Array => {
      const sab = this.buffers.acquire(8 * Math.max(1, n));
      held.push(sab);
      return new Float64Array(sab, 0, n);
    };
    let sx = x.length === nx ? x : x.subarray(0, nx);
    if (!isShared(sx)) {
      const copy = take(nx);
      copy.set(sx);
      sx = copy;
      this.counters.copiedIn += 8 * nx;
    }
    let so = out === undefined ? new Float64Array(0) : out.length === nOut ? out : out.subarray(0, nOut);
    if (out !== undefined && !isShared(so)) so = take(nOut);
    return { x: sx, out: so, release: () => held.forEach((b) => this.buffers.release(b)) };
  }

  /** Copies the first `n` values of a shared result into the caller's private `out`. */
  private copyOut<T extends Float64Array | Int32Array>(out: T, shared: T, n: number): void {
    out.set(shared.subarray(0, n));
    this.counters.copiedOut += n * shared.BYTES_PER_ELEMENT;
  }

  /**
   * The error for a task piscina rejected: its data could not be posted (`ERR_PAYLOAD`: model
   * parameters must be structured-cloneable), the pool closed under it, or its worker died.
   */
  private taskRejection(e: unknown, details: Record<string, unknown>): QinferError {
    if ((e as { name?: unknown } | null)?.name === 'DataCloneError') {
      return new QinferError('ERR_PAYLOAD', `a task could not be sent to ${this.name}: ${(e as Error).message} (model params must be plain data)`, { cause: e, details });
    }
    if (this.closing !== undefined) return new QinferError('ERR_CLOSED', `${this.name} closed while the task was in flight`, { cause: e, details });
    this.counters.crashed++;
    const where = details['engine'] === undefined ? '' : ` engine ${String(details['engine'])}`;
    return new QinferError('ERR_WORKER_CRASHED', `a worker of ${this.name} died${where}: ${e instanceof Error ? e.message : String(e)}`, { cause: e, details });
  }

  /**
   * Runs chunk tasks and resolves when all succeeded. On the first failure, or when `signal`
   * aborts, it cancels every chunk no engine has started (board slot 0 → CANCELLED), waits for the
   * chunks already running, and only then rejects — so the call's buffers are free when it settles.
   */
  private runChunks(tasks: ReadonlyArray<{ task: ChunkTask; chunk: Chunk }>, board: Int32Array, signal: AbortSignal | undefined): Promise<void> {
    if (tasks.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let remaining = tasks.length;
      let failure: Error | undefined;
      const settled = new Array<boolean>(tasks.length).fill(false);
      const onAbort = (): void => fail(abortError(signal!, 'the call was cancelled'));
      const fail = (e: Error): void => {
        if (failure !== undefined) return;
        failure = e;
        signal?.removeEventListener('abort', onAbort);
        for (const { task } of tasks) Atomics.compareExchange(board, task.slot, 0, CANCELLED);
        const running = tasks.flatMap((t, i) => (!settled[i] && Atomics.load(board, t.task.slot) > 0 ? [runs[i]!] : []));
        void Promise.allSettled(running)
          .then(() => this.closing)
          .then(() => reject(this.closing !== undefined && !isAbort(e) ? this.closedError() : e));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const runs = tasks.map(({ task, chunk }, i) =>
        this.piscina
          .run(task)
          .then(
            (reply) => {
              if (!reply.ok) {
                // A user model that threw is ERR_MODEL, as on this thread; anything else an engine failure.
                const code = reply.error.code === 'ERR_MODEL' ? 'ERR_MODEL' : 'ERR_WORKER';
                fail(
                  new QinferError(code, `engine ${reply.engine} failed on chunk [${chunk[0]}, ${chunk[1]}): ${reply.error.message}`, {
                    cause: fromWireError(reply.error),
                    details: { ...(code === 'ERR_MODEL' ? reply.error.details : {}), engine: reply.engine, chunk: [...chunk], causeCode: reply.error.code },
                  }),
                );
              } else if (reply.skipped === true) this.counters.skipped++;
              else this.counters.chunks++;
            },
            (e: unknown) => {
              const engine = Atomics.load(board, task.slot);
              fail(this.taskRejection(e, { engine: engine > 0 ? engine : null, chunk: [...chunk] }));
            },
          )
          .finally(() => {
            settled[i] = true;
            if (--remaining === 0 && failure === undefined) {
              signal?.removeEventListener('abort', onAbort);
              resolve();
            }
          }),
      );
    });
  }
}

/** Throws `ERR_ARGUMENT` unless `0 ≤ start ≤ end ≤ n` (integers). */
function checkChunk([start, end]: Chunk, n: number, what: string): void {
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end <= n)) {
    throw new QinferArgumentError('ERR_ARGUMENT', `${what} chunk [${start}, ${end}) is not within [0, ${n})`);
  }
}

function isAbort(e: Error): boolean {
  return (e as { code?: unknown }).code === 'ERR_ABORTED';
}
