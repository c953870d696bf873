import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { resolveModelModules } from '../boundary/modelModules.js';
import type { EngineService } from '../cluster/clusterKeys.js';
import { describeRedis, redisOptions } from '../cluster/redisOptions.js';
import type { EngineEvent, EngineOptions } from '../cluster/startEngine.js';
import { QinferArgumentError, isQinferError } from '../errors/QinferError.js';
import type { CliIo } from './CliIo.js';
import { parseByteSize } from './parseArgs.js';
import { commandFor, runCommand } from './runCommand.js';

/** The values commander parses from `qinfer-rx engine …`. */
export interface EngineCommandValues {
  readonly redis?: string;
  readonly concurrency?: number;
  readonly models?: readonly string[];
  readonly prefix?: string;
  readonly serve?: readonly EngineService[];
  readonly lockDuration?: number;
  readonly stalledInterval?: number;
  readonly maxStalled?: number;
  readonly shutdownTimeout?: number;
  readonly maxPayloadBytes?: number;
  readonly maxJobMemory?: number;
  readonly maxResultBytes?: number;
  readonly connectTries?: number;
  readonly tlsCa?: string;
  readonly log: 'text' | 'json' | 'jobs';
}

/** A whole number ≥ 1 for an engine flag (commander reports the flag and the value). */
function whole(option: string): (v: string) => number {
  return (v) => {
    const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${option} must be a whole number >= 1 (got '${v}')`);
    return n;
  };
}

/** A size in bytes for an engine flag: `4G`, `512M`, `1e9`. */
function size(option: string): (v: string) => number {
  return (v) => {
    try {
      return parseByteSize(v, option);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

function serviceList(v: string): EngineService[] {
  const serve = v.split(',').map((s) => s.trim());
  for (const s of serve) if (s !== 'trials' && s !== 'likelihood') throw new InvalidArgumentError(`--serve takes trials and/or likelihood (got '${s}')`);
  return serve as EngineService[];
}

/**
 * Adds the options of `qinfer-rx engine` to `cmd` (a commander sub-command of `qinfer-rx`, or a
 * command of its own for {@link parseEngineArgs}); `--help` is commander's.
 *
 * @example
 * ```ts
 * engineOptions(new Command('qinfer-rx engine')).parse(['--redis', 'redis://h:6379'], { from: 'user' }).opts(); // { redis: 'redis://h:6379', log: 'text' }
 * ```
 */
export function engineOptions(cmd: Command): Command {
  return cmd
    .description('serve performance-test trials and likelihood chunks from Redis (BullMQ) until SIGTERM/SIGINT')
    .usage('--redis URL [options]')
    .option('--redis <url>', 'redis://[user:pass@]host:port[/db], or rediss:// for TLS (default: $QINFER_REDIS_URL; prefer the variable for passwords)')
    .option('--concurrency <n>', 'jobs at once, one worker thread each (default: CPU count)', whole('--concurrency'))
    .option('--models <module...>', 'model modules to load (each exports registerModels(registry), register(registry) or a default function)')
    .option('--prefix <name>', 'queue/key prefix shared with clients (default: qinfer)')
    .option('--serve <list>', 'trials,likelihood (default: both)', serviceList)
    .option('--lock-duration <ms>', "job lock lifetime; a dead engine's job is re-run after it (default 10000)", whole('--lock-duration'))
    .option('--stalled-interval <ms>', 'how often to look for jobs of dead engines (default 5000)', whole('--stalled-interval'))
    .option('--max-stalled <n>', 'recoveries allowed per job before it fails (default 2)', whole('--max-stalled'))
    .option('--shutdown-timeout <ms>', 'on SIGTERM, time for in-flight jobs before they are handed back (default 30000)', whole('--shutdown-timeout'))
    .option('--max-payload-bytes <n>', 'largest job accepted (default 67108864)', whole('--max-payload-bytes'))
    .option('--max-job-memory <size>', 'memory one job may take, e.g. 4G; larger jobs fail with ERR_PAYLOAD before they run (default 2G)', size('--max-job-memory'))
    .option('--max-result-bytes <size>', 'largest result of one job, e.g. 64M (default 64M)', size('--max-result-bytes'))
    .option('--connect-tries <n>', 'connection attempts at start, and authentication errors in a row while serving, before the engine exits non-zero (default 10)', whole('--connect-tries'))
    .option('--tls-ca <file>', 'CA certificate for rediss:// (PEM)')
    .addOption(new Option('--log <mode>', 'text: start/stop lines; jobs: also one line per job; json: every event as JSON, with `at` (ms since the epoch)').choices(['text', 'jobs', 'json']).default('text'))
    .showHelpAfterError('usage: qinfer-rx engine --redis URL [options] (add --help for the options)')
    .addHelpText('after', '\nExample:\n  QINFER_REDIS_URL=redis://10.0.0.5:6379 qinfer-rx engine --concurrency 8 --models ./my-models.js\n');
}

/**
 * Engine options from parsed `qinfer-rx engine` values: the Redis URL (or `QINFER_REDIS_URL` in
 * `env`) is required; `--models` are resolved against the working directory. Throws
 * `QinferArgumentError` (`ERR_ARGUMENT`) with a message naming the flag.
 *
 * @example
 * ```ts
 * engineOptionsFrom({ log: 'text' }, { QINFER_REDIS_URL: 'redis://h:6379' }).options.connection; // { host: 'h', port: 6379 }
 * ```
 */
export function engineOptionsFrom(values: EngineCommandValues, env: NodeJS.ProcessEnv = process.env): { options: Omit<EngineOptions, 'onEvent'>; log: EngineCommandValues['log'] } {
  const url = values.redis ?? env['QINFER_REDIS_URL'];
  if (url === undefined || url === '') throw new QinferArgumentError('ERR_ARGUMENT', '--redis URL is required (or set QINFER_REDIS_URL)');
  const connection = redisOptions(url);
  if (values.tlsCa !== undefined) connection.tls = { ...(connection.tls ?? {}), ca: readFileSync(values.tlsCa) };
  const options: Omit<EngineOptions, 'onEvent'> = {
    connection,
    serve: [...(values.serve ?? ['trials', 'likelihood'])],
    models: resolveModelModules(values.models ?? []),
  };
  const set = <K extends keyof EngineOptions>(k: K, v: EngineOptions[K] | undefined): void => {
    if (v !== undefined) (options as EngineOptions)[k] = v;
  };
  set('concurrency', values.concurrency);
  set('queuePrefix', values.prefix);
  set('lockDuration', values.lockDuration);
  set('stalledInterval', values.stalledInterval);
  set('maxStalledCount', values.maxStalled);
  set('shutdownTimeout', values.shutdownTimeout);
  set('maxPayloadBytes', values.maxPayloadBytes);
  set('maxJobMemory', values.maxJobMemory);
  set('maxResultBytes', values.maxResultBytes);
  set('connectTries', values.connectTries);
  return { options, log: values.log };
}

/**
 * Parses `qinfer-rx engine` arguments (the same commander definition as the sub-command) into
 * engine options, or `'help'` for `--help`; throws an `Error` whose message names the problem.
 *
 * @example
 * ```ts
 * import { parseEngineArgs } from 'qinfer-rx/cli';
 * parseEngineArgs(['--redis', 'redis://10.0.0.5:6379', '--concurrency', '8']); // { options: { connection: …, concurrency: 8, … }, log: 'text' }
 * ```
 */
export function parseEngineArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { options: Omit<EngineOptions, 'onEvent'>; log: EngineCommandValues['log'] } | 'help' {
  const cmd = engineOptions(new Command('qinfer-rx engine'))
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (e) {
    if ((e as { code?: unknown }).code === 'commander.helpDisplayed') return 'help';
    throw new Error((e as Error).message.replace(/^error: /, ''), { cause: e });
  }
  return engineOptionsFrom(cmd.opts<EngineCommandValues>(), env);
}

function logger(mode: string, out: (line: string) => void, err: (line: string) => void): (e: EngineEvent) => void {
  return (e) => {
    // Warnings and the reason to give up go to stderr in every mode (a service manager's log).
    if (e.event === 'warning') err(`qinfer-rx engine: warning: ${e.message}`);
    if (e.event === 'fatal') err(`qinfer-rx engine: giving up: ${e.message}`);
    if (mode === 'json') return out(JSON.stringify({ ...e, at: Date.now() }));
    if (e.event === 'ready') return out(`engine ${e.id} ready: ${e.concurrency} thread(s), serving ${e.serve.join(', ')}`);
    if (e.event === 'stopping' || e.event === 'stopped') return out(`engine ${e.event}`);
    if (e.event === 'error') return out(`engine error: ${e.message}`);
    if (mode !== 'jobs' || e.event === 'warning' || e.event === 'fatal') return;
    if (e.event === 'start') out(`${e.kind} job ${e.jobId} started`);
    else if (e.event === 'done') out(`${e.kind} job ${e.jobId} done in ${e.ms.toFixed(1)} ms`);
    else if (e.event === 'failed') out(`${e.kind} job ${e.jobId} failed: ${e.reason}`);
    else if (e.event === 'skipped') out(`${e.kind} job ${e.jobId} skipped: ${e.reason}`);
    else out(`${e.kind} job ${e.jobId} handed back`);
  };
}

/**
 * Starts an engine with the parsed values and serves until SIGTERM, SIGINT (or `io.signal`, which
 * the `qinfer-rx` command aborts on Ctrl-C), then stops it gracefully (in-flight jobs finish or
 * are handed back). Resolves with the exit code: 0 after a clean stop, 2 for bad arguments, 1
 * when the engine cannot start (Redis unreachable after `--connect-tries`, or its credentials
 * rejected) or gives up while serving (credentials rejected `--connect-tries` times in a row).
 * A second signal exits at once. A connection to another machine without a password or TLS
 * prints a warning on stderr.
 *
 * @example
 * ```ts
 * process.exitCode = await serveEngine({ redis: 'redis://10.0.0.5:6379', concurrency: 8, log: 'text' }, { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function serveEngine(values: EngineCommandValues, io: CliIo): Promise<number> {
  const { options, log } = engineOptionsFrom(values);
  const { startEngine } = await import('../cluster/startEngine.js');
  let engine;
  try {
    engine = await startEngine({ ...options, onEvent: logger(log, (l) => io.stdout.write(`${l}\n`), (l) => io.stderr.write(`${l}\n`)) });
  } catch (e) {
    io.stderr.write(`qinfer-rx engine: cannot start on ${describeRedis(redisOptions(options.connection))}: ${(e as Error).message}\n`);
    return isQinferError(e, 'ERR_ARGUMENT') ? 2 : 1;
  }
  const running = engine;
  const gaveUp = await new Promise<Error | undefined>((resolve) => {
    let signals = 0;
    const onSignal = (): void => {
      if (++signals > 1) process.exit(130);
      void running.stop().then(() => resolve(undefined), () => resolve(undefined));
    };
    process.on('SIGTERM', onSignal);
    if (io.signal === undefined) process.on('SIGINT', onSignal);
    else if (io.signal.aborted) onSignal();
    else io.signal.addEventListener('abort', onSignal, { once: true });
    void running.failed.then(resolve); // it stopped itself (credentials rejected while serving)
  });
  if (gaveUp !== undefined) {
    io.stderr.write(`qinfer-rx engine: stopped: ${gaveUp.message}\n`);
    return 1;
  }
  return 0;
}

/**
 * Defines `qinfer-rx engine` on the commander command `cmd`: its options, `--help`, and an action
 * that serves (see {@link serveEngine}) and hands the exit code to `done`.
 *
 * @example
 * ```ts
 * defineEngineCommand(root.command('engine'), io, (code) => (result.code = code));
 * ```
 */
export function defineEngineCommand(cmd: Command, io: CliIo, done: (code: number) => void): Command {
  return engineOptions(cmd).action(async (values: EngineCommandValues) => {
    done(await serveEngine(values, io));
  });
}

/**
 * `qinfer-rx engine ARGS…` on its own (what `CLI_COMMANDS`' `engine` entry loads): the same
 * commander command as the sub-command, with the same exit codes as `runCli` (2 for bad
 * arguments, with the usage on stderr).
 *
 * @example
 * ```ts
 * import { engineCliCommand } from 'qinfer-rx/cli';
 * process.exitCode = await engineCliCommand(['--redis', 'redis://10.0.0.5:6379'], { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function engineCliCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const result = { code: 0 };
  return runCommand(defineEngineCommand(commandFor(new Command('qinfer-rx engine'), io), io, (c) => (result.code = c)), argv, io, result);
}
