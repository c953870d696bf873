import { fork, type ChildProcess } from 'node:child_process';
import { siblingModule } from '../boundary/siblingModule.js';
import { fromWireError } from '../boundary/wireError.js';
import { QinferError } from '../errors/QinferError.js';
import type { GpuAdapterInfo } from './GpuAdapterInfo.js';
import { GpuUnavailableError } from './GpuUnavailableError.js';
import { SharedFile, type Segment } from './SharedFile.js';
import type { GpuFaultKind, HostReply, HostRequest, InitResult } from './hostProtocol.js';

/** Options of {@link GpuHost}. */
export interface GpuHostOptions {
  /** Watchdog per call: a call not answered within this time kills the host (`ERR_GPU`). Default 120 000 ms. */
  timeoutMs?: number;
  /** Watchdog for starting the host and acquiring the adapter. Default 60 000 ms. */
  startTimeoutMs?: number;
  /** Environment of the host process (default: this process's, e.g. `VK_DRIVER_FILES`). */
  env?: NodeJS.ProcessEnv;
  /** Testing: run `gc()` in the host after every submission (checks Dawn's keep-alive rule). */
  forceGc?: boolean;
}

/** Per-call options. */
export interface HostCallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A host's answer to one call: the JSON result and, if any, the bulk output bytes. */
export interface HostResult<R> {
  readonly result: R;
  /** Bulk output, valid until the next call on this host. */
  readonly output: Uint8Array | undefined;
}

type State = 'idle' | 'ready' | 'dead' | 'closed';

/**
 * The GPU host: a child Node process that owns Dawn, so that a native crash (segfault, abort,
 * glibc assertion) or a hang inside `dawn.node` costs only that process. A crash becomes a
 * `QinferError` with code `ERR_GPU` (details: exit code or signal, the host's last stderr lines)
 * for the call in flight; a hang is caught by a per-call watchdog that kills the host and fails
 * the call the same way. The next call starts a fresh host (`generation` counts them; device
 * state such as a resident cloud does not survive). Calls are served one at a time; bulk data
 * crosses through a shared file (`SharedFile`). Idle, the host does not keep this process alive; `close()`
 * ends it and is idempotent.
 *
 * @example
 * ```ts
 * import { GpuHost } from 'qinfer-rx/gpu';
 * const host = new GpuHost();
 * console.log((await host.adapterInfo()).name);
 * await host.close();
 * ```
 */
export class GpuHost {
  private readonly options: Required<Pick<GpuHostOptions, 'timeoutMs' | 'startTimeoutMs'>> & GpuHostOptions;
  private state: State = 'idle';
  private child: ChildProcess | undefined;
  private file: SharedFile | undefined;
  private info: GpuAdapterInfo | undefined;
  private starting: Promise<GpuAdapterInfo> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private pending: { id: number; resolve: (r: HostReply) => void; reject: (e: Error) => void } | undefined;
  private stderrTail = '';
  private readBuf = new Uint8Array(0);
  private gen = 0;

  constructor(options: GpuHostOptions = {}) {
    this.options = { timeoutMs: options.timeoutMs ?? 120_000, startTimeoutMs: options.startTimeoutMs ?? 60_000, ...options };
    for (const k of ['timeoutMs', 'startTimeoutMs'] as const) {
      const v = this.options[k];
      if (!(typeof v === 'number' && v > 0)) throw new RangeError(`${k} must be a positive number, got ${String(v)}`);
    }
  }

  /** How many host processes this client has started (a restart after a crash increments it). */
  get generation(): number {
    return this.gen;
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.state === 'closed';
  }

  /** The adapter, starting the host if needed; rejects with {@link GpuUnavailableError} without one. */
  adapterInfo(): Promise<GpuAdapterInfo> {
    if (this.state === 'closed') return Promise.reject(new QinferError('ERR_CLOSED', 'GPU host used after close()'));
    if (this.state === 'ready' && this.info) return Promise.resolve(this.info);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<GpuAdapterInfo> {
    this.file = SharedFile.create();
    let host;
    try {
      host = siblingModule('gpuHostMain', import.meta.url);
    } catch (e) {
      throw new QinferError('ERR_GPU', `cannot start the GPU host: ${(e as Error).message}`, { cause: e });
    }
    const { path } = host;
    const execArgv = host.execArgv ?? [];
    const child = fork(path, [this.file.path], {
      execArgv: this.options.forceGc === true ? [...execArgv, '--expose-gc'] : execArgv,
      env: this.options.env ?? process.env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.gen += 1;
    this.child = child;
    this.stderrTail = '';
    child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4096);
    });
    child.on('message', (m: HostReply) => {
      const p = this.pending;
      if (p !== undefined && m.id === p.id) {
        this.pending = undefined;
        p.resolve(m);
      }
    });
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    child.on('error', (e) => this.onExit(child, null, null, e));
    this.state = 'ready';
    this.idle();
    const reply = await this.send<InitResult>('init', { forceGc: this.options.forceGc === true }, [], { timeoutMs: this.options.startTimeoutMs });
    this.file.unlink();
    if (!reply.result.available) {
      const err = new GpuUnavailableError(reply.result.reason, { details: { hostLog: this.log() } });
      await this.stop();
      this.state = 'idle';
      throw err;
    }
    this.info = reply.result.info;
    return this.info;
  }

