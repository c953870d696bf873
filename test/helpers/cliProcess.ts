/**
 * The real `qinfer-rx` command as a child process (`node bin/qinfer-rx.js …`), for tests that
 * need real signals and real exits: collects its output, waits for lines on its stderr (events,
 * never sleeps) and for its exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/qinfer-rx.js', import.meta.url));
/** The command's entry file, `bin/qinfer-rx.js`. */
export const CLI_BIN = BIN;

/** How a command ended: its exit status (null when killed by a signal) and the signal. */
export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Where and as whom the command runs: `uid`/`gid` (only when the tests run as root) run it as another user. */
export interface CliProcessOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly uid?: number;
  readonly gid?: number;
}

/** A running `qinfer-rx` process. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr (or stdout, with `stream`) matches `pattern`; rejects if the process exits first. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr'): Promise<void>;
  /** Resolves when the process has exited. */
  readonly exit: Promise<CliExit>;
}

/**
 * Starts `qinfer-rx ARGS` in `cwd` (the repository root by default) with `env` added to the
 * environment.
 *
 * @example
 * ```ts
 * const p = startCli(['perf', '-t', '1000'], { cwd: dir });
 * await p.waitFor(/1\/1000 trials/);
 * p.child.kill('SIGINT');
 * expect((await p.exit).code).toBe(130);
 * ```
 */
export function startCli(args: readonly string[], options: CliProcessOptions = {}): CliProcess {
  const user = options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid };
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], ...user });
  let out = '', err = '';
  const waiters: { pattern: RegExp; stream: 'stdout' | 'stderr'; resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      if (w.pattern.test(w.stream === 'stdout' ? out : err)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    check();
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
    check();
  });
  const exit = new Promise<CliExit>((resolve) => {
    child.on('close', (code, signal) => {
      for (const w of waiters.splice(0)) w.reject(new Error(`qinfer-rx exited (code ${code}, signal ${signal}) before ${w.stream} matched ${w.pattern}\nstdout: ${out}\nstderr: ${err}`));
      resolve({ code, signal, stdout: out, stderr: err });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (pattern, stream = 'stderr') =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ pattern, stream, resolve, reject });
        check();
      }),
    exit,
  };
}

/**
 * Runs `qinfer-rx ARGS` to its end.
 *
 * @example
 * ```ts
 * const r = await runCliProcess(['perf', '--out', '/sys/x.json']);
 * expect(r.code).toBe(2);
 * ```
 */
export function runCliProcess(args: readonly string[], options: CliProcessOptions = {}): Promise<CliExit> {
  return startCli(args, options).exit;
}
