import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isQinferError } from '../errors/QinferError.js';
import type { EngineService } from './clusterKeys.js';
import { resolveModelModules } from './loadModelModules.js';
import { describeRedis, redisOptions } from './redisOptions.js';
import { startEngine, type EngineEvent, type EngineOptions } from './startEngine.js';

/** Usage text of `qinfer-rx engine`. */
export const ENGINE_USAGE = `usage: qinfer-rx engine --redis URL [options]

Serves performance-test trials and likelihood chunks from Redis (BullMQ) until SIGTERM/SIGINT.

  --redis URL               redis://[user:pass@]host:port[/db] or rediss:// for TLS
                            (default: $QINFER_REDIS_URL; prefer the variable for passwords)
  --concurrency N           jobs at once, one worker thread each (default: CPU count)
  --models MODULE...        model modules to load (each exports registerModels(registry))
  --prefix NAME             queue/key prefix shared with clients (default: qinfer)
  --serve LIST              trials,likelihood (default: both)
  --lock-duration MS        job lock lifetime; a dead engine's job is re-run after it (default 10000)
  --stalled-interval MS     how often to look for jobs of dead engines (default 5000)
  --max-stalled N           recoveries allowed per job before it fails (default 2)
  --shutdown-timeout MS     on SIGTERM, time for in-flight jobs before they are handed back (default 30000)
  --max-payload-bytes N     largest job accepted (default 67108864)
  --tls-ca FILE             CA certificate for rediss:// (PEM)
  --log text|json|jobs      text: start/stop lines; jobs: also one line per job; json: every event as JSON
  -h, --help
`;

function num(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${what} must be a number (got '${v}')`);
  return n;
}

/** Splits `--models a b c --x` into repeated `--models` so that `parseArgs` accepts the list. */
function expandVariadic(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    out.push(a);
    if (a === '--models') {
      let first = true;
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) {
        if (!first) out.push('--models');
        out.push(argv[++i]!);
        first = false;
      }
    }
  }
  return out;
}

/** Parses `qinfer-rx engine` arguments into engine options (throws an `Error` with a message). */
export function parseEngineArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { options: Omit<EngineOptions, 'onEvent'>; log: string } | 'help' {
  const { values } = parseArgs({
    args: expandVariadic(argv),
    options: {
      redis: { type: 'string' },
      concurrency: { type: 'string' },
      models: { type: 'string', multiple: true },
      prefix: { type: 'string' },
      serve: { type: 'string' },
      'lock-duration': { type: 'string' },
      'stalled-interval': { type: 'string' },
      'max-stalled': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
      'max-payload-bytes': { type: 'string' },
      'tls-ca': { type: 'string' },
      log: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const url = values.redis ?? env['QINFER_REDIS_URL'];
  if (url === undefined || url === '') throw new Error('--redis URL is required (or set QINFER_REDIS_URL)');
  const connection = redisOptions(url);
  if (values['tls-ca'] !== undefined) connection.tls = { ...(connection.tls ?? {}), ca: readFileSync(values['tls-ca']) };
  const serve = (values.serve ?? 'trials,likelihood').split(',').map((s) => s.trim());
  for (const s of serve) if (s !== 'trials' && s !== 'likelihood') throw new Error(`--serve takes trials and/or likelihood (got '${s}')`);
  const log = values.log ?? 'text';
  if (!['text', 'json', 'jobs'].includes(log)) throw new Error(`--log takes text, jobs or json (got '${log}')`);
  const options: Omit<EngineOptions, 'onEvent'> = {
    connection,
    serve: serve as EngineService[],
    models: resolveModelModules(values.models ?? []),
  };
  const set = <K extends keyof EngineOptions>(k: K, v: EngineOptions[K] | undefined): void => {
    if (v !== undefined) (options as EngineOptions)[k] = v;
  };
  set('concurrency', num(values.concurrency, '--concurrency'));
  set('queuePrefix', values.prefix);
  set('lockDuration', num(values['lock-duration'], '--lock-duration'));
  set('stalledInterval', num(values['stalled-interval'], '--stalled-interval'));
  set('maxStalledCount', num(values['max-stalled'], '--max-stalled'));
  set('shutdownTimeout', num(values['shutdown-timeout'], '--shutdown-timeout'));
  set('maxPayloadBytes', num(values['max-payload-bytes'], '--max-payload-bytes'));
  return { options, log };
}

function logger(mode: string, out: (line: string) => void): (e: EngineEvent) => void {
  return (e) => {
    if (mode === 'json') return out(JSON.stringify(e));
    if (e.event === 'ready') return out(`engine ${e.id} ready: ${e.concurrency} thread(s), serving ${e.serve.join(', ')}`);
    if (e.event === 'stopping' || e.event === 'stopped') return out(`engine ${e.event}`);
    if (e.event === 'error') return out(`engine error: ${e.message}`);
    if (mode !== 'jobs') return;
    if (e.event === 'start') out(`${e.kind} job ${e.jobId} started`);
    else if (e.event === 'done') out(`${e.kind} job ${e.jobId} done in ${e.ms.toFixed(1)} ms`);
    else if (e.event === 'failed') out(`${e.kind} job ${e.jobId} failed: ${e.reason}`);
    else out(`${e.kind} job ${e.jobId} handed back`);
  };
}

/** Where `qinfer-rx engine` writes, and the cancellation the `qinfer-rx` command passes in. */
export interface EngineCliIo {
  /** One line of output (default: stdout). */
  readonly out?: (line: string) => void;
  /** One line of errors (default: stderr). */
  readonly err?: (line: string) => void;
  /** Aborting it stops the engine like SIGTERM (given by `qinfer-rx`, which owns SIGINT). */
  readonly signal?: AbortSignal;
}

/**
 * `qinfer-rx engine`: parses `argv`, starts an engine and serves until SIGTERM, SIGINT (or
 * `io.signal`), then stops it gracefully (in-flight jobs finish or are handed back) and resolves
 * with the exit code: 0 after a clean stop, 2 for bad arguments, 1 when the engine cannot start.
 * A second signal exits at once.
 *
 * @example
 * ```ts
 * // bin: qinfer-rx engine --redis redis://10.0.0.5:6379 --concurrency 8
 * import { runEngineCli } from 'qinfer-rx/cluster';
 * process.exitCode = await runEngineCli(process.argv.slice(3));
 * ```
 */
export async function runEngineCli(argv: readonly string[], io: EngineCliIo = {}): Promise<number> {
  const out = io.out ?? ((l: string) => console.log(l));
  const err = io.err ?? ((l: string) => console.error(l));
  let parsed: ReturnType<typeof parseEngineArgs>;
  try {
    parsed = parseEngineArgs(argv);
  } catch (e) {
    err(`qinfer-rx engine: ${(e as Error).message}\n\n${ENGINE_USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    out(ENGINE_USAGE);
    return 0;
  }
  const { options, log } = parsed;
  let engine;
  try {
    engine = await startEngine({ ...options, onEvent: logger(log, out) });
  } catch (e) {
    err(`qinfer-rx engine: cannot start on ${describeRedis(redisOptions(options.connection))}: ${(e as Error).message}`);
    return isQinferError(e, 'ERR_ARGUMENT') ? 2 : 1;
  }
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (): void => {
      if (++signals > 1) process.exit(130);
      void engine.stop().then(resolve, resolve);
    };
    process.on('SIGTERM', onSignal);
    if (io.signal === undefined) process.on('SIGINT', onSignal);
    else if (io.signal.aborted) onSignal();
    else io.signal.addEventListener('abort', onSignal, { once: true });
  });
  return 0;
}