  /** The host's recent stderr without Dawn's routine limit warnings. */
  private log(): string {
    return this.stderrTail.split('\n').filter((l) => l.trim() !== '' && !l.includes('artificially reduced')).slice(-20).join('\n');
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null, error?: Error): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.file?.close();
    this.file = undefined;
    this.info = undefined;
    if (this.state !== 'closed') this.state = 'dead';
    const p = this.pending;
    if (p !== undefined) {
      this.pending = undefined;
      p.reject(new QinferError('ERR_GPU', `the GPU host process ${error ? `failed (${error.message})` : `died (${signal ?? `exit code ${code}`})`} during a call`, {
        cause: error,
        details: { exitCode: code, signal, hostLog: this.log() },
      }));
    }
  }

  /** Lets this process exit while the host is idle. */
  private idle(): void {
    this.child?.unref();
    (this.child as unknown as { channel?: { unref(): void } } | undefined)?.channel?.unref();
    (this.child?.stderr as unknown as { unref?: () => void } | undefined)?.unref?.();
  }

  private busy(): void {
    this.child?.ref();
    (this.child as unknown as { channel?: { ref(): void } } | undefined)?.channel?.ref();
  }

  /**
   * Runs operation `op` on the host with JSON `args` and bulk `inputs` (written to the shared
   * file in order), one call at a time. Rejects with the host's typed error, `ERR_GPU` when the
   * host dies or the watchdog fires, `ERR_ABORTED` on abort (the host finishes the work; the
   * result is dropped) and `ERR_CLOSED` after close.
   */
  call<R>(op: string, args: unknown, inputs: readonly ArrayBufferView[] = [], options: HostCallOptions = {}): Promise<HostResult<R>> {
    const run = async (): Promise<HostResult<R>> => {
      if (this.state === 'closed') throw new QinferError('ERR_CLOSED', 'GPU host used after close()');
      options.signal?.throwIfAborted();
      await this.adapterInfo();
      return this.send<R>(op, args, inputs, options);
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    if (options.signal === undefined) return p;
    const signal = options.signal;
    return new Promise<HostResult<R>>((resolve, reject) => {
      const onAbort = (): void => reject(new QinferError('ERR_ABORTED', 'GPU call aborted', { cause: signal.reason }));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    }).catch((e: unknown) => {
      if (signal.aborted && !(e instanceof QinferError && e.code === 'ERR_ABORTED')) {
        throw new QinferError('ERR_ABORTED', 'GPU call aborted', { cause: signal.reason });
      }
      throw e;
    });
  }

  private async send<R>(op: string, args: unknown, inputs: readonly ArrayBufferView[], options: HostCallOptions): Promise<HostResult<R>> {
    const child = this.child, file = this.file;
    if (child === undefined || file === undefined || this.state !== 'ready') throw new QinferError('ERR_GPU', 'the GPU host is not running');
    const segs: Segment[] = file.write(inputs);
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    this.busy();
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await new Promise<HostReply>((resolve, reject) => {
        this.pending = { id, resolve, reject };
        timer = setTimeout(() => {
          if (this.pending?.id !== id) return;
          this.pending = undefined;
          reject(new QinferError('ERR_GPU', `the GPU host did not answer '${op}' within ${timeoutMs} ms; it was killed`, {
            details: { op, timeoutMs, hostLog: this.log() },
          }));
          // forget it now (its exit event comes later): the next call must start a fresh host
          this.onExit(child, null, 'SIGKILL');
          child.kill('SIGKILL');
        }, timeoutMs);
        const req: HostRequest = { id, op, args, segs };
        child.send(req, (e) => {
          if (e && this.pending?.id === id) {
            this.pending = undefined;
            reject(new QinferError('ERR_GPU', `could not reach the GPU host: ${e.message}`, { cause: e }));
          }
        });
      });
      if (!reply.ok) {
        // A host error the host did not type is a device failure: ERR_GPU.
        const e = fromWireError(reply.error, {}, 'ERR_GPU') as QinferError;
        if (e.code === 'ERR_GPU_UNAVAILABLE') throw new GpuUnavailableError(reply.error.message, { details: e.details });
        throw e;
      }
      let output: Uint8Array | undefined;
      if (reply.out !== undefined) {
        if (this.readBuf.byteLength < reply.out.bytes) this.readBuf = new Uint8Array(Math.ceil(reply.out.bytes * 1.25 / 8) * 8);
        output = file.read(reply.out, this.readBuf);
      }
      return { result: reply.result as R, output };
    } finally {
      clearTimeout(timer);
      this.idle();
    }
  }

  /**
   * Testing hook: arms a fault that fires inside the host's next call — `exit` (process.exit),
   * `abort` (SIGABRT, as a glibc assertion), `segfault` (SIGSEGV) or `hang` (a busy loop the
   * watchdog must catch). That call then rejects with `ERR_GPU`.
   */
  async injectFault(kind: GpuFaultKind): Promise<void> {
    await this.adapterInfo();
    this.child?.send({ id: 0, op: 'fault', args: { kind }, segs: [] } satisfies HostRequest);
  }

  private async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) {
      const id = this.nextId++;
      child.send({ id, op: 'close', args: null, segs: [] } satisfies HostRequest, () => {});
    } else child.kill('SIGKILL');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** Ends the host process (after the call in flight, if any). Idempotent. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wait = this.chain;
    this.state = 'closed';
    await wait.catch(() => undefined);
    await this.stop();
    this.file?.close();
    this.file?.unlink();
    this.file = undefined;
  }
}
